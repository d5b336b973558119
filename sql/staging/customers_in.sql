-- The day's valid customer changes as transform_customers parsed them: personal data only ever sits in this
-- transaction-local table on its way to private.customer_pii.
create temporary table customers_in (
    source_file      text,
    line_no          bigint,
    user_id          text,
    op               text,
    segment          text,
    country          text,
    email            text,
    first_name       text,
    last_name        text,
    phone            text,
    region           text,
    city             text,
    signup_ts        timestamptz,
    marketing_opt_in boolean,
    updated_at       timestamptz
) on commit drop
