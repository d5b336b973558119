-- One row per task run: who ran what for which date, how it ended and what it moved.
create table audit.task_runs (
    task_run_id      bigint generated always as identity primary key,
    run_id           text,                    -- the orchestrator's run id (Airflow's run_id)
    task             text not null,
    run_date         date,                    -- the logical date processed
    status           text not null check (status in ('running', 'succeeded', 'failed', 'skipped')),
    exit_code        integer,
    started_at       timestamptz not null default now(),
    finished_at      timestamptz,
    duration_seconds numeric(12, 3),
    rows_read        bigint,
    rows_written     bigint,
    rows_quarantined bigint,
    pid              integer,
    error            text
);
comment on table audit.task_runs is 'one row per task run (a row left running means the process died)';
create index task_runs_task_date on audit.task_runs (task, run_date);
