-- $1 = load date. Every event date this load changed, old (events_touched, filled by the removals) and new
-- (load_event_dates), queued so compute_daily_metrics refreshes exactly those.
insert into warehouse.mart_refresh_queue (load_date, subject, business_date)
select $1::date, 'events', event_date from events_touched
union
select $1::date, 'events', event_date from load_event_dates
on conflict do nothing
