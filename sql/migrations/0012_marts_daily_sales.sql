-- Daily sales for BI: a public interface (names and columns stay stable).
create table marts.daily_sales (
    order_date            date primary key,
    orders                integer not null,        -- all statuses, latest state
    cancelled_or_refunded integer not null,
    revenue               numeric(14, 2) not null, -- orders not cancelled or refunded
    units                 integer not null,
    customers             integer not null,        -- distinct user keys
    avg_order_value       numeric(12, 2),          -- revenue / sales orders, null when none
    refreshed_at          timestamptz not null default now()
);
comment on table marts.daily_sales is 'one row per order date (UTC date of order_ts)';
