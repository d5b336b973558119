-- One read of the orders this load set (load date $1) with their lines' sums and whether their customer is
-- known (a real dim_customer version), for the consistency and customer-integrity rules: each scanned the
-- day's orders again before.
with

lines as (
    select l.order_id, sum(l.revenue) as revenue, sum(l.quantity) as units, count(*) as line_count
    from staging.order_lines l
    where l.load_date = $1::date
    group by l.order_id
),

known_customers as (
    select distinct c.user_key from warehouse.dim_customer c where not c.is_inferred
),

-- each order's user key as transform_orders stored it: hashing the day's users here was most of this input's time
day_orders as (
    select o.order_id, o.revenue, o.units, o.line_count, o.user_key
    from staging.orders o
    where o.load_date = $1::date
),

orders as (
    select
        coalesce(l.revenue = o.revenue and l.units = o.units and l.line_count = o.line_count, false) as lines_match,
        k.user_key is not null as customer_known
    from day_orders o
    left join lines l on l.order_id = o.order_id
    left join known_customers k on k.user_key = o.user_key
)

select
    count(*) as orders,
    count(*) filter (where lines_match) as consistent_orders,
    count(*) filter (where not customer_known) as unknown_customers
from orders
