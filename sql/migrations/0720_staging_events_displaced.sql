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

-- Displacements made before this table existed whose fact load has not run yet: the other loads' fact rows the
-- earlier fact load would have found by event_id (its index still exists here; 0721 drops it).
insert into staging.events_displaced (load_date, event_id, displaced_load_date, displaced_event_date)
select distinct s.load_date, s.event_id, f.load_date, f.event_date
from staging.events s
join warehouse.fact_events f on f.event_id = s.event_id and f.load_date <> s.load_date
where s.replaced_earlier;
