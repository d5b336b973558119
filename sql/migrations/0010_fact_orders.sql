-- Orders at order grain (latest state), partitioned by month of the order date.
create table warehouse.fact_orders (
    order_id        text not null,
    order_date      date not null,          -- UTC date of order_ts
    date_key        integer not null,
    order_ts        timestamptz not null,
    updated_at      timestamptz not null,
    customer_key    bigint,                 -- dim_customer version valid at order_ts
    user_key        text not null,          -- pseudonymous user
    status          text not null,
    is_cancelled_or_refunded boolean not null,
    channel         text not null,
    currency        text not null,
    payment_method  text not null,
    payment_amount  numeric(12, 2) not null,
    revenue         numeric(12, 2) not null,
    units           integer not null,
    line_count      integer not null,
    ship_country    text not null,
    ship_region     text,
    load_date       date not null           -- the load whose version this is
) partition by range (order_date);
comment on table warehouse.fact_orders is 'one row per order (its latest state)';
create index fact_orders_order_id on warehouse.fact_orders (order_id);
create index fact_orders_load_date on warehouse.fact_orders (load_date);
create index fact_orders_order_date on warehouse.fact_orders (order_date);
