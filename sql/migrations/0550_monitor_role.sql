-- ecomm_monitor: the group role the monitoring dashboard (serve_dashboard) reads the warehouse as.
-- What an analyst reads (marts, warehouse) plus the audit tables (task runs, quality results, quarantine);
-- never private, raw or staging. The dashboard switches to it with SET ROLE on connecting, so a query it
-- should not run fails instead of reading more than this.

-- Roles are cluster-wide: several databases may migrate at once (see 0004).
do $$
begin
    create role ecomm_monitor nologin;
exception when duplicate_object or unique_violation then
    null;
end
$$;

-- The same grants as ecomm_analyst's, given directly: role membership lives in the cluster-wide
-- pg_auth_members, which 0004 keeps out of the per-database migrations on purpose.
grant usage on schema marts, warehouse, audit to ecomm_monitor;
grant select on all tables in schema marts, warehouse, audit to ecomm_monitor;
alter default privileges in schema marts, warehouse, audit grant select on tables to ecomm_monitor;
