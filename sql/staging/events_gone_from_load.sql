-- A rerun replaces its own rows: they all go, and the day's first arrivals come back by COPY. The ids its raw
-- day no longer holds are kept (events_gone: another load may have delivered them too, events_handed_over.sql),
-- and so are the ids whose row had displaced another load's (events_own_replaced: the new row keeps the mark,
-- or that load's fact row would stay).
with

own as (
    delete from staging.events s
    where s.load_date = $1::date
    returning s.event_id, s.replaced_earlier
),

own_with_day as (
    select o.event_id, o.replaced_earlier, d.event_id is not null as in_day
    from own o
    left join day_events d on d.event_id = o.event_id
),

gone as (
    insert into events_gone (event_id)
    select event_id from own_with_day where not in_day
)

insert into events_own_replaced (event_id)
select event_id from own_with_day where in_day and replaced_earlier
