-- marts.funnel_daily for the event dates in refresh_event_dates: delete, then insert.
-- Each step counts the distinct sessions with at least one event of that type on that date: one hashed
-- group per session and date, flagged by step (count(distinct) would sort the events once per step).
delete from marts.funnel_daily
where event_date in (select event_date from refresh_event_dates);

insert into marts.funnel_daily (event_date, sessions, product_view_sessions, add_to_cart_sessions,
                                begin_checkout_sessions, purchase_sessions)
with

sessions as (
    select
        e.event_date,
        e.session_id,
        bool_or(e.event_type = 'product_view') as product_view,
        bool_or(e.event_type = 'add_to_cart') as add_to_cart,
        bool_or(e.event_type = 'begin_checkout') as begin_checkout,
        bool_or(e.event_type = 'purchase') as purchase
    from warehouse.fact_events e
    where e.event_date in (select event_date from refresh_event_dates)
    group by e.event_date, e.session_id
),

final as (
    select
        event_date,
        count(*) as sessions,
        count(*) filter (where product_view) as product_view_sessions,
        count(*) filter (where add_to_cart) as add_to_cart_sessions,
        count(*) filter (where begin_checkout) as begin_checkout_sessions,
        count(*) filter (where purchase) as purchase_sessions
    from sessions
    group by event_date
)

select * from final;
