-- Overwrites the shipping rows of orders whose state this load set and that already had one, by key probes
-- (see orders_apply_updates.sql: a hash join would read every shipping row ever loaded).
set local enable_hashjoin = off;
set local enable_mergejoin = off;

analyze tmp_shipping_updates;

update private.order_shipping p set
    city = u.city, postal_code = u.postal_code
from tmp_shipping_updates u
where u.order_id = p.order_id;

reset enable_hashjoin;
reset enable_mergejoin;

-- a large load changes the tables' shape: fresh statistics keep the fact loader's plans good
analyze staging.orders;
analyze staging.order_lines;

-- and the load_date BRINs summarize the new pages now (autovacuum would, some time later), or every reader of
-- one load date (load_fact_orders, dq_checks, the next transforms) scans all the pages never summarized
select brin_summarize_new_values('staging.staging_orders_load_date'::regclass);
select brin_summarize_new_values('staging.staging_order_lines_load_date'::regclass);
