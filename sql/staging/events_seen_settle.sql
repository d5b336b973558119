-- Another load's staged row of one of the day's events gives way when the day's arrival is earlier (the day's row,
-- copied in next, carries replaced_earlier), or stays and records that the event arrived in another load too.
-- Returns the rows that stay.
with

given_way as (
    delete from staging.events s
    using events_seen x
    where x.event_id = s.event_id
      and x.day_wins
)

update staging.events s
set replaced_earlier = true
from events_seen x
where x.event_id = s.event_id
  and not x.day_wins
