-- The latest state of every order: the version with the greatest (updated_at, load_date, source_file, line_no).
create table staging.orders (
    order_id        text primary key,
    user_id         text not null,
    order_ts        timestamptz not null,
    updated_at      timestamptz not null,
    status          text not null,
    currency        text not null,
    channel         text not null,
    payment_method  text not null,
    payment_amount  numeric(12, 2) not null,
    revenue         numeric(12, 2) not null,   -- sum of line revenue
    units           integer not null,
    line_count      integer not null,
    ship_country    text not null,
    ship_region     text,
    -- the version's arrival identity: which load, file and line set this state
    load_date       date not null,
    replaced_earlier boolean not null default false,  -- an earlier state existed (facts may hold it)
    source_file     text not null,
    line_no         bigint not null
);
comment on table staging.orders is 'one row per order: its latest state (greatest updated_at, then latest arrival)';
create index staging_orders_load_date on staging.orders (load_date);

create table staging.order_lines (
    order_id    text not null,
    line_number integer not null,           -- 1-based position in items
    product_id  text not null,
    quantity    integer not null,
    unit_price  numeric(12, 2) not null,
    discount    numeric(12, 2) not null,
    revenue     numeric(12, 2) not null,    -- quantity * unit_price - discount
    primary key (order_id, line_number)
);
comment on table staging.order_lines is 'one row per line of an order''s latest state';

-- Personal shipping data lives apart from the analysts' tables.
create table private.order_shipping (
    order_id    text primary key,
    city        text,
    postal_code text
);
comment on table private.order_shipping is 'one row per order: shipping city and postal code (personal data)';
