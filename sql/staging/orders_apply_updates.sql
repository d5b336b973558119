-- Applies the day's newer states of orders staging already held (tmp_order_updates, decided in
-- C++ against the state read by primary key); orders_insert.sql then adds the new orders and every set state's
-- lines. The task's lock keeps any other run of it from changing a state between that read and this update.
-- Every join below probes staging's keys for the day's rows: a hash join would read all of staging (every day
-- ever loaded) for a few thousand updates, and the planner picks one at any size. With the other joins off the
-- plan is that probe whatever the estimates: analyzing the temporary table first (it was, here) cost 1-2 s for
-- 36,000 rows and changed nothing. The probes go in key order, so that each leaf of a key larger than the
-- buffer cache (random ids: UUIDs) is read once, in turn, rather than again and again (orders_insert.sql).
set local enable_hashjoin = off;
set local enable_mergejoin = off;

update staging.orders s set
    user_id = u.user_id, order_ts = u.order_ts, updated_at = u.updated_at, status = u.status,
    currency = u.currency, channel = u.channel, payment_method = u.payment_method,
    payment_amount = u.payment_amount, revenue = u.revenue, units = u.units, line_count = u.line_count,
    ship_country = u.ship_country, ship_region = u.ship_region, load_date = u.load_date,
    replaced_earlier = true, source_file = u.source_file, line_no = u.line_no, user_key = u.user_key
from (select * from tmp_order_updates order by order_id) u
where u.order_id = s.order_id;

-- the replaced states' lines go; orders_insert.sql inserts the new states' lines next
delete from staging.order_lines l
using (select order_id from tmp_order_updates order by order_id) u
where l.order_id = u.order_id;

reset enable_hashjoin;
reset enable_mergejoin;
