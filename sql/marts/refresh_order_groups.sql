-- The queued order dates' orders, read once for every mart at order grain: one row per order date, customer
-- and whether the orders are cancelled or refunded, so daily_sales and customer_summary group this (a
-- customer's day) instead of each scanning fact_orders again.
create temporary table refresh_order_groups on commit drop as
with

orders as (
    select f.order_date, f.user_key, f.is_cancelled_or_refunded, f.revenue, f.units
    from warehouse.fact_orders f
    where f.order_date in (select order_date from refresh_order_dates)
),

final as (
    select
        order_date,
        user_key,
        is_cancelled_or_refunded,
        count(*) as orders,
        sum(revenue) as revenue,
        sum(units) as units
    from orders
    group by order_date, user_key, is_cancelled_or_refunded
)

select * from final;

analyze refresh_order_groups;
