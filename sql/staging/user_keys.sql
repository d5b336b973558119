-- The pseudonymous key of each user id in day_user_ids (filled by the task: common/user_keys.hpp), computed
-- by private.user_keys in one call: private.user_key per row runs its query once per user.
select k.user_id, k.user_key
from private.user_keys(array(select u.user_id from day_user_ids u)) k
