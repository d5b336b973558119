-- This load's staged events that its raw day no longer holds (the day was re-delivered without them): their
-- rows go, and their ids are kept, since another load may have delivered them too (events_handed_over.sql).
with

gone as (
    delete from staging.events s
    where s.load_date = $1::date
      and not exists (select 1 from events_batch b where b.event_id = s.event_id)
    returning s.event_id
)

insert into events_gone (event_id)
select event_id from gone
