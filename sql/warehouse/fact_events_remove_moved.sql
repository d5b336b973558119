-- One (event date $1, load date $2) of the other loads' fact rows to remove (fact_events_moved.sql): the date
-- prunes to one month partition, the load date reads one load's pages of it by BRIN. There is no index on
-- event_id (migration 0721).
with

moved as (
    delete from warehouse.fact_events f
    where f.event_date = $1::date
      and f.load_date = $2::date
      and f.event_id = any($3::text[])
    returning f.event_date
)

insert into events_touched (event_date)
select distinct event_date from moved
