-- Orders this load set with order_ts or updated_at after the end of the load date plus one hour.
select future from dq_staging_orders
