-- /api/quarantine/daily?from=&to=: quarantined records per load date, feed and reason.
-- $1 first load date, $2 last (inclusive); null: a 30-day window ending at the newest quarantined load date.
with

bounds as (
    select * from warehouse.date_window($1::date, $2::date, (select max(load_date) from audit.bad_records))
),

counts as (
    select b.load_date, b.feed, b.reason, count(*) as records
    from audit.bad_records b, bounds
    where b.load_date between bounds.from_date and bounds.to_date
    group by b.load_date, b.feed, b.reason
),

final as (
    select
        (select from_date from bounds) as from_date,
        (select to_date from bounds) as to_date,
        coalesce((select json_agg(c order by c.load_date, c.feed, c.reason) from counts c), '[]'::json) as rows
)

select row_to_json(final) from final;
