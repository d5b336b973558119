-- Facts of changed members move, by their current key (not every fact table carries the natural id), to the
-- version holding their timestamp; their business dates are queued. $3 is the earliest moved start: no fact
-- before it changes version, and the business date (the UTC day of the timestamp) bound prunes partitions.
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
    on conflict do nothing
)

select count(*) from moved
