-- Pipeline health per load date: counts at every layer, quarantine and quality failures, runtime.
create table warehouse.daily_metrics (
    run_date              date primary key,  -- the load date
    raw_orders            bigint not null default 0,
    staging_orders        bigint not null default 0,
    fact_orders           bigint not null default 0,
    raw_events            bigint not null default 0,
    staging_events        bigint not null default 0,
    fact_events           bigint not null default 0,
    quarantined_count     bigint not null default 0,
    dq_failed_count       bigint not null default 0,
    runtime_seconds       numeric(12, 3) not null default 0,
    computed_at           timestamptz not null default now()
);
comment on table warehouse.daily_metrics is 'one row per load date: layer counts, quarantine, quality failures, runtime';
