-- What marts.sales_by_category refreshes: the order dates in refresh_order_dates (a temporary table
-- compute_daily_metrics fills from warehouse.mart_refresh_queue), plus the dates whose 'Unknown' row counted an
-- inferred product that has since been completed by load_dim_product (warehouse.mart_inferred_products). And
-- the temporary tables compute_daily_metrics fills from those dates' lines (category_lines.sql), which
-- sales_by_category.sql writes into the mart.
create temporary table refresh_category_dates on commit drop as
select order_date from refresh_order_dates
union
select m.order_date
from warehouse.mart_inferred_products m
left join warehouse.dim_product p on p.product_key = m.product_key
where p.product_key is null or not p.is_inferred;

-- per date and category the orders (distinct), units and revenue of the lines counted
create temporary table refresh_category_sales (
    order_date date not null, category text not null, orders integer not null, units integer not null,
    revenue numeric(14,2) not null
) on commit drop;

-- the inferred products the dates' 'Unknown' rows counted
create temporary table refresh_category_inferred (order_date date not null, product_key bigint not null)
on commit drop
