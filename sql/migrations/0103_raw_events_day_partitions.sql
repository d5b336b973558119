-- raw.events becomes list-partitioned by load date like raw.orders (0014): one fresh partition per day written
-- by COPY ... FREEZE, no index on load_date, a rerun truncates its day.
alter table raw.events rename to events_unpartitioned;
drop index raw.raw_events_load_date;

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
) partition by list (load_date);
comment on table raw.events is
    'one row per landed events CSV record, exactly as received; one partition per load date';
create table raw.events_default partition of raw.events default;

select raw.move_into_day_partitions('raw.events_unpartitioned', 'raw.events');
drop table raw.events_unpartitioned;
