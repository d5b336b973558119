-- Conversion funnel: of the sessions of each day, how many viewed a product, added to cart, began checkout
-- and purchased, and what share of sessions reached each step?
-- Parameters: $1 first event date, $2 last event date (inclusive), both date.
-- Source: marts.funnel_daily (distinct sessions with at least one event of the step that day).
with

funnel as (
    select *
    from marts.funnel_daily
    where event_date between $1::date and $2::date
),

final as (
    select
        event_date,
        sessions,
        product_view_sessions,
        add_to_cart_sessions,
        begin_checkout_sessions,
        purchase_sessions,
        round(100.0 * product_view_sessions / nullif(sessions, 0), 2) as product_view_pct,
        round(100.0 * add_to_cart_sessions / nullif(sessions, 0), 2) as add_to_cart_pct,
        round(100.0 * begin_checkout_sessions / nullif(sessions, 0), 2) as begin_checkout_pct,
        round(100.0 * purchase_sessions / nullif(sessions, 0), 2) as conversion_pct
    from funnel
)

select * from final
order by event_date;
