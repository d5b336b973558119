-- /api/sales/categories?from=&to=: revenue, orders and units per product category over the range
-- (marts.sales_by_category), largest first, at most 50 categories. $1, $2 order dates; null: 30 days to the newest.
with

bounds as (
    select * from warehouse.date_window($1::date, $2::date, (select max(order_date) from marts.daily_sales))
),

per_category as (
    select c.category, sum(c.orders) as orders, sum(c.units) as units, sum(c.revenue) as revenue
    from marts.sales_by_category c, bounds
    where c.order_date between bounds.from_date and bounds.to_date
    group by c.category
    order by sum(c.revenue) desc, c.category
    limit 50
),

final as (
    select * from per_category
)

select coalesce(json_agg(final order by revenue desc, category), '[]'::json) from final;
