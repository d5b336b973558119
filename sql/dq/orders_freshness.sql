-- Hours between the end of the load date ($1, UTC) and the newest order_ts this load set: a stale drop
-- repeats old data.
select round(extract(epoch from (($1::date + 1)::timestamptz - newest_order_ts)) / 3600, 4)
from dq_staging_orders
