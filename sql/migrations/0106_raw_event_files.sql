-- raw.events keeps each record's exact line and its lineage, no longer its field texts as well: storing both
-- made the raw layer 2.3 times the size of the files (1.36 GB for a 480 MB day of 5M events) and the
-- extract 2.5 times slower than a plain COPY of the files. The line cannot be read without its file's header
-- (files may order their columns differently), so each landed file's header is kept here and
-- transform_events splits the lines again by it.
create table raw.event_files (
    load_date   date not null,
    source_file text not null,    -- as in raw.events: events/2025-12-13/part-1.csv
    header      text not null,    -- the file's first line, as received (a byte order mark and a final CR removed)
    primary key (load_date, source_file)
);
comment on table raw.event_files is 'one row per landed events CSV file: its header, by which its lines are split';

-- Loads landed before this migration have field texts and no header row; transform_events reads those
-- columns for them. Later loads leave them null.
comment on column raw.events.event_id is
    'field texts by column name: filled only for loads landed before raw.event_files existed (0106)';
