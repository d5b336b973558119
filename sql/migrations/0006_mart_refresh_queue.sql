-- The business dates a load touched, so compute_daily_metrics refreshes exactly those marts' rows.
-- Rows are kept (not consumed), so rerunning compute_daily_metrics for a load date redoes the same dates.
create table warehouse.mart_refresh_queue (
    load_date     date not null,
    subject       text not null check (subject in ('orders', 'events')),
    business_date date not null,
    primary key (load_date, subject, business_date)
);
comment on table warehouse.mart_refresh_queue is
    'one row per load date, subject and business date whose mart rows that load changed';
