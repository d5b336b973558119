-- Landed catalogue snapshot elements exactly as received, one row per array element, with file and line.
create table raw.products (
    load_date   date not null,
    source_file text not null,     -- relative to incoming/: products/2025-12-15/part-1.json
    line_no     bigint not null,   -- physical line where the element starts
    record      text not null      -- the element's exact JSON text
);
comment on table raw.products is 'one row per element of a products snapshot file, as received';
create index raw_products_load_date on raw.products (load_date);
