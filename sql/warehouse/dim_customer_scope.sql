-- The members load_dim_customer reconciles tonight: the users staging.customers_changes queued since the last
-- run (migration 0760), taken off the queue in one statement, so a user a concurrent load queues meanwhile
-- stays queued for the next run.
with taken as (
    delete from staging.customers_to_reconcile
    returning user_key
)

insert into dim_scope (id)
select user_key from taken
