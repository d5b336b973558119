-- transform_events' work tables, dropped at commit:
--   day_events           the day's first arrival of each event id (copied by the task)
--   events_gone          ids a rerun's own rows held that the raw day no longer has (events_gone_from_load.sql)
--   events_own_replaced  ids whose rerun row had displaced another load's: the new row keeps the mark
--   events_taking_over   other loads' arrivals of gone events that take over their rows (handed_over.cpp,
--                        events_handed_over.sql)
create temporary table day_events (
    event_id text collate "C" not null, source_file text collate "C" not null, line_no bigint not null
) on commit drop;

create temporary table events_gone (event_id text collate "C" not null) on commit drop;

create temporary table events_own_replaced (event_id text collate "C" not null) on commit drop;

create temporary table events_taking_over (
    event_id text collate "C" not null, user_id text, session_id text not null, event_type text not null,
    event_ts timestamptz not null, event_date date not null, product_id text, page_url text,
    device text, country text, load_date date not null, source_file text collate "C" not null,
    line_no bigint not null, replaced_earlier boolean not null
) on commit drop;
