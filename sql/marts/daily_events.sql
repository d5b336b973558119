-- marts.daily_events for the event dates in refresh_event_dates: delete, then insert from
-- refresh_event_groups (those dates' events grouped by session and by user).
-- users counts distinct known users (anonymous events have no user_key); sessions distinct sessions.
delete from marts.daily_events
where event_date in (select event_date from refresh_event_dates);

insert into marts.daily_events (event_date, event_type, events, users, sessions)
with

final as (
    select
        event_date,
        event_type,
        sum(events) filter (where is_session) as events,
        count(*) filter (where not is_session and user_key is not null) as users,
        count(*) filter (where is_session) as sessions
    from refresh_event_groups
    group by event_date, event_type
)

select * from final;
