-- raw.orders becomes list-partitioned by load date, one partition per day (raw.orders_dYYYYMMDD), so an extract
-- replaces a day by writing a fresh table instead of deleting and re-inserting rows in one big indexed table:
--   * COPY ... FREEZE into a table created or truncated in the same transaction writes rows already frozen, so
--     the transform's read of the day does not rewrite every page to set hint bits;
--   * no index on load_date: every reader of raw asks for one load date and reads one partition;
--   * a rerun truncates the day's partition (no dead rows, no vacuum debt).
-- The default partition takes rows for a day that has no partition of its own (rows inserted by hand); an
-- extract of that day moves the day out of it.

-- The qualified name of `parent`'s partition for `day`: raw.orders -> raw.orders_d20251215.
create or replace function raw.load_partition_name(parent regclass, day date)
returns text
language sql stable
as $$
    select format('%I.%I', n.nspname, format('%s_d%s', c.relname, to_char(day, 'YYYYMMDD')))
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.oid = parent
$$;

-- Starts the load of `day` into `parent`: returns the day's partition, new (created, not yet attached) or
-- truncated, ready for COPY ... FREEZE in this same transaction. Call raw.end_load after the COPY.
create or replace function raw.begin_load(parent regclass, day date)
returns text
language plpgsql
as $$
declare
    part text := raw.load_partition_name(parent, day);
begin
    if to_regclass(part) is null then
        execute format('create table %s (like %s including defaults including constraints)', part, parent);
        -- implies the partition bound, so attaching it does not scan the rows
        execute format('alter table %s add constraint load_date_is_%s check (load_date = %L)', part,
                       to_char(day, 'YYYYMMDD'), day);
    else
        execute format('truncate %s', part);
    end if;
    execute format('delete from %s_default where load_date = %L', parent, day);
    return part;
end;
$$;
comment on function raw.begin_load(regclass, date) is
    'returns the empty partition of a raw table for one load date (created or truncated), for COPY ... FREEZE';

-- Attaches the day's partition made by raw.begin_load, if this load created it.
create or replace function raw.end_load(parent regclass, day date)
returns void
language plpgsql
as $$
declare
    part regclass := to_regclass(raw.load_partition_name(parent, day));
begin
    if part is null then
        raise exception 'raw.end_load: no partition of % for %: call raw.begin_load first', parent, day;
    end if;
    if not (select c.relispartition from pg_class c where c.oid = part) then
        execute format('alter table %s attach partition %s for values in (%L)', parent, part, day);
    end if;
end;
$$;
comment on function raw.end_load(regclass, date) is 'attaches a raw load-date partition made by raw.begin_load';

-- Copies the rows of an unpartitioned raw table into `parent`, one new partition per load date.
create or replace function raw.move_into_day_partitions(source regclass, parent regclass)
returns void
language plpgsql
as $$
declare
    day date;
begin
    for day in execute format('select distinct load_date from %s order by 1', source) loop
        execute format('insert into %s select * from %s where load_date = %L', raw.begin_load(parent, day), source, day);
        perform raw.end_load(parent, day);
    end loop;
end;
$$;

-- Moves raw.orders into the partitioned layout, one partition per load date already loaded.
alter table raw.orders rename to orders_unpartitioned;
drop index raw.raw_orders_load_date;

create table raw.orders (
    load_date   date not null,
    source_file text not null,    -- relative to incoming/: orders/2025-12-13/part-1.json
    line_no     bigint not null,
    record      text not null,    -- the line's exact text
    loaded_at   timestamptz not null default now()
) partition by list (load_date);
comment on table raw.orders is
    'one row per landed order record (line), exactly as received; one partition per load date';
create table raw.orders_default partition of raw.orders default;

select raw.move_into_day_partitions('raw.orders_unpartitioned', 'raw.orders');
drop table raw.orders_unpartitioned;
