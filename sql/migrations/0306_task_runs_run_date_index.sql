-- Pipeline health reads every task's runs for a range of load dates; task_runs_task_date leads with task.
create index task_runs_run_date on audit.task_runs (run_date, task);
