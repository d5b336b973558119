-- Payment-method mix: how do customers pay, by number of orders and by revenue?
-- Parameters: $1 first order date, $2 last order date (inclusive), both date.
-- Source: warehouse.fact_orders, orders not cancelled or refunded.
with

sales as (
    select payment_method, revenue
    from warehouse.fact_orders
    where order_date between $1::date and $2::date
      and not is_cancelled_or_refunded
),

per_method as (
    select payment_method, count(*) as orders, sum(revenue) as revenue
    from sales
    group by payment_method
),

final as (
    select
        payment_method,
        orders,
        revenue,
        round(100.0 * orders / sum(orders) over (), 2) as orders_pct,
        round(100.0 * revenue / nullif(sum(revenue) over (), 0), 2) as revenue_pct
    from per_method
)

select * from final
order by revenue desc, payment_method collate "C";
