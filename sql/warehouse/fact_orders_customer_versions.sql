-- Every version of the load's customers, by user id, for the loader's in-memory lookup of the key as of
-- order_ts (warehouse.customer_key_at's rule): what the day's users hold, one hash join, no call per order.
select u.user_id, u.user_key, d.valid_from, d.customer_key
from day_users u
left join warehouse.dim_customer d on d.user_key = u.user_key
