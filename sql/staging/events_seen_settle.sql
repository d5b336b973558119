-- Another load's staged row of one of the day's events gives way when the day's arrival is earlier (the day's row,
-- copied in next, carries replaced_earlier; where the row went is kept for load_fact_events), or stays and
-- records that the event arrived in another load too. Returns the rows that stay.
with

given_way as (
    delete from staging.events s
    using events_seen x
    where x.event_id = s.event_id
      and x.day_wins
    returning s.event_id, s.load_date, s.event_date
),

displaced as (
    insert into staging.events_displaced (load_date, event_id, displaced_load_date, displaced_event_date)
    select $1::date, event_id, load_date, event_date
    from given_way
    on conflict (load_date, event_id, displaced_load_date) do nothing
)

update staging.events s
set replaced_earlier = true
from events_seen x
where x.event_id = s.event_id
  and not x.day_wins
