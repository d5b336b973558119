-- Events a rerun of a load gave up (its re-delivered day no longer holds them) while another load also
-- delivered them: that load's earliest arrival took over staging.events' row (docs/DATA_CONTRACT.md, events).
-- transform_events adds them; load_fact_events moves their fact row to the new arrival and removes them.
create table staging.events_handed_over (
    load_date date not null,              -- the load that gave the event up
    event_id  text collate "C" not null,
    primary key (load_date, event_id)
);
comment on table staging.events_handed_over is
    'one row per event a load gave up to another load''s arrival, until load_fact_events of that load ran';
