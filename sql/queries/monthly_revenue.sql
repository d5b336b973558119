-- Monthly revenue: per calendar month, how many orders, how much revenue, how many distinct customers,
-- and the average order value?
-- Parameters: $1 first order date, $2 last order date (inclusive), both date. A range inside one month reads
-- one monthly partition of fact_orders (partition pruning on order_date).
-- Source: warehouse.fact_orders (customers cannot be summed from daily_sales: a customer buys on several days).
with

orders as (
    select order_date, user_key, revenue, is_cancelled_or_refunded
    from warehouse.fact_orders
    where order_date between $1::date and $2::date
),

final as (
    select
        date_trunc('month', order_date)::date as month,
        count(*) as orders,
        count(*) filter (where is_cancelled_or_refunded) as cancelled_or_refunded,
        coalesce(sum(revenue) filter (where not is_cancelled_or_refunded), 0) as revenue,
        count(distinct user_key) filter (where not is_cancelled_or_refunded) as customers,
        round(sum(revenue) filter (where not is_cancelled_or_refunded)
              / nullif(count(*) filter (where not is_cancelled_or_refunded), 0), 2) as avg_order_value
    from orders
    group by 1
)

select * from final
order by month;
