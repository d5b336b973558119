-- load_fact_events finds other loads' fact rows to remove by load date and event date (0720), never by event_id
-- alone; a B-tree of random event ids in a month partition outgrew shared_buffers within days, and every fact
-- row then paid a random read and write of it.
drop index warehouse.fact_events_event_id;
