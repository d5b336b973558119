-- /api/volume: per feed, the rows read by its extract on the newest load date, against the trailing 7 nights
-- before it: mean and a band of 3 standard deviations, flagged when outside (needs 2 earlier nights); and the
-- last 30 nights for the chart. Nights the feed was skipped (no drop) do not count.
with

feeds (feed, task) as (
    values ('orders', 'extract_orders'), ('events', 'extract_events'),
           ('products', 'extract_products'), ('customers', 'extract_customers')
),

nights as (
    select distinct run_date
    from audit.task_runs
    where run_date is not null
    order by run_date desc
    limit 30
),

latest_runs as (
    select distinct on (f.feed, t.run_date) f.feed, t.run_date, t.rows_read
    from feeds f
    join audit.task_runs t on t.task = f.task
    where t.run_date in (select run_date from nights) and t.status = 'succeeded'
    order by f.feed, t.run_date, t.started_at desc, t.task_run_id desc
),

numbered as (
    select *, row_number() over (partition by feed order by run_date desc) as nights_back
    from latest_runs
),

bands as (
    select
        feed,
        avg(rows_read) filter (where nights_back between 2 and 8) as mean,
        stddev_samp(rows_read) filter (where nights_back between 2 and 8) as sd,
        count(*) filter (where nights_back between 2 and 8) as trailing_nights
    from numbered
    group by feed
),

final as (
    select
        f.feed,
        n.run_date,
        n.rows_read as rows,
        round(b.mean, 1) as mean,
        round(b.sd, 1) as sd,
        round(greatest(b.mean - 3 * b.sd, 0), 1) as low,
        round(b.mean + 3 * b.sd, 1) as high,
        coalesce(b.trailing_nights, 0) as trailing_nights,
        coalesce(b.trailing_nights >= 2 and (n.rows_read < b.mean - 3 * b.sd or n.rows_read > b.mean + 3 * b.sd),
                 false) as outside,
        coalesce((select json_agg(json_build_object('run_date', h.run_date, 'rows', h.rows_read)
                                  order by h.run_date)
                  from numbered h where h.feed = f.feed), '[]'::json) as history
    from feeds f
    left join numbered n on n.feed = f.feed and n.nights_back = 1
    left join bands b on b.feed = f.feed
)

select json_agg(final order by feed) from final;
