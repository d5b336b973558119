-- marts.daily_events for the event dates in refresh_event_dates: delete, then insert from the task's counts
-- of those dates' events (refresh_event_types: events and distinct known users per date and type;
-- refresh_session_types: sessions per date by the set of types they had). users counts distinct known users
-- (anonymous events have no user_key); sessions the distinct sessions with an event of the type.
delete from marts.daily_events
where event_date in (select event_date from refresh_event_dates);

insert into marts.daily_events (event_date, event_type, events, users, sessions)
with

sessions_per_type as (
    select s.event_date, t.event_type, sum(s.sessions) as sessions
    from refresh_session_types s
    cross join unnest(s.event_types) as t(event_type)
    group by s.event_date, t.event_type
),

final as (
    select e.event_date, e.event_type, e.events, e.users, s.sessions
    from refresh_event_types e
    join sessions_per_type s on s.event_date = e.event_date and s.event_type = e.event_type
)

select * from final;
