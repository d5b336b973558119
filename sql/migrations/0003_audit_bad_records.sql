-- Every quarantined record with its reason and raw text; replaced per load date, feed and stage on rerun.
create table audit.bad_records (
    bad_record_id bigint generated always as identity primary key,
    load_date     date not null,
    feed          text not null check (feed in ('orders', 'events', 'products', 'customers')),
    stage         text not null check (stage in ('extract', 'transform')),
    source_file   text not null,     -- relative to incoming/: orders/2025-12-13/part-1.json
    line_no       bigint not null,   -- physical line in the file (CSV: header is line 1)
    reason        text not null check (reason in ('invalid_utf8', 'malformed', 'missing_field',
                                                  'unsupported_currency', 'invalid_value', 'future_timestamp')),
    detail        text not null,
    record        text not null,     -- the raw text; bytes that are not UTF-8 shown as \xNN
    quarantined_at timestamptz not null default now()
);
comment on table audit.bad_records is 'one row per quarantined record';
create index bad_records_load on audit.bad_records (load_date, feed, stage);
