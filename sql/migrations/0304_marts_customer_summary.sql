-- Per-customer order history and RFM scores, over orders not cancelled or refunded.
create table marts.customer_summary (
    user_key         text primary key,       -- pseudonymous user (private.user_key)
    orders           integer not null,
    revenue          numeric(14, 2) not null,
    first_order_date date not null,
    last_order_date  date not null,
    as_of_date       date not null,          -- the date recency is measured from
    recency_days     integer not null,       -- as_of_date - last_order_date
    r_score          smallint not null check (r_score between 1 and 5),  -- 5 = most recent
    f_score          smallint not null check (f_score between 1 and 5),  -- 5 = most orders
    m_score          smallint not null check (m_score between 1 and 5),  -- 5 = most revenue
    refreshed_at     timestamptz not null default now()
);
comment on table marts.customer_summary is 'one row per customer (user key) with at least one order not cancelled or refunded';
