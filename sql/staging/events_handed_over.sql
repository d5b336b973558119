-- The earliest other arrival of each event this load gave up takes over its staging row; the load remembers
-- them, so its load_fact_events moves their fact rows too.
with

taken_over as (
    insert into staging.events (event_id, event_ts, event_date, event_type, session_id, user_key, product_id,
                                page_url, device, country, load_date, source_file, line_no, replaced_earlier)
    select
        t.event_id, t.event_ts, t.event_date, t.event_type, t.session_id, private.user_key(t.user_id),
        t.product_id, t.page_url, t.device, t.country, t.load_date, t.source_file, t.line_no, t.replaced_earlier
    from events_taking_over t
    returning event_id
)

insert into staging.events_handed_over (load_date, event_id)
select $1::date, event_id from taken_over
on conflict do nothing
