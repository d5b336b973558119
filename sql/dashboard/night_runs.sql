-- /api/runs/night?date=D: one night at a glance, each task's latest run for load date D (default: the newest
-- load date any task ran for), with its start, duration, rows and the error text of a failure, for the timeline.
-- $1 date or null.
with

night as (
    select coalesce($1::date, (select max(run_date) from audit.task_runs)) as run_date
),

runs as (
    select t.*, count(*) over (partition by t.task) as attempts
    from audit.task_runs t
    where t.run_date = (select run_date from night)
),

latest as (
    select distinct on (task)
        task, status, exit_code, started_at, finished_at, duration_seconds, rows_read, rows_written,
        rows_quarantined, error, run_id, attempts
    from runs
    order by task, started_at desc, task_run_id desc
),

final as (
    select
        (select run_date from night) as run_date,
        (select min(started_at) from latest) as started_at,
        (select max(coalesce(finished_at, now())) from latest) as finished_at,
        coalesce((select json_agg(l order by l.started_at, l.task) from latest l), '[]'::json) as tasks
)

select row_to_json(final) from final;
