-- Creates the missing monthly partitions of a range-partitioned fact table for a span of dates.
-- Partitions are named <table>_yYYYYmMM; safe when two loaders create the same month at once.
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
begin
    select n.nspname, c.relname into parent_schema, parent_name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.oid = parent;
    while month_start <= to_date loop
        part_name := format('%s_y%sm%s', parent_name, to_char(month_start, 'YYYY'), to_char(month_start, 'MM'));
        if to_regclass(format('%I.%I', parent_schema, part_name)) is null then
            begin
                execute format('create table %I.%I partition of %s for values from (%L) to (%L)',
                               parent_schema, part_name, parent, month_start, (month_start + interval '1 month')::date);
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
    'creates missing monthly partitions of a fact table covering [from_date, to_date]';
