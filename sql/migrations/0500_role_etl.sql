-- The pipeline's group role, ecomm_etl: what the tasks need (read and write every warehouse schema, own its
-- tables so they can create, attach and analyze partitions), and nothing cluster-wide: no superuser, no
-- createrole, no createdb. Logins join it with scripts/create-login NAME etl.
do $$
begin
    begin
        create role ecomm_etl nologin nosuperuser nocreatedb nocreaterole;
    exception when duplicate_object or unique_violation then
        null;
    end;
end
$$;

grant usage, create on schema raw, staging, warehouse, marts, audit, private to ecomm_etl;
grant all on all tables in schema raw, staging, warehouse, marts, audit, private to ecomm_etl;
grant all on all sequences in schema raw, staging, warehouse, marts, audit, private to ecomm_etl;
grant execute on all functions in schema raw, staging, warehouse, marts, audit, private to ecomm_etl;
alter default privileges in schema raw, staging, warehouse, marts, audit, private
    grant all on tables to ecomm_etl;
alter default privileges in schema raw, staging, warehouse, marts, audit, private
    grant all on sequences to ecomm_etl;

-- Gives a relation or function of the warehouse's schemas to ecomm_etl. Tables the tasks partition and
-- analyze must be owned by the role they run as; a login's own partitions go to the group so that any other
-- etl login can manage them too. An object that cannot change owner (an identity column's sequence, a
-- partition index) is left alone: it follows its table.
create or replace function audit.give_to_etl(p_kind text, p_identity text) returns void
language plpgsql
as $$
begin
    execute format('alter %s %s owner to ecomm_etl', p_kind, p_identity);
exception when others then
    null;
end
$$;
comment on function audit.give_to_etl(text, text) is 'alter owner of one object to ecomm_etl; silent when it cannot';

select audit.give_to_etl(case c.relkind when 'S' then 'sequence' when 'v' then 'view'
                                          when 'm' then 'materialized view' else 'table' end,
                         format('%I.%I', n.nspname, c.relname))
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where n.nspname in ('raw', 'staging', 'warehouse', 'marts', 'audit', 'private')
  and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f');

select audit.give_to_etl('function', p.oid::regprocedure::text)
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
where n.nspname in ('raw', 'staging', 'warehouse', 'marts', 'audit', 'private') and p.prokind = 'f'
  and p.proname <> 'give_to_etl';

-- Objects made later (by migrate as a superuser, or by an etl login creating a partition) go to the group.
create or replace function audit.new_objects_to_etl() returns event_trigger
language plpgsql
as $$
declare
    o record;
begin
    for o in
        select * from pg_event_trigger_ddl_commands()
        where schema_name in ('raw', 'staging', 'warehouse', 'marts', 'audit', 'private')
          and object_type in ('table', 'view', 'materialized view', 'sequence', 'function', 'foreign table')
    loop
        perform audit.give_to_etl(o.object_type, o.object_identity);
    end loop;
end
$$;

do $$
begin
    if not exists (select 1 from pg_event_trigger where evtname = 'ecomm_new_objects_to_etl') then
        create event trigger ecomm_new_objects_to_etl on ddl_command_end
            when tag in ('CREATE TABLE', 'CREATE TABLE AS', 'CREATE VIEW', 'CREATE MATERIALIZED VIEW',
                         'CREATE SEQUENCE', 'CREATE FUNCTION', 'SELECT INTO')
            execute function audit.new_objects_to_etl();
    end if;
end
$$;
