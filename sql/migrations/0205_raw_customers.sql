-- Landed customer change records exactly as received (personal data included: erasure removes it).
create table raw.customers (
    load_date   date not null,
    source_file text not null,     -- relative to incoming/: customers/2025-12-13/part-1.json
    line_no     bigint not null,   -- physical line in the file
    record      text not null      -- the line's exact text
);
comment on table raw.customers is 'one row per line of a customers change file, as received';
create index raw_customers_load_date on raw.customers (load_date);
