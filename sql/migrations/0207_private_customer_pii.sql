-- Customers' personal data, apart from the warehouse: readable only by ecomm_privileged.
create table private.customer_pii (
    user_id     text primary key,
    user_key    text not null unique,
    email       text,
    first_name  text,
    last_name   text,
    phone       text,
    city        text,
    updated_at  timestamptz not null,  -- of the change that set these values (the newest wins)
    load_date   date not null,         -- lineage of that change, the tie-breaker after updated_at
    source_file text not null,
    line_no     bigint not null
);
comment on table private.customer_pii is 'one row per user: the personal data of the newest upsert';
