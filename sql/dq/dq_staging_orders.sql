-- One scan of the orders this load set (load date $1), for the accuracy, uniqueness, future and freshness
-- rules.
select
    count(*) as orders,
    count(*) filter (where abs(o.payment_amount - o.revenue) <= 0.01) as payment_matches,
    count(*) - count(distinct o.order_id collate "C") as repeated_ids,
    count(*) filter (where greatest(o.order_ts, o.updated_at) > ($1::date + 1)::timestamptz + interval '1 hour')
        as future,
    max(o.order_ts) as newest_order_ts
from staging.orders o
where o.load_date = $1::date
