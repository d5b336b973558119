-- The queued event dates' events, read once for both event marts: one hashed pass with two grouping sets,
-- one row per date, type and session (its events) and one per date, type and user, so daily_events and
-- funnel_daily group these rows instead of each scanning fact_events again (count(distinct) would sort).
create temporary table refresh_event_groups on commit drop as
with

events as (
    select e.event_date, e.event_type, e.session_id, e.user_key
    from warehouse.fact_events e
    where e.event_date in (select event_date from refresh_event_dates)
),

final as (
    select
        event_date,
        event_type,
        session_id,
        user_key,
        grouping(session_id) = 0 as is_session,  -- false: a (date, type, user) row, user null for anonymous
        count(*) as events
    from events
    group by grouping sets ((event_date, event_type, session_id), (event_date, event_type, user_key))
)

select * from final;

analyze refresh_event_groups;
