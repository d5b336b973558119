-- $1 = load date. The load's users with their pseudonymous key, hashed once per user by one set-based call
-- (private.user_key called per user cost 75 us each).
create temporary table day_users as
with

users as (
    select distinct s.user_id
    from staging.orders s
    where s.load_date = $1::date
)

select k.user_id, k.user_key
from private.user_keys(array(select user_id from users)) k
