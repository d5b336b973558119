-- Orders at line grain, partitioned like fact_orders by month of the order date.
create table warehouse.fact_order_lines (
    order_id        text not null,
    line_number     integer not null,
    order_date      date not null,
    date_key        integer not null,
    order_ts        timestamptz not null,
    product_key     bigint,                 -- dim_product version valid at order_ts
    product_id      text not null,
    customer_key    bigint,
    user_key        text not null,
    status          text not null,
    is_cancelled_or_refunded boolean not null,
    quantity        integer not null,
    unit_price      numeric(12, 2) not null,
    discount        numeric(12, 2) not null,
    revenue         numeric(12, 2) not null,
    load_date       date not null
) partition by range (order_date);
comment on table warehouse.fact_order_lines is 'one row per order line (of the order''s latest state)';
create index fact_order_lines_order_id on warehouse.fact_order_lines (order_id);
create index fact_order_lines_order_date on warehouse.fact_order_lines (order_date, product_key);
create index fact_order_lines_load_date on warehouse.fact_order_lines (load_date);
