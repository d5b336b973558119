-- $1 = load date, $2 = the events it gave up (text[]). An inferred member for every product id of the rows
-- this load writes that warehouse.dim_product has never shown; returns how many were made.
select warehouse.ensure_inferred_products(array(
    select product_id from staging.events where load_date = $1::date and product_id is not null
    union
    select product_id from staging.events where event_id = any($2::text[]) and product_id is not null
))
