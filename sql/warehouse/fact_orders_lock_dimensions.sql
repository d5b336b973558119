-- The dimensions' locks, shared and held to commit: load_dim_product and load_dim_customer take them
-- exclusively (scd2_begin.sql) before they re-point facts, so no re-versioning lands between the fact load's
-- reading of the keys and its commit.
select pg_advisory_xact_lock_shared(hashtextextended('ecomm:dim_product', 0)),
       pg_advisory_xact_lock_shared(hashtextextended('ecomm:dim_customer', 0))
