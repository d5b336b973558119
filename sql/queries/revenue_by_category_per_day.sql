-- Revenue by product category per day: which categories sold what, day by day?
-- Parameters: $1 first order date, $2 last order date (inclusive), both date.
-- Source: marts.sales_by_category (orders not cancelled or refunded; 'Unknown' = product never in a catalogue).
with

sales as (
    select order_date, category, orders, units, revenue
    from marts.sales_by_category
    where order_date between $1::date and $2::date
),

final as (
    select
        order_date,
        category,
        orders,
        units,
        revenue,
        round(100.0 * revenue / nullif(sum(revenue) over (partition by order_date), 0), 2) as revenue_share_pct
    from sales
)

select * from final
order by order_date, revenue desc, category collate "C";
