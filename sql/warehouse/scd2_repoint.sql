-- Facts of changed members move, by their current key (not every fact table carries the natural id), to the
-- version holding their timestamp. $3 is the earliest moved start: no fact before it changes version, and the
-- business date (the UTC day of the timestamp) bound prunes partitions. $4 says whether a mart groups these
-- facts by an attribute of the version they point at (Scd2Dimension::mart_attributes): only then do their
-- business dates go to the refresh queue. A key no mart reads changes no mart row, and a member completed
-- late (a customer's first change record after months of orders) would otherwise queue every date it ever
-- ordered on, so that compute_daily_metrics re-read the whole history every night.
with

moved as (
    update {{fact}} f
    set {{fact_key}} = r.key
    from {{table}} old
    join dim_ranges r on r.id = old.{{id}}
    where f.{{fact_key}} = old.{{key}}
      and f.{{fact_ts}} >= $3::timestamptz
      and f.{{fact_date}} >= ($3::timestamptz at time zone 'UTC')::date
      and f.{{fact_ts}} >= r.valid_from
      and f.{{fact_ts}} < r.until
      and f.{{fact_key}} <> r.key
    returning f.{{fact_date}} as business_date
),

queued as (
    insert into warehouse.mart_refresh_queue (load_date, subject, business_date)
    select distinct $1::date, $2, business_date
    from moved
    where $4::boolean
    on conflict do nothing
)

select count(*) from moved
