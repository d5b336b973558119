-- One read of the events this load set (load date $1), for the uniqueness, future, freshness and session
-- rules.
with

day as materialized (
    select e.event_id, e.session_id, e.user_key, e.event_ts
    from staging.events e
    where e.load_date = $1::date
),

-- repeated ids from one hashed group per id (count(distinct) sorted the day's ids, twice as slow), grouped only
-- when staging.events' primary key does not already make a repeat impossible: a hash of the day's million ids
per_id as (
    select count(*) as copies
    from day
    group by event_id
),

events as (
    select
        case when audit.primary_key_is('staging.events', 'event_id') then 0
             else (select coalesce(sum(copies - 1), 0) from per_id) end as repeated_ids,
        count(*) filter (where event_ts > ($1::date + 1)::timestamptz + interval '1 hour') as future,
        max(event_ts) as newest_event_ts
    from day
),

-- a session is consistent when its events carry at most one user: min = max over the non-null keys
-- (hashed per session, no sort of the day's events)
per_session as (
    select min(user_key collate "C") as first_user, max(user_key collate "C") as last_user
    from day
    group by session_id
),

sessions as (
    select
        count(*) as sessions,
        count(*) filter (where coalesce(first_user = last_user, true)) as consistent_sessions
    from per_session
)

select * from events cross join sessions
