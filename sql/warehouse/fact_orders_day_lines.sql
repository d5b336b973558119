-- The lines of the orders whose state the load set, with what the fact rows take from their order (load
-- date: $1, put in as a literal). One hash join of the day's rows of both tables.
with

day_orders as (
    select s.order_id, s.user_id, s.order_ts, s.status
    from staging.orders s
    where s.load_date = $1::date
),

day_lines as (
    select l.*
    from staging.order_lines l
    where l.load_date = $1::date
)

select l.order_id, l.line_number::bigint, o.user_id, o.order_ts, o.status, l.product_id, l.quantity::bigint,
       (l.unit_price * 100)::bigint as unit_price_cents, (l.discount * 100)::bigint as discount_cents,
       (l.revenue * 100)::bigint as revenue_cents
from day_lines l
join day_orders o on o.order_id = l.order_id
