-- Hours between the end of the load date ($1, UTC) and the newest event_ts this load staged.
select round(extract(epoch from (($1::date + 1)::timestamptz - newest_event_ts)) / 3600, 4)
from dq_staging_events
