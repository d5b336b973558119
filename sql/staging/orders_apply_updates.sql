-- Removes the states the day's newer ones replace (the ids in tmp_order_updates, decided in C++ against the
-- state read by primary key), their lines and shipping rows; transform_orders then copies the new states with
-- the new orders, every set state's lines and the shipping rows straight into staging, in key order. A delete
-- and an insert rather than an update: the row is rewritten whole either way (the load_date BRIN makes any
-- update of a state non-HOT), and the columns need no list here beside transform_orders' one. The task's lock
-- keeps any other run of it from changing a state between that read and this delete.
-- Every join below probes staging's keys for the day's rows: a hash join would read all of staging (every day
-- ever loaded) for a few thousand updates, and the planner picks one at any size. With the other joins off the
-- plan is that probe whatever the estimates: analyzing the temporary table first (it was, here) cost 1-2 s for
-- 36,000 rows and changed nothing. The probes go in key order, so that each leaf of a key larger than the
-- buffer cache (random ids: UUIDs) is read once, in turn, rather than again and again.
set local enable_hashjoin = off;
set local enable_mergejoin = off;

delete from staging.orders s
using (select order_id from tmp_order_updates order by order_id) u
where u.order_id = s.order_id;

delete from staging.order_lines l
using (select order_id from tmp_order_updates order by order_id) u
where l.order_id = u.order_id;

-- and the shipping rows of orders whose state this load set and that had one (tmp_shipping_updates)
delete from private.order_shipping p
using (select order_id from tmp_shipping_updates order by order_id) u
where p.order_id = u.order_id;

reset enable_hashjoin;
reset enable_mergejoin;
