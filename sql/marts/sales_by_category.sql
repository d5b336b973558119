-- marts.sales_by_category for the order dates in refresh_order_dates: delete, then insert.
-- Lines of orders not cancelled or refunded, by the category of the product version the line points at
-- (the version valid at order_ts, chosen by load_fact_orders); 'Unknown' when the product was never seen
-- in a catalogue (no key, an inferred member, or no category).
delete from marts.sales_by_category
where order_date in (select order_date from refresh_order_dates);

insert into marts.sales_by_category (order_date, category, orders, units, revenue)
with

lines as (
    select l.order_date, l.order_id, l.product_key, l.quantity, l.revenue
    from warehouse.fact_order_lines l
    where l.order_date in (select order_date from refresh_order_dates)
      and not l.is_cancelled_or_refunded
),

categorised as (
    select
        lines.order_date,
        lines.order_id,
        lines.quantity,
        lines.revenue,
        case when p.is_inferred or p.category is null or p.category = '' then 'Unknown' else p.category end as category
    from lines
    left join warehouse.dim_product p on p.product_key = lines.product_key
),

final as (
    select
        order_date,
        category,
        count(distinct order_id) as orders,
        sum(quantity) as units,
        sum(revenue) as revenue
    from categorised
    group by order_date, category
)

select * from final;
