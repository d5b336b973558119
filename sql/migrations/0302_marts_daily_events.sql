-- Events per event date and type for BI: a public interface (names and columns stay stable).
create table marts.daily_events (
    event_date   date not null,          -- UTC date of event_ts
    event_type   text not null,
    events       integer not null,
    users        integer not null,       -- distinct known (non-anonymous) user keys
    sessions     integer not null,       -- distinct sessions
    refreshed_at timestamptz not null default now(),
    primary key (event_date, event_type)
);
comment on table marts.daily_events is 'one row per event date and event type';
