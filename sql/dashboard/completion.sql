-- /api/completion?from=&to=: per load date, what reached each layer (warehouse.daily_metrics) and the
-- completion rates raw -> staging -> facts, in percent. $1, $2 load dates; null: a 30-day window ending at the
-- newest load date.
with

bounds as (
    select * from warehouse.date_window($1::date, $2::date, (select max(run_date) from warehouse.daily_metrics))
),

metrics as (
    select d.*
    from warehouse.daily_metrics d, bounds
    where d.run_date between bounds.from_date and bounds.to_date
),

final as (
    select
        run_date, raw_orders, staging_orders, fact_orders, raw_events, staging_events, fact_events,
        quarantined_count, dq_failed_count, runtime_seconds,
        round(100.0 * staging_orders / nullif(raw_orders, 0), 2) as orders_staging_pct,
        round(100.0 * fact_orders / nullif(staging_orders, 0), 2) as orders_fact_pct,
        round(100.0 * staging_events / nullif(raw_events, 0), 2) as events_staging_pct,
        round(100.0 * fact_events / nullif(staging_events, 0), 2) as events_fact_pct
    from metrics
)

select json_build_object(
    'from_date', (select from_date from bounds),
    'to_date', (select to_date from bounds),
    'rows', coalesce((select json_agg(final order by run_date) from final), '[]'::json)
);
