-- staging.order_lines gets the load date of its order's state. Lines are replaced whenever their order's state
-- is, so it always equals staging.orders.load_date; with it, every reader of one load's lines (load_fact_orders,
-- the quality rules) finds them by a BRIN index instead of joining every line staging holds, which grew with
-- each day loaded.
alter table staging.order_lines add column load_date date not null default '-infinity';
update staging.order_lines l set load_date = s.load_date from staging.orders s where s.order_id = l.order_id;
-- a line whose order is gone (none should be) keeps -infinity: no load reads it
alter table staging.order_lines alter column load_date drop default;
create index staging_order_lines_load_date on staging.order_lines using brin (load_date);
comment on column staging.order_lines.load_date is 'the load that set the state of this line''s order';
