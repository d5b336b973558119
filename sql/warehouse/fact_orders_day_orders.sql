-- The orders whose state the load set (load date: $1, put in as a literal since a COPY takes no
-- parameters), money in whole cents and counts as bigint for the loader's binary reader; the loader adds the
-- order date and the keys.
select s.order_id, s.user_id, s.order_ts, s.updated_at, s.status, s.channel, s.currency, s.payment_method,
       (s.payment_amount * 100)::bigint as payment_cents, (s.revenue * 100)::bigint as revenue_cents,
       s.units::bigint, s.line_count::bigint, s.ship_country, s.ship_region
from staging.orders s
where s.load_date = $1::date
