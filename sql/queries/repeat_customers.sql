-- Repeat customers: in a period, how many customers bought more than once, and how much of the revenue
-- did they bring?
-- Parameters: $1 first order date, $2 last order date (inclusive), both date.
-- Source: warehouse.fact_orders, orders not cancelled or refunded (customers = pseudonymous user keys).
with

sales as (
    select user_key, revenue
    from warehouse.fact_orders
    where order_date between $1::date and $2::date
      and not is_cancelled_or_refunded
),

per_customer as (
    select user_key, count(*) as orders, sum(revenue) as revenue
    from sales
    group by user_key
),

final as (
    select
        count(*) as customers,
        count(*) filter (where orders > 1) as repeat_customers,
        round(100.0 * count(*) filter (where orders > 1) / nullif(count(*), 0), 2) as repeat_customer_pct,
        coalesce(sum(revenue), 0) as revenue,
        coalesce(sum(revenue) filter (where orders > 1), 0) as repeat_revenue,
        round(100.0 * sum(revenue) filter (where orders > 1) / nullif(sum(revenue), 0), 2) as repeat_revenue_pct
    from per_customer
)

select * from final;
