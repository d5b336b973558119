-- The event dates of the rows this load writes, in one scan: the span for the partitions, the count, and the
-- dates to queue. Its own staging rows, and the rows of the events it gave up ($2, by key: usually none).
create temporary table load_event_dates on commit drop as
with

load_events as (
    select s.event_date
    from staging.events s
    where s.load_date = $1::date
    union all
    select s.event_date
    from staging.events s
    where s.event_id = any($2::text[])
      and s.load_date <> $1::date
)

select event_date, count(*) as events
from load_events
group by event_date
;

-- the event dates of the facts the load removes: fact_events_remove.sql and fact_events_remove_moved.sql add them
create temporary table events_touched (event_date date not null) on commit drop
