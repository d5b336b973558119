-- As for the orders facts (0015): a load's fact_events rows sit together, so load_date needs a BRIN index,
-- not a B-tree with one random insert per event.
drop index warehouse.fact_events_load_date;
create index fact_events_load_date on warehouse.fact_events using brin (load_date);
