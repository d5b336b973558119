-- marts.funnel_daily for the event dates in refresh_event_dates: delete, then insert.
-- Each step counts the distinct sessions with at least one event of that type on that date: sums over
-- refresh_session_types (sessions per date by the set of event types they had, counted by the task).
delete from marts.funnel_daily
where event_date in (select event_date from refresh_event_dates);

insert into marts.funnel_daily (event_date, sessions, product_view_sessions, add_to_cart_sessions,
                                begin_checkout_sessions, purchase_sessions)
with

final as (
    select
        event_date,
        sum(sessions) as sessions,
        coalesce(sum(sessions) filter (where 'product_view' = any(event_types)), 0) as product_view_sessions,
        coalesce(sum(sessions) filter (where 'add_to_cart' = any(event_types)), 0) as add_to_cart_sessions,
        coalesce(sum(sessions) filter (where 'begin_checkout' = any(event_types)), 0) as begin_checkout_sessions,
        coalesce(sum(sessions) filter (where 'purchase' = any(event_types)), 0) as purchase_sessions
    from refresh_session_types
    group by event_date
)

select * from final;
