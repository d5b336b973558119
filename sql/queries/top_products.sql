-- Top products: which products brought the most revenue in a period?
-- Parameters: $1 first order date, $2 last order date (inclusive), both date; $3 how many products (integer).
-- Source: warehouse.fact_order_lines (orders not cancelled or refunded) with the product's current name and
-- category from warehouse.dim_product (null/'Unknown' for a product never seen in a catalogue).
with

lines as (
    select product_id, order_id, quantity, revenue
    from warehouse.fact_order_lines
    where order_date between $1::date and $2::date
      and not is_cancelled_or_refunded
),

per_product as (
    select product_id, count(distinct order_id) as orders, sum(quantity) as units, sum(revenue) as revenue
    from lines
    group by product_id
),

current_products as (
    select product_id, name, case when is_inferred then 'Unknown' else category end as category
    from warehouse.dim_product
    where is_current
),

final as (
    select
        p.product_id,
        c.name,
        coalesce(c.category, 'Unknown') as category,
        p.orders,
        p.units,
        p.revenue,
        rank() over (order by p.revenue desc) as revenue_rank
    from per_product p
    left join current_products c on c.product_id = p.product_id
)

select * from final
order by revenue desc, product_id collate "C"
limit $3::integer;
