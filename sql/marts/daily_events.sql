-- marts.daily_events for the event dates in refresh_event_dates: delete, then insert.
-- users counts distinct known users (anonymous events have no user_key); sessions distinct sessions.
delete from marts.daily_events
where event_date in (select event_date from refresh_event_dates);

insert into marts.daily_events (event_date, event_type, events, users, sessions)
with

events as (
    select e.event_date, e.event_type, e.user_key, e.session_id
    from warehouse.fact_events e
    where e.event_date in (select event_date from refresh_event_dates)
),

final as (
    select
        event_date,
        event_type,
        count(*) as events,
        count(distinct user_key) as users,
        count(distinct session_id) as sessions
    from events
    group by event_date, event_type
)

select * from final;
