-- /api/overview: what the warehouse holds, for the pages' empty state and their default date range.
select json_build_object(
    'has_runs', exists (select 1 from audit.task_runs),
    'has_sales', exists (select 1 from marts.daily_sales),
    'last_run_date', (select max(run_date) from audit.task_runs),
    'first_load_date', (select min(run_date) from warehouse.daily_metrics),
    'last_load_date', (select max(run_date) from warehouse.daily_metrics),
    'first_order_date', (select min(order_date) from marts.daily_sales),
    'last_order_date', (select max(order_date) from marts.daily_sales),
    'server_time', now()
);
