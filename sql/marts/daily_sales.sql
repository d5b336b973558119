-- marts.daily_sales for the order dates in refresh_order_dates (a temporary table compute_daily_metrics
-- fills from warehouse.mart_refresh_queue): delete those dates' rows, then insert them again from
-- refresh_order_groups (those dates' orders, one row per date, customer and cancelled-or-not).
-- orders counts every order (latest state); revenue, units and customers count orders that are not
-- cancelled or refunded; avg_order_value = revenue / those orders, rounded to the cent, null when none.
delete from marts.daily_sales
where order_date in (select order_date from refresh_order_dates);

insert into marts.daily_sales (order_date, orders, cancelled_or_refunded, revenue, units, customers, avg_order_value)
with

per_day as (
    select
        order_date,
        sum(orders) as orders,
        coalesce(sum(orders) filter (where is_cancelled_or_refunded), 0) as cancelled_or_refunded,
        coalesce(sum(revenue) filter (where not is_cancelled_or_refunded), 0) as revenue,
        coalesce(sum(units) filter (where not is_cancelled_or_refunded), 0) as units,
        -- a group is one customer's day: counting the live groups counts distinct customers
        count(*) filter (where not is_cancelled_or_refunded) as customers
    from refresh_order_groups
    group by order_date
),

final as (
    select
        order_date,
        orders,
        cancelled_or_refunded,
        revenue,
        units,
        customers,
        round(revenue / nullif(orders - cancelled_or_refunded, 0), 2) as avg_order_value
    from per_day
)

select * from final;
