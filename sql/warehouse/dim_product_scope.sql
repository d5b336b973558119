-- The members load_dim_product reconciles tonight: the products staging.products_snapshot queued since the last
-- run (migration 0761), taken off the queue in one statement, so a product a concurrent load queues meanwhile
-- stays queued for the next run.
with taken as (
    delete from staging.products_to_reconcile
    returning product_id
)

insert into dim_scope (id)
select product_id from taken
