-- marts.funnel_daily for the event dates in refresh_event_dates: delete, then insert.
-- Each step counts the distinct sessions with at least one event of that type on that date.
delete from marts.funnel_daily
where event_date in (select event_date from refresh_event_dates);

insert into marts.funnel_daily (event_date, sessions, product_view_sessions, add_to_cart_sessions,
                                begin_checkout_sessions, purchase_sessions)
with

events as (
    select e.event_date, e.event_type, e.session_id
    from warehouse.fact_events e
    where e.event_date in (select event_date from refresh_event_dates)
),

final as (
    select
        event_date,
        count(distinct session_id) as sessions,
        count(distinct session_id) filter (where event_type = 'product_view') as product_view_sessions,
        count(distinct session_id) filter (where event_type = 'add_to_cart') as add_to_cart_sessions,
        count(distinct session_id) filter (where event_type = 'begin_checkout') as begin_checkout_sessions,
        count(distinct session_id) filter (where event_type = 'purchase') as purchase_sessions
    from events
    group by event_date
)

select * from final;
