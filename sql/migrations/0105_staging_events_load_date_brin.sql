-- As for staging.orders (0016): events are inserted load after load and a displaced arrival is rare, so a
-- BRIN index on load_date serves the fact loader without a B-tree insert per event.
drop index staging.staging_events_load_date;
create index staging_events_load_date on staging.events using brin (load_date);
