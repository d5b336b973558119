-- The day's event ids that staging's other loads may hold, in key order for events_seen.sql's probes: none
-- above staging's greatest id (with ids that grow with time, most of a day's are new and are not probed).
create temporary table day_candidates on commit drop as
select d.event_id, d.source_file, d.line_no
from day_events d
where d.event_id <= (select max(x.event_id) from staging.events x)
order by d.event_id
