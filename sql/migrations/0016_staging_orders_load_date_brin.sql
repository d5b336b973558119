-- staging.orders rows are inserted load after load and rarely move (only an order's newer state rewrites its
-- row, at the table's end), so load_date follows the physical order: a BRIN index finds a load's rows for the
-- fact loader and the metrics as well as the B-tree did, without a B-tree insert per new order.
drop index staging.staging_orders_load_date;
create index staging_orders_load_date on staging.orders using brin (load_date);
