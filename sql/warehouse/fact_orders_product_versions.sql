-- Every version of the load's products, for the loader's in-memory lookup of the key as of order_ts
-- (warehouse.product_key_at's rule). The load date $1 is put in as a literal: a COPY takes
-- no parameters.
with

day_products as (
    select distinct l.product_id
    from staging.order_lines l
    where l.load_date = $1::date
)

select d.product_id, d.valid_from, d.product_key
from warehouse.dim_product d
join day_products p on p.product_id = d.product_id
