-- Events at event grain (first arrival), partitioned by month of the event date
-- (warehouse.ensure_month_partitions creates the months a load needs).
create table warehouse.fact_events (
    event_id    text collate "C" not null,
    event_date  date not null,        -- UTC date of event_ts
    event_ts    timestamptz not null,
    event_type  text not null,
    session_id  text not null,
    user_key    text,                 -- pseudonymous user; null for anonymous visitors
    product_key bigint,               -- dim_product version valid at event_ts; null when no product_id
    device      text,
    country     text,
    page_url    text,
    load_date   date not null         -- the load whose staging row this is
) partition by range (event_date);
comment on table warehouse.fact_events is 'one row per event (its first arrival)';
create index fact_events_event_id on warehouse.fact_events (event_id);
create index fact_events_load_date on warehouse.fact_events (load_date);
create index fact_events_event_date on warehouse.fact_events using brin (event_date);
