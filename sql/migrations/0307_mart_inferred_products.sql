-- Which inferred products marts.sales_by_category counted as 'Unknown' on which order date. Completing an
-- inferred member (load_dim_product gives its key a real category in place) changes those rows' category
-- without moving any fact, so no refresh is queued for them; compute_daily_metrics re-queues an order date
-- here as soon as one of its inferred products has become real.
create table warehouse.mart_inferred_products (
    order_date  date not null,
    product_key bigint not null,
    primary key (order_date, product_key)
);
comment on table warehouse.mart_inferred_products is
    'one row per order date and inferred product counted as Unknown in marts.sales_by_category';
create index mart_inferred_products_key on warehouse.mart_inferred_products (product_key);
