-- Percent of the orders this load set whose customer has no real (non-inferred) dim_customer version yet: the
-- share load_fact_orders will point at inferred customers (measured before the day's dimension loads).
select round(100.0 * unknown_customers / nullif(orders, 0), 4) from dq_staging_order_links
