-- /api/customers?from=&to=: new and returning customers per order date. A customer is new on the date of their
-- first order (marts.customer_summary.first_order_date) and returning on later dates; only orders not cancelled
-- or refunded count, as in marts.daily_sales.customers, which new + returning equals.
-- $1, $2 order dates; null: a 30-day window ending at the newest. Reads fact_orders by its month partitions.
with

bounds as (
    select * from warehouse.date_window($1::date, $2::date, (select max(order_date) from marts.daily_sales))
),

buyers as (
    select distinct f.order_date, f.user_key
    from warehouse.fact_orders f
    where f.order_date between (select from_date from bounds) and (select to_date from bounds)
      and not f.is_cancelled_or_refunded
),

per_day as (
    select
        b.order_date,
        count(*) as customers,
        count(*) filter (where c.first_order_date = b.order_date) as new_customers,
        count(*) filter (where c.first_order_date < b.order_date) as returning_customers
    from buyers b
    left join marts.customer_summary c on c.user_key = b.user_key
    group by b.order_date
),

final as (
    select * from per_day
)

select coalesce(json_agg(final order by order_date), '[]'::json) from final;
