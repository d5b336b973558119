-- Pseudonymous user key (private salt + private.user_key) and the two reader roles.
-- A tightly bound group: the key function is useless without its salt, and the roles exist to keep the
-- salt and personal data away from analysts.

-- one row: the per-warehouse salt, made once at migration time and never changed (changing it would
-- change every user_key and orphan the facts)
create table private.pseudonym_salt (
    one_row    boolean primary key default true check (one_row),
    salt       text not null,
    created_at timestamptz not null default now()
);
comment on table private.pseudonym_salt is 'one row: the salt of private.user_key for this warehouse';

insert into private.pseudonym_salt (salt)
values (md5(random()::text || clock_timestamp()::text) || gen_random_uuid()::text);

-- stable, not immutable: it reads the salt table. null for a null or empty user_id (anonymous visitors).
create or replace function private.user_key(p_user_id text) returns text
language sql stable strict parallel safe
as $$
    select md5(s.salt || p_user_id)
    from private.pseudonym_salt s
    where p_user_id <> ''
$$;
comment on function private.user_key(text) is
    'pseudonymous key of a user: md5(salt || user_id); null for null or empty user_id';

-- Roles are cluster-wide: several databases (tests, environments) may migrate at once, so a concurrent
-- create can fail with duplicate_object or, in the race, unique_violation on pg_authid.
do $$
begin
    begin
        create role ecomm_analyst nologin;
    exception when duplicate_object or unique_violation then
        null;
    end;
    begin
        create role ecomm_privileged nologin;
    exception when duplicate_object or unique_violation then
        null;
    end;
end
$$;

-- Grants are per database (no cluster-wide catalog rows), so they do not race across databases.
-- No role membership between the two roles on purpose: pg_auth_members is cluster-wide.
grant usage on schema marts, warehouse to ecomm_analyst;
grant select on all tables in schema marts, warehouse to ecomm_analyst;
alter default privileges in schema marts, warehouse grant select on tables to ecomm_analyst;

grant usage on schema marts, warehouse, private to ecomm_privileged;
grant select on all tables in schema marts, warehouse, private to ecomm_privileged;
alter default privileges in schema marts, warehouse, private grant select on tables to ecomm_privileged;
