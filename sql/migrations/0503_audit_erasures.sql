-- The erasure trail: who erased which user key, when, and how many rows each table changed; never a value.
create table audit.erasures (
    erasure_id   bigint generated always as identity primary key,
    request_id   text,
    user_key     text not null,
    erased_at    timestamptz not null default now(),
    erased_by    name not null default session_user,  -- the database login that ran erase_user
    run_id       text,
    rows_changed jsonb not null                        -- {"raw.orders": 3, "private.customer_pii": 1, ...}
);
comment on table audit.erasures is 'one row per user and erase_user run: request, user key, rows changed per table';
create index erasures_user_key on audit.erasures (user_key);
