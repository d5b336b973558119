-- Events this load staged with event_ts after the end of the load date plus one hour.
select future from dq_staging_events
