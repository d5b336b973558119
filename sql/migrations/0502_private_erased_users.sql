-- The registry of erased users, by user key (the salted hash of the id, never the id itself), consulted by
-- every extract and transform so that reloading old files or a later change record never brings an erased
-- user's personal values back.
create table private.erased_users (
    user_key         text primary key,
    first_request_id text,
    erased_at        timestamptz not null default now()
);
comment on table private.erased_users is 'one row per erased user: its user key and when it was first erased';

-- What an erased user's id becomes wherever it was stored in clear: a marker and the user key, so every
-- later step (a rerun of a transform from the redacted raw text) still finds the same pseudonymous key and
-- the facts and marts are unchanged.
create or replace function private.erased_user_id(p_user_key text) returns text
language sql immutable strict parallel safe
as $$ select 'erased:' || p_user_key $$;
comment on function private.erased_user_id(text) is 'the stand-in for an erased user''s id: erased:<user_key>';

-- user_key of an erased stand-in is the key it carries; of any other id, md5(salt || id) as before.
create or replace function private.user_key(p_user_id text) returns text
language sql stable strict parallel safe
as $$
    select case when left(p_user_id, 7) = 'erased:' then substr(p_user_id, 8) else md5(s.salt || p_user_id) end
    from private.pseudonym_salt s
    where p_user_id <> ''
$$;
comment on function private.user_key(text) is
    'pseudonymous key of a user: md5(salt || user_id), or the key an erased stand-in carries; null for null or empty';

-- The city's salted fingerprint (staging.customers_changes.city_fingerprint); an erased city keeps its
-- fingerprint as its stand-in (erased:<fingerprint>), so the customer's versions do not change on a rerun.
create or replace function private.city_fingerprint(p_city text) returns text
language sql stable strict parallel safe
as $$
    select case when left(p_city, 7) = 'erased:' then substr(p_city, 8) else md5(s.salt || 'city:' || p_city) end
    from private.pseudonym_salt s
$$;
comment on function private.city_fingerprint(text) is 'md5(salt || ''city:'' || city), or the one an erased city carries';
