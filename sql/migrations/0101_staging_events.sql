-- Valid, typed events, one per event_id: its first arrival, the smallest (load_date, source_file, line_no).
-- A load merges its events keeping the smaller arrival, so days loaded in any order or twice agree.
create table staging.events (
    event_id    text collate "C" primary key,  -- byte order: cheaper keys, same order as the files'
    event_ts    timestamptz not null,
    event_date  date not null,        -- UTC date of event_ts
    event_type  text not null check (event_type in ('page_view', 'product_view', 'add_to_cart',
                                                    'remove_from_cart', 'begin_checkout', 'purchase')),
    session_id  text not null,
    user_key    text,                 -- private.user_key(user_id); null for anonymous visitors
    product_id  text,
    page_url    text,
    device      text check (device in ('desktop', 'mobile', 'tablet')),
    country     text,
    -- the arrival identity: which load, file and line this event came from
    load_date   date not null,
    source_file text collate "C" not null,
    line_no     bigint not null,
    -- this arrival displaced another load's (whose fact row load_fact_events must then remove)
    replaced_earlier boolean not null default false
);
comment on table staging.events is 'one row per event (event_id): its first arrival';
create index staging_events_load_date on staging.events (load_date);
