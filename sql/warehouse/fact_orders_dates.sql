-- $1 = load date. The order dates of the load's orders, in one scan: the dates to queue, and per month the
-- partitions the load needs and which months are bulk, and each date's key.
create temporary table load_order_dates on commit drop as
select d.order_date, warehouse.date_key(d.order_date) as date_key, d.orders
from (
    select (s.order_ts at time zone 'UTC')::date as order_date, count(*) as orders
    from staging.orders s
    where s.load_date = $1::date
    group by 1
) d
