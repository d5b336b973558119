-- Other loads' arrivals a load's events displaced from staging.events (docs/DATA_CONTRACT.md, events), with the
-- load date and event date of the row that went: transform_events adds them, and load_fact_events removes their
-- fact rows there (one load's rows of one partition, by the BRIN indexes) and then these rows.
create table staging.events_displaced (
    load_date            date not null,              -- the load whose earlier arrival took the event over
    event_id             text collate "C" not null,
    displaced_load_date  date not null,              -- the load whose staged row went
    displaced_event_date date not null,              -- that row's event date
    primary key (load_date, event_id, displaced_load_date)
);
comment on table staging.events_displaced is
    'one row per event a load took over from another load''s arrival, until load_fact_events of that load ran';
