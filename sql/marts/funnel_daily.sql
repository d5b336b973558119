-- marts.funnel_daily for the event dates in refresh_event_dates: delete, then insert.
-- Each step counts the distinct sessions with at least one event of that type on that date: one group per
-- session and date over refresh_event_groups' (date, type, session) rows, flagged by step.
delete from marts.funnel_daily
where event_date in (select event_date from refresh_event_dates);

insert into marts.funnel_daily (event_date, sessions, product_view_sessions, add_to_cart_sessions,
                                begin_checkout_sessions, purchase_sessions)
with

sessions as (
    select
        event_date,
        session_id,
        bool_or(event_type = 'product_view') as product_view,
        bool_or(event_type = 'add_to_cart') as add_to_cart,
        bool_or(event_type = 'begin_checkout') as begin_checkout,
        bool_or(event_type = 'purchase') as purchase
    from refresh_event_groups
    where is_session
    group by event_date, session_id
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
