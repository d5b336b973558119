-- /api/runs/durations?days=N: the last N nights (load dates), each task's duration in its latest run that
-- night, so a task that slows down shows. $1 number of nights (the server bounds it to 1..90).
with

nights as (
    select distinct run_date
    from audit.task_runs
    where run_date is not null
    order by run_date desc
    limit $1::integer
),

latest as (
    select distinct on (t.run_date, t.task) t.run_date, t.task, t.status, t.duration_seconds
    from audit.task_runs t
    where t.run_date in (select run_date from nights)
    order by t.run_date, t.task, t.started_at desc, t.task_run_id desc
),

final as (
    select run_date, task, status, duration_seconds
    from latest
)

select coalesce(json_agg(final order by run_date, task), '[]'::json) from final;
