-- /api/freshness: per feed, the newest load date its extract succeeded for (a skip is no drop), the lag in days
-- behind today (UTC; a nightly load of yesterday's drop is 1 day behind), and when that run finished; plus the
-- newest business dates in the marts. A daily feed more than 1 day behind is late; products is weekly: 7.
with

feeds (feed, task, expected_lag_days) as (
    values ('orders', 'extract_orders', 1), ('events', 'extract_events', 1),
           ('products', 'extract_products', 7), ('customers', 'extract_customers', 1)
),

latest as (
    select f.feed, f.expected_lag_days, r.run_date, r.finished_at
    from feeds f
    left join lateral (
        select t.run_date, t.finished_at
        from audit.task_runs t
        where t.task = f.task and t.status = 'succeeded' and t.run_date is not null
        order by t.run_date desc, t.finished_at desc
        limit 1
    ) r on true
),

final as (
    select
        feed,
        run_date as last_load_date,
        finished_at as last_success_at,
        (now() at time zone 'UTC')::date - run_date as lag_days,
        expected_lag_days,
        run_date is null or (now() at time zone 'UTC')::date - run_date > expected_lag_days as late
    from latest
)

select json_build_object(
    'feeds', (select json_agg(final order by feed) from final),
    'last_order_date', (select max(order_date) from marts.daily_sales),
    'last_event_date', (select max(event_date) from marts.funnel_daily)
);
