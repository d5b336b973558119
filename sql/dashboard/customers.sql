-- /api/customers?from=&to=: new and returning customers per order date. A customer is new on the date of their
-- first order (marts.customer_summary.first_order_date) and returning on later dates; only orders not cancelled
-- or refunded count, as in marts.daily_sales.customers, so returning = that day's customers - its new ones
-- (every new customer bought that day). Reads the marts only: no fact table, whatever the range.
-- $1, $2 order dates; null: a 30-day window ending at the newest.
with

bounds as (
    select * from warehouse.date_window($1::date, $2::date, (select max(order_date) from marts.daily_sales))
),

days as (
    select s.order_date, s.customers
    from marts.daily_sales s, bounds
    where s.order_date between bounds.from_date and bounds.to_date
),

firsts as (
    select c.first_order_date, count(*) as new_customers
    from marts.customer_summary c, bounds
    where c.first_order_date between bounds.from_date and bounds.to_date
    group by c.first_order_date
),

final as (
    select
        d.order_date,
        d.customers,
        coalesce(f.new_customers, 0) as new_customers,
        d.customers - coalesce(f.new_customers, 0) as returning_customers
    from days d
    left join firsts f on f.first_order_date = d.order_date
)

select coalesce(json_agg(final order by order_date), '[]'::json) from final;
