-- Access audit: pgaudit's object auditing logs every read of the relations granted to its audit
-- role (pgaudit.role = 'ecomm_auditor', set in the server's configuration by scripts/local-pg and the compose
-- stack): the personal data in private and the raw layer. The log line (AUDIT: OBJECT,...) names the
-- relation; the log line prefix names the login. The role never logs in: it only marks what is audited.
do $$
begin
    begin
        create role ecomm_auditor nologin;
    exception when duplicate_object or unique_violation then
        null;
    end;
    -- the extension needs the library preloaded; a server without it (a developer's old cluster) still
    -- migrates, and scripts/local-pg restarts the local one with it
    if current_setting('shared_preload_libraries') like '%pgaudit%' then
        create extension if not exists pgaudit;
    else
        raise notice 'pgaudit is not in shared_preload_libraries: reads of personal data are not audited';
    end if;
end
$$;

grant select on all tables in schema private, raw to ecomm_auditor;
alter default privileges in schema private, raw grant select on tables to ecomm_auditor;
