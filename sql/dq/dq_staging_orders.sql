-- One scan of the orders this load set (load date $1), for the accuracy, uniqueness, future and freshness
-- rules.
select
    count(*) as orders,
    count(*) filter (where abs(o.payment_amount - o.revenue) <= 0.01) as payment_matches,
    -- none while staging.orders' primary key stands; counted (a sort of the day's ids) only without it
    case when audit.primary_key_is('staging.orders', 'order_id') then 0
         else (select count(*) - count(distinct r.order_id collate "C") from staging.orders r
               where r.load_date = $1::date) end as repeated_ids,
    count(*) filter (where greatest(o.order_ts, o.updated_at) > ($1::date + 1)::timestamptz + interval '1 hour')
        as future,
    max(o.order_ts) as newest_order_ts
from staging.orders o
where o.load_date = $1::date
