-- What compute_daily_metrics counts from the queued dates' events (event_rows.sql), copied by the task and read
-- by daily_events.sql and funnel_daily.sql: per date and type the events and distinct known users, per date
-- the sessions by their set of types.
create temporary table refresh_event_types (
    event_date date not null, event_type text not null, events integer not null, users integer not null
) on commit drop;

create temporary table refresh_session_types (
    event_date date not null, event_types text[] not null, sessions integer not null
) on commit drop
