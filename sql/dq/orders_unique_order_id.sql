-- Duplicate order_id values among the orders this load set in staging.orders (business key uniqueness).
select repeated_ids from dq_staging_orders
