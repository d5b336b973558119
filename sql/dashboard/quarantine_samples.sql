-- /api/quarantine/samples?date=&feed=&reason=&limit=: sample quarantined records with their file and line.
-- $1 load date, $2 feed, $3 reason (each null: any), $4 how many (1..100).
-- The customers feed carries personal data (email, names, phone, city): its records' text is not shown, only
-- where it is and why it was quarantined.
with

samples as (
    select load_date, feed, stage, source_file, line_no, reason, detail,
           case when feed = 'customers' then null else left(record, 2000) end as record,
           length(record) > 2000 as truncated
    from audit.bad_records
    where load_date = coalesce($1::date, (select max(load_date) from audit.bad_records))
      and ($2::text is null or feed = $2::text)
      and ($3::text is null or reason = $3::text)
    order by source_file, line_no, bad_record_id
    limit $4::integer
),

final as (
    select * from samples
)

select coalesce(json_agg(final order by source_file, line_no), '[]'::json) from final;
