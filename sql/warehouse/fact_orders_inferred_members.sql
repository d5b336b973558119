-- $1 = load date. Inferred members for the load's customers and products no version shows yet, in one call
-- per dimension; returns how many were made. Idempotent placeholders: a rerun makes the same ones.
select warehouse.ensure_inferred_customers(array(select u.user_key from day_users u))
     + warehouse.ensure_inferred_products(array(
           select distinct l.product_id
           from staging.order_lines l
           where l.load_date = $1::date))
