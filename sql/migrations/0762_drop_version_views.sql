-- load_dim_product and load_dim_customer compute the versions of the members they reconcile with
-- sql/warehouse/dim_product_versions.sql and dim_customer_versions.sql (0760, 0761): the views over every
-- snapshot and change (0204, 0210, 0401) would be a second statement of the same rules to keep in step.
drop view staging.product_versions;
drop view staging.customer_versions;
