-- The events this load gave up to another load's arrival (staging.events_handed_over, written by its
-- transform_events): consumed here, as their fact rows move to the arrival that took over.
delete from staging.events_handed_over h
where h.load_date = $1::date
returning h.event_id
