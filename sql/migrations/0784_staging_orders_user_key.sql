-- staging.orders keeps each order's pseudonymous user key beside its user id, as staging.events does:
-- transform_orders computes the day's keys once (private.user_keys, the salt read once), and the orders fact
-- load and the quality rules read them instead of hashing the day's users again, each on the night's
-- critical path. An erased user's order keeps its key (user_id becomes erased:<user_key>, the same key).
alter table staging.orders add column user_key text;

update staging.orders s
set user_key = k.user_key
from private.user_keys(array(select distinct o.user_id from staging.orders o)) k
where k.user_id = s.user_id;

alter table staging.orders alter column user_key set not null;
comment on column staging.orders.user_key is 'private.user_key(user_id): the key the facts and marts carry';
