-- The conversion funnel per event date: distinct sessions reaching each step that day.
create table marts.funnel_daily (
    event_date              date primary key,
    sessions                integer not null,
    product_view_sessions   integer not null,
    add_to_cart_sessions    integer not null,
    begin_checkout_sessions integer not null,
    purchase_sessions       integer not null,
    refreshed_at            timestamptz not null default now()
);
comment on table marts.funnel_daily is 'one row per event date: distinct sessions with at least one event of each funnel step';
