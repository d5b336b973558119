-- marts.sales_by_category for the dates in refresh_category_dates (category_dates.sql): delete, then insert
-- from what compute_daily_metrics summed from those dates' lines (category_lines.sql). Lines of orders not
-- cancelled or refunded, by the category of the product version the line points at (the version valid at
-- order_ts, chosen by load_fact_orders); an order counts once per date and category. The inferred products
-- counted as 'Unknown' on the dates are remembered, so that a date is refreshed again once load_dim_product
-- completes one.
delete from warehouse.mart_inferred_products
where order_date in (select order_date from refresh_category_dates);

insert into warehouse.mart_inferred_products (order_date, product_key)
select order_date, product_key from refresh_category_inferred;

delete from marts.sales_by_category
where order_date in (select order_date from refresh_category_dates);

insert into marts.sales_by_category (order_date, category, orders, units, revenue)
select order_date, category, orders, units, revenue from refresh_category_sales
