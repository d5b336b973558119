-- Orders exactly as received: one row per line of a landed file that is valid UTF-8 and valid JSON.
create table raw.orders (
    load_date   date not null,
    source_file text not null,    -- relative to incoming/: orders/2025-12-13/part-1.json
    line_no     bigint not null,
    record      text not null,    -- the line's exact text
    loaded_at   timestamptz not null default now()
);
comment on table raw.orders is 'one row per landed order record (line), exactly as received';
create index raw_orders_load_date on raw.orders (load_date);
