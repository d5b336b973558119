-- The orders new to staging, the lines of every state this load set and the new orders' shipping rows, copied by
-- the task into temporary tables, go into staging in key order. With random ids (UUIDs) each of these primary
-- keys is a B-tree of every order ever staged, larger than the buffer cache after a few nights: rows inserted in
-- the files' order each land on a random leaf, read and dirtied again and again; in key order each leaf is
-- visited once, in turn (as transform_events writes staging.events). Runs after orders_apply_updates.sql has
-- removed the replaced states' lines.
insert into staging.orders
select * from (select * from tmp_new_orders union all select * from tmp_order_updates) t
order by order_id;

insert into staging.order_lines
select * from tmp_order_lines
order by order_id, line_number;

insert into private.order_shipping
select * from (select * from tmp_new_shipping union all select * from tmp_shipping_updates) t
order by order_id;
