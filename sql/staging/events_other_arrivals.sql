-- Other loads' raw lines that may hold an event this load gave up: a text search of raw's other days for the
-- few ids gone (as CSV writes them: a quote inside a field is doubled), run only when a re-delivered day lost
-- events. transform_events splits each line by its file's header and keeps the lines whose event_id field is
-- one of them exactly.
-- A line whose file's header never landed (landed by hand) cannot be split, and was quarantined at its own load.
select r.load_date::text, r.source_file, r.line_no, r.record, f.header
from raw.events r
join raw.event_files f on f.load_date = r.load_date and f.source_file = r.source_file
where r.load_date <> $1::date
  and exists (select 1 from events_gone g where strpos(r.record, replace(g.event_id, '"', '""')) > 0)
