-- The day's first arrivals whose event another load's staged row holds, and whether the day's arrival is the
-- earlier (load_date, source_file, line_no). day_candidates is in key order, and the caller turns hash and merge
-- joins off: each candidate probes staging's key, walking the index's leaves in order, so the cost is the day's,
-- not a read of all of staging's history.
create temporary table events_seen on commit drop as
with

held as (
    select
        c.event_id,
        ($1::date, c.source_file, c.line_no) < (s.load_date, s.source_file, s.line_no) as day_wins
    from day_candidates c
    join staging.events s on s.event_id = c.event_id
)

select * from held
