-- Percent of the orders whose state this load set with a payment amount within 0.01 of the order revenue.
select round(100.0 * payment_matches / nullif(orders, 0), 4) from dq_staging_orders
