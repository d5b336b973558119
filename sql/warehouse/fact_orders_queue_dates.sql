-- $1 = load date. Every order date whose facts this load changed (old and new) is queued for
-- compute_daily_metrics.
insert into warehouse.mart_refresh_queue (load_date, subject, business_date)
select distinct $1::date, 'orders', order_date from tmp_touched_dates
on conflict do nothing
