-- Sales per order date and product category for BI: a public interface (names and columns stay stable).
create table marts.sales_by_category (
    order_date   date not null,
    category     text not null,           -- category of the product version valid at order_ts, or 'Unknown'
    orders       integer not null,        -- distinct orders with a line in the category
    units        integer not null,
    revenue      numeric(14, 2) not null, -- lines of orders not cancelled or refunded
    refreshed_at timestamptz not null default now(),
    primary key (order_date, category)
);
comment on table marts.sales_by_category is 'one row per order date and product category';
