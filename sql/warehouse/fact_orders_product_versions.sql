-- Every version of the load's products, for the loader's in-memory lookup of the key as of order_ts
-- (warehouse.product_key_at's rule). The load date comes from the session setting ecomm.load_date: a COPY
-- takes no parameters.
with

day_products as (
    select distinct l.product_id
    from staging.order_lines l
    where l.load_date = current_setting('ecomm.load_date')::date
)

select d.product_id, d.valid_from, d.product_key
from warehouse.dim_product d
join day_products p on p.product_id = d.product_id
