-- /api/funnel?from=&to=: the conversion funnel over the range (marts.funnel_daily summed: sessions reaching
-- each step, counted per day) and per day. $1, $2 event dates; null: a 30-day window ending at the newest.
with

bounds as (
    select * from warehouse.date_window($1::date, $2::date, (select max(event_date) from marts.funnel_daily))
),

days as (
    select f.event_date, f.sessions, f.product_view_sessions, f.add_to_cart_sessions, f.begin_checkout_sessions,
           f.purchase_sessions
    from marts.funnel_daily f, bounds
    where f.event_date between bounds.from_date and bounds.to_date
),

totals as (
    select
        coalesce(sum(sessions), 0) as sessions,
        coalesce(sum(product_view_sessions), 0) as product_view_sessions,
        coalesce(sum(add_to_cart_sessions), 0) as add_to_cart_sessions,
        coalesce(sum(begin_checkout_sessions), 0) as begin_checkout_sessions,
        coalesce(sum(purchase_sessions), 0) as purchase_sessions
    from days
)

select json_build_object(
    'from_date', (select from_date from bounds),
    'to_date', (select to_date from bounds),
    'days', coalesce((select json_agg(d order by d.event_date) from days d), '[]'::json),
    'totals', (select row_to_json(t) from totals t)
);
