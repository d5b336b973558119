-- $1 = load date. The load's users with their pseudonymous key, as transform_orders stored it
-- (staging.orders.user_key): no user is hashed again here.
create temporary table day_users as
select distinct s.user_id, s.user_key
from staging.orders s
where s.load_date = $1::date
