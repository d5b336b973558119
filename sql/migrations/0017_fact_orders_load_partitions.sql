-- fact_orders and fact_order_lines: each month partition is itself list-partitioned by load_date, with a
-- default sub-partition. A load's bulk (its new orders, almost all in one or two months) goes into a fresh
-- table of its own per month, written by COPY ... FREEZE with no index and then attached, which builds its
-- indexes in one sort each: a B-tree insert per row into a month's growing indexes is what the fact load
-- spent most of its time on. Small remainders (late updates of older orders) and reruns go through the
-- parent into the month's default (or the load's existing) sub-partition. Queries still prune on order_date
-- to one month; within it they read the month's load sub-partitions and its default.

-- Month partitions of the bulk-loaded fact tables are created sub-partitioned (with their default).
create or replace function warehouse.ensure_month_partitions(parent regclass, from_date date, to_date date)
returns integer
language plpgsql
as $$
declare
    month_start date := date_trunc('month', from_date)::date;
    created integer := 0;
    parent_schema text;
    parent_name text;
    part_name text;
    by_load boolean := parent = any (array['warehouse.fact_orders', 'warehouse.fact_order_lines']::regclass[]);
begin
    select n.nspname, c.relname into parent_schema, parent_name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.oid = parent;
    while month_start <= to_date loop
        part_name := format('%s_y%sm%s', parent_name, to_char(month_start, 'YYYY'), to_char(month_start, 'MM'));
        if to_regclass(format('%I.%I', parent_schema, part_name)) is null then
            begin
                execute format('create table %I.%I partition of %s for values from (%L) to (%L)%s',
                               parent_schema, part_name, parent, month_start, (month_start + interval '1 month')::date,
                               case when by_load then ' partition by list (load_date)' else '' end);
                if by_load then
                    execute format('create table %I.%I partition of %I.%I default',
                                   parent_schema, part_name || '_default', parent_schema, part_name);
                end if;
                created := created + 1;
            exception when duplicate_table then
                null;  -- another loader created it first
            end;
        end if;
        month_start := (month_start + interval '1 month')::date;
    end loop;
    return created;
end;
$$;
comment on function warehouse.ensure_month_partitions(regclass, date, date) is
    'creates missing monthly partitions of a fact table covering [from_date, to_date] (for fact_orders and '
    'fact_order_lines: list-partitioned by load_date, with a default)';

-- <parent>_yYYYYmMM and <parent>_yYYYYmMM_dYYYYMMDD, schema-qualified.
create or replace function warehouse.load_partition_names(parent regclass, month date, day date,
                                                          out month_part text, out load_part text)
language sql stable
as $$
    select format('%I.%I', n.nspname, format('%s_y%s', c.relname, to_char(month, 'YYYY"m"MM'))),
           format('%I.%I', n.nspname, format('%s_y%s_d%s', c.relname, to_char(month, 'YYYY"m"MM'),
                                             to_char(day, 'YYYYMMDD')))
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.oid = parent
$$;

-- Starts the bulk load of load date `day`'s rows of `month` into `parent`: returns a new table, not yet
-- attached, for COPY ... FREEZE in this transaction (then warehouse.end_bulk_load), or null when the load
-- date already has its sub-partition in that month (a rerun: load those rows through the parent).
create or replace function warehouse.begin_bulk_load(parent regclass, month date, day date)
returns text
language plpgsql
as $$
declare
    names record := warehouse.load_partition_names(parent, month, day);
    month_start date := date_trunc('month', month)::date;
begin
    perform warehouse.ensure_month_partitions(parent, month_start, month_start);
    if to_regclass(names.load_part) is not null then
        return null;
    end if;
    execute format('create table %s (like %s including defaults)', names.load_part, parent);
    -- implies the partition bound, so attaching it does not scan the rows
    execute format('alter table %s add constraint %I check (order_date >= %L and order_date < %L and load_date = %L)',
                   names.load_part, 'in_load_' || to_char(day, 'YYYYMMDD'), month_start,
                   (month_start + interval '1 month')::date, day);
    return names.load_part;
end;
$$;
comment on function warehouse.begin_bulk_load(regclass, date, date) is
    'a new table for one load date''s rows of one month of fact_orders or fact_order_lines, or null on a rerun';

-- Attaches the table made by warehouse.begin_bulk_load; its indexes are built here, one sort each.
create or replace function warehouse.end_bulk_load(parent regclass, month date, day date)
returns void
language plpgsql
as $$
declare
    names record := warehouse.load_partition_names(parent, month, day);
begin
    execute format('alter table %s attach partition %s for values in (%L)', names.month_part, names.load_part, day);
end;
$$;
comment on function warehouse.end_bulk_load(regclass, date, date) is
    'attaches a load date''s table made by warehouse.begin_bulk_load to its month';

-- Existing month partitions become sub-partitioned months whose default holds the rows loaded so far.
do $$
declare
    parent regclass;
    part record;
begin
    foreach parent in array array['warehouse.fact_orders', 'warehouse.fact_order_lines']::regclass[] loop
        for part in
            select c.oid::regclass as oid, c.relname, pg_get_expr(c.relpartbound, c.oid) as bound
            from pg_inherits i join pg_class c on c.oid = i.inhrelid
            where i.inhparent = parent and c.relkind = 'r'
        loop
            execute format('alter table %s detach partition %s', parent, part.oid);
            execute format('alter table %s rename to %I', part.oid, part.relname || '_default');
            execute format('create table warehouse.%I partition of %s %s partition by list (load_date)',
                           part.relname, parent, part.bound);
            execute format('alter table warehouse.%I attach partition warehouse.%I default',
                           part.relname, part.relname || '_default');
        end loop;
    end loop;
end;
$$;
