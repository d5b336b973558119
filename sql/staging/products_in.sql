-- The day's valid product elements, as transform_products parsed them, on their way into the snapshot: the
-- columns of staging.products_snapshot but the snapshot date and carried_from, in its order.
create temporary table products_in on commit drop as
select * from staging.products_snapshot with no data;
alter table products_in drop column snapshot_date, drop column carried_from;
