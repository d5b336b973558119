-- The load's fact rows: its staging rows and those that took over events it gave up, with product_key as
-- warehouse.product_key_at gives it (the product's latest version with valid_from <= the event's time), but
-- by one hash join over the dimension's version ranges instead of a call per row.
insert into warehouse.fact_events (event_id, event_date, event_ts, event_type, session_id, user_key, product_key,
                                   device, country, page_url, load_date)
with

load_events as (
    select *
    from staging.events s
    where s.load_date = $1::date
    union all
    select *
    from staging.events s
    where s.event_id = any($2::text[])
      and s.load_date <> $1::date
),

versions as (
    select
        d.product_id,
        d.product_key,
        d.valid_from,
        lead(d.valid_from, 1, 'infinity') over (partition by d.product_id order by d.valid_from) as next_from
    from warehouse.dim_product d
    -- the whole dimension (small beside a day of events): filtered by the load's products, the load's events
    -- would be read twice and copied whole into a tuple store
),

final as (
    select
        e.event_id, e.event_date, e.event_ts, e.event_type, e.session_id, e.user_key, v.product_key,
        e.device, e.country, e.page_url, e.load_date
    from load_events e
    left join versions v
        on v.product_id = e.product_id and e.event_ts >= v.valid_from and e.event_ts < v.next_from
)

select * from final
