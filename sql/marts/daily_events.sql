-- marts.daily_events for the event dates in refresh_event_dates: delete, then insert.
-- users counts distinct known users (anonymous events have no user_key); sessions distinct sessions.
-- Both distinct counts are hashed groups over one read of the dates' events (count(distinct) would sort
-- every event once per count).
delete from marts.daily_events
where event_date in (select event_date from refresh_event_dates);

insert into marts.daily_events (event_date, event_type, events, users, sessions)
with

events as materialized (
    select e.event_date, e.event_type, e.user_key, e.session_id
    from warehouse.fact_events e
    where e.event_date in (select event_date from refresh_event_dates)
),

per_session as (
    select event_date, event_type, session_id, count(*) as events
    from events
    group by event_date, event_type, session_id
),

per_type as (
    select event_date, event_type, sum(events) as events, count(*) as sessions
    from per_session
    group by event_date, event_type
),

per_user as (
    select event_date, event_type, user_key
    from events
    where user_key is not null
    group by event_date, event_type, user_key
),

users as (
    select event_date, event_type, count(*) as users
    from per_user
    group by event_date, event_type
),

final as (
    select
        t.event_date,
        t.event_type,
        t.events,
        coalesce(u.users, 0) as users,
        t.sessions
    from per_type t
    left join users u on u.event_date = t.event_date and u.event_type = t.event_type
)

select * from final;
