-- Events as received: one row per landed CSV record that is valid UTF-8 and one well-formed row.
-- The field texts are stored by column name (files may order their columns differently, so the line
-- alone cannot be read without its file's header) next to the exact line, so transform_events never
-- parses CSV again. A column the file does not have is null; an empty field is ''.
create table raw.events (
    load_date   date not null,
    source_file text not null,    -- relative to incoming/: events/2025-12-13/part-1.csv
    line_no     bigint not null,  -- physical line in the file (the header is line 1)
    event_id    text,
    user_id     text,
    session_id  text,
    event_type  text,
    event_ts    text,
    product_id  text,
    page_url    text,
    device      text,
    country     text,
    record      text not null     -- the line's exact text
);
comment on table raw.events is 'one row per landed events CSV record, exactly as received';
create index raw_events_load_date on raw.events (load_date);
