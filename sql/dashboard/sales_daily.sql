-- /api/sales/daily?from=&to=: revenue, orders, average order value and units per order date
-- (marts.daily_sales), and the range's totals. $1, $2 order dates; null: a 30-day window ending at the newest.
with

bounds as (
    select * from warehouse.date_window($1::date, $2::date, (select max(order_date) from marts.daily_sales))
),

days as (
    select s.order_date, s.orders, s.cancelled_or_refunded, s.revenue, s.units, s.customers, s.avg_order_value
    from marts.daily_sales s, bounds
    where s.order_date between bounds.from_date and bounds.to_date
),

totals as (
    select
        coalesce(sum(orders), 0) as orders,
        coalesce(sum(cancelled_or_refunded), 0) as cancelled_or_refunded,
        coalesce(sum(revenue), 0) as revenue,
        coalesce(sum(units), 0) as units,
        round(sum(revenue) / nullif(sum(orders - cancelled_or_refunded), 0), 2) as avg_order_value
    from days
)

select json_build_object(
    'from_date', (select from_date from bounds),
    'to_date', (select to_date from bounds),
    'days', coalesce((select json_agg(d order by d.order_date) from days d), '[]'::json),
    'totals', (select row_to_json(t) from totals t)
);
