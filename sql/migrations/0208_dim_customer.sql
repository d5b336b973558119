-- The customer dimension, SCD type 2 on segment, country, region and city, keyed by the pseudonymous user key.
-- No personal data: city changes make a version, but the city itself lives in private.customer_pii only.
create table warehouse.dim_customer (
    customer_key     bigint generated always as identity primary key,
    user_key         text not null,
    segment          text,
    country          text,
    region           text,
    signup_ts        timestamptz,
    marketing_opt_in boolean,
    valid_from       timestamptz not null,                     -- '-infinity' for a customer's first version
    valid_to         timestamptz not null default 'infinity',  -- exclusive; 'infinity' while open
    is_current       boolean not null,
    is_inferred      boolean not null default false,           -- placeholder made by a fact loader
    is_deleted       boolean not null default false,           -- this version was closed by an account deletion
    check (valid_from < valid_to)
);
comment on table warehouse.dim_customer is
    'one row per customer version (SCD2: [valid_from, valid_to)); an inferred member is one row [-infinity, infinity)';
create unique index dim_customer_version on warehouse.dim_customer (user_key, valid_from);
-- at most one inferred member per user: the conflict target of warehouse.ensure_inferred_customers
create unique index dim_customer_inferred on warehouse.dim_customer (user_key) where is_inferred;
