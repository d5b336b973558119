-- Pipeline health: for each load date, what did each layer receive, what was quarantined, which quality
-- rules failed, which task runs failed, and how long did the pipeline take?
-- Parameters: $1 first load date, $2 last load date (inclusive), both date.
-- Sources: warehouse.daily_metrics, audit.dq_results, audit.task_runs.
with

metrics as (
    select *
    from warehouse.daily_metrics
    where run_date between $1::date and $2::date
),

failed_rules as (
    select load_date, string_agg(rule || ' (' || severity || ')', ', ' order by rule collate "C") as failed_rules
    from audit.dq_results
    where load_date between $1::date and $2::date
      and status = 'failed'
    group by load_date
),

runs as (
    select
        run_date,
        count(*) filter (where status = 'failed') as failed_runs,
        count(*) filter (where status = 'running') as unfinished_runs
    from audit.task_runs
    where run_date between $1::date and $2::date
    group by run_date
),

final as (
    select
        m.run_date,
        m.raw_orders,
        m.staging_orders,
        m.fact_orders,
        m.raw_events,
        m.staging_events,
        m.fact_events,
        m.quarantined_count,
        m.dq_failed_count,
        coalesce(f.failed_rules, '') as failed_rules,
        coalesce(r.failed_runs, 0) as failed_runs,
        coalesce(r.unfinished_runs, 0) as unfinished_runs,
        m.runtime_seconds
    from metrics m
    left join failed_rules f on f.load_date = m.run_date
    left join runs r on r.run_date = m.run_date
)

select * from final
order by run_date;
