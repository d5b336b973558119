-- One queued event date's events (the date is spliced as a literal: COPY takes no parameters), the three columns the
-- event marts count. compute_daily_metrics streams them by binary COPY, one date at a time (a constant date
-- prunes to its partition and needs no date column: a third less server time than one COPY of every date),
-- and hashes them itself (per date: each session's and each known user's set of event types), then fills
-- refresh_event_types and refresh_session_types: a server-side grouping of the same rows cost 5-9 s a day of
-- 1M events, writing ~780k groups to a temporary table.
select e.event_type, e.session_id, e.user_key
from warehouse.fact_events e
where e.event_date = $1::date
