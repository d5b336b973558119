-- The business dates of the facts that reference a corrected version, queued for compute_daily_metrics.
insert into warehouse.mart_refresh_queue (load_date, subject, business_date)
select distinct $1::date, $2, f.{{fact_date}}
from {{fact}} f
join dim_corrected c on c.key = f.{{fact_key}}
on conflict do nothing
