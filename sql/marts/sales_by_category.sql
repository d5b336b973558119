-- marts.sales_by_category for the order dates in refresh_order_dates (a temporary table compute_daily_metrics
-- fills from warehouse.mart_refresh_queue), plus the dates whose 'Unknown' row counted an inferred product
-- that has since been completed by load_dim_product (warehouse.mart_inferred_products): delete, then insert.
-- Lines of orders not cancelled or refunded, by the category of the product version the line points at
-- (the version valid at order_ts, chosen by load_fact_orders); 'Unknown' when the product was never seen
-- in a catalogue (no key, an inferred member, or no category). The reads of the facts bound the dates as a range
-- too, so that each load's BRIN on order_date skips the loads holding none of them (refresh_order_groups.sql).
create temporary table refresh_category_dates on commit drop as
select order_date from refresh_order_dates
union
select m.order_date
from warehouse.mart_inferred_products m
left join warehouse.dim_product p on p.product_key = m.product_key
where p.product_key is null or not p.is_inferred;

-- remember the inferred products counted as Unknown on the dates refreshed now
delete from warehouse.mart_inferred_products
where order_date in (select order_date from refresh_category_dates);

insert into warehouse.mart_inferred_products (order_date, product_key)
select distinct l.order_date, l.product_key
from warehouse.fact_order_lines l
join warehouse.dim_product p on p.product_key = l.product_key
where l.order_date in (select order_date from refresh_category_dates)
  and l.order_date between (select min(order_date) from refresh_category_dates)
                       and (select max(order_date) from refresh_category_dates)
  and not l.is_cancelled_or_refunded
  and p.is_inferred;

delete from marts.sales_by_category
where order_date in (select order_date from refresh_category_dates);

insert into marts.sales_by_category (order_date, category, orders, units, revenue)
with

lines as (
    select l.order_date, l.order_id, l.product_key, l.quantity, l.revenue
    from warehouse.fact_order_lines l
    where l.order_date in (select order_date from refresh_category_dates)
      and l.order_date between (select min(order_date) from refresh_category_dates)
                           and (select max(order_date) from refresh_category_dates)
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

-- one hashed group per order first: count(distinct order_id) would sort the dates' lines
per_order as (
    select order_date, category, order_id, sum(quantity) as units, sum(revenue) as revenue
    from categorised
    group by order_date, category, order_id
),

final as (
    select
        order_date,
        category,
        count(*) as orders,
        sum(units) as units,
        sum(revenue) as revenue
    from per_order
    group by order_date, category
)

select * from final;
