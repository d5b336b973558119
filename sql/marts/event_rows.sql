-- The queued event dates' events, the four columns the event marts count. compute_daily_metrics streams them
-- once by binary COPY and hashes them itself (per date: each session's and each known user's set of event
-- types), then fills refresh_event_types and refresh_session_types: a server-side grouping of the same rows
-- cost 5-9 s a day of 1M events, writing ~780k groups to a temporary table.
select e.event_date::text, e.event_type, e.session_id, e.user_key
from warehouse.fact_events e
where e.event_date in (select event_date from refresh_event_dates)
