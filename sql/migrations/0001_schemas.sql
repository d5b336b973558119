-- The warehouse's layers, one schema each.
create schema if not exists raw;        -- exactly as received, with file and line lineage
create schema if not exists staging;    -- typed, valid, deduplicated
create schema if not exists warehouse;  -- star schema: dimensions with surrogate keys, facts
create schema if not exists marts;      -- aggregates for BI
create schema if not exists audit;      -- task runs, quality results, quarantined records
create schema if not exists private;    -- personal data, readable only by a privileged role

comment on schema raw is 'landed records exactly as received, with source file and line';
comment on schema staging is 'typed, validated, deduplicated records';
comment on schema warehouse is 'star schema: dimensions (surrogate keys, SCD2) and facts';
comment on schema marts is 'aggregates for BI tools; a public interface';
comment on schema audit is 'task runs, data-quality results and quarantined records';
comment on schema private is 'personal data of customers; not granted to analysts';
