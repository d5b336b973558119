-- Duplicate event_id values among the events this load put in staging.events (business key uniqueness).
select repeated_ids from dq_staging_events
