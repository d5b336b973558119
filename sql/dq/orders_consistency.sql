-- Percent of the orders this load set whose revenue, units and line count equal the sums of their lines.
select round(100.0 * consistent_orders / nullif(orders, 0), 4) from dq_staging_order_links
