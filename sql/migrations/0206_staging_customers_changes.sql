-- Typed customer changes without personal data: the user is its pseudonymous key and the city (an SCD2
-- attribute that is also personal data) only a salted fingerprint, enough to see that it changed.
create table staging.customers_changes (
    load_date        date not null,
    source_file      text not null,
    line_no          bigint not null,
    user_key         text not null,          -- private.user_key(user_id)
    op               text not null check (op in ('upsert', 'delete')),
    segment          text check (segment in ('consumer', 'premium', 'business')),
    country          text,
    region           text,
    city_fingerprint text,                   -- md5(salt || 'city:' || city): changes are visible, values not
    signup_ts        timestamptz,
    marketing_opt_in boolean,
    updated_at       timestamptz not null,
    primary key (load_date, source_file, line_no)
);
comment on table staging.customers_changes is 'one row per valid customer change record (op upsert or delete)';
create index customers_changes_user on staging.customers_changes (user_key, updated_at);
