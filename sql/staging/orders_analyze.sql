-- After transform_orders' writes (orders_apply_updates.sql, then its COPYs into staging).
-- a large load changes the tables' shape: fresh statistics of the columns the day's readers filter on keep
-- their plans good (load_date: a new date the old statistics never saw). Only those columns: a whole-table
-- analyze also sorts the sample's text columns, measured at 2.0-2.9 s for staging.orders and 4.1 s for its
-- lines at six nights of 50k orders, against 0.6-0.9 s and 1.6 s for these
analyze staging.orders (load_date, replaced_earlier);
analyze staging.order_lines (load_date);

-- and the load_date BRINs summarize the new pages now (autovacuum would, some time later), or every reader of
-- one load date (load_fact_orders, dq_checks, the next transforms) scans all the pages never summarized
select brin_summarize_new_values('staging.staging_orders_load_date'::regclass);
select brin_summarize_new_values('staging.staging_order_lines_load_date'::regclass);
