-- Other loads' fact rows this load must remove, by where they sit: those of the arrivals its events displaced
-- (staging.events_displaced, consumed here) and those of the events it gave up to another load's arrival ($2,
-- whose staged row names that load). Usually a handful; ordered so that load_fact_events removes them one
-- (load date, event date) at a time.
with

displaced as (
    delete from staging.events_displaced d
    where d.load_date = $1::date
    returning d.displaced_load_date as load_date, d.displaced_event_date as event_date, d.event_id
),

given_up as (
    select s.load_date, s.event_date, s.event_id
    from staging.events s
    where s.event_id = any($2::text[])
      and s.load_date <> $1::date
),

moved as (
    select load_date, event_date, event_id from displaced
    union
    select load_date, event_date, event_id from given_up
)

select load_date::text, event_date::text, event_id
from moved
order by load_date, event_date
