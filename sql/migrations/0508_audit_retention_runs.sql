-- What each apply_retention run did: one row per run date and rule, with the rows it changed.
create table audit.retention_runs (
    retention_run_id bigint generated always as identity primary key,
    run_date         date not null,
    rules_version    text not null,
    rule             text not null check (rule in ('closed_account_personal_data', 'raw_record_text',
                                                   'quarantined_record_text')),
    days             integer not null check (days >= 0),
    cutoff           date not null,       -- rows older than this (load date, or the account's closing) changed
    rows_changed     bigint not null,
    applied_at       timestamptz not null default now(),
    run_id           text
);
comment on table audit.retention_runs is 'one row per apply_retention run and rule: cutoff and rows changed';

-- Retention for a date, in the caller's transaction (apply_retention; periods from sql/retention.json):
--   closed accounts   users whose newest change is a delete older than the period are erased
--                     (private.erase_users, request id 'retention:<date>'), as erase_user would
--   raw record text   orders and customers lines landed before the cutoff keep every field but the personal
--                     ones (private.redact_record; the id becomes its stand-in, the user key is unchanged)
--   quarantined text  audit.bad_records.record of loads before the cutoff is emptied (reason, file and
--                     line stay)
-- Rerunning it changes nothing more. Returns the relations changed, to vacuum.
create or replace function private.apply_retention(p_date date, p_rules jsonb, p_run_id text)
returns setof text
language plpgsql
as $$
declare
    id_in_json constant text := '"user_id"[[:space:]]*:[[:space:]]*"((?:[^"\\]|\\.)*)"';
    closed_days int := (p_rules->>'closed_account_personal_data_days')::int;
    raw_days int := (p_rules->>'raw_record_text_days')::int;
    bad_days int := (p_rules->>'quarantined_record_text_days')::int;
    version text := coalesce(p_rules->>'version', 'unversioned');
    closed_ids text[];
    n bigint;
    total bigint;
begin
    if closed_days is null or raw_days is null or bad_days is null
       or least(closed_days, raw_days, bad_days) < 0 then
        raise exception 'retention rules need closed_account_personal_data_days, raw_record_text_days and '
                        'quarantined_record_text_days, each a whole number of days >= 0'
            using errcode = '22023';
    end if;
    create temporary table if not exists retention_changed (relation text) on commit drop;

    -- closed accounts: the newest change of the user is a delete, before the cutoff
    select array_agg(p.user_id) into closed_ids
    from private.customer_pii p
    join lateral (
        select c.op, c.updated_at from staging.customers_changes c
        where c.user_key = p.user_key
        order by c.updated_at desc, c.load_date desc, c.source_file desc, c.line_no desc
        limit 1
    ) last on true
    where last.op = 'delete' and last.updated_at < (p_date - closed_days)::timestamptz;
    total := 0;
    if closed_ids is not null then
        insert into retention_changed
        select * from private.erase_users(closed_ids, 'retention:' || p_date, p_run_id);
        total := coalesce(array_length(closed_ids, 1), 0);
    end if;
    insert into audit.retention_runs (run_date, rules_version, rule, days, cutoff, rows_changed, run_id)
    values (p_date, version, 'closed_account_personal_data', closed_days, p_date - closed_days, total, p_run_id);

    with changed as (
        update raw.orders r
        set record = private.redact_record(r.record, x.user_id, private.user_key(x.user_id), false)
        from (select r2.load_date, r2.source_file, r2.line_no, substring(r2.record from id_in_json) as user_id
              from raw.orders r2 where r2.load_date < p_date - raw_days) x
        where r.load_date < p_date - raw_days
          and (r.load_date, r.source_file, r.line_no) = (x.load_date, x.source_file, x.line_no)
          and x.user_id <> '' and left(x.user_id, 7) <> 'erased:'
        returning r.tableoid::regclass::text as relation
    ),
    changed_customers as (
        update raw.customers r
        set record = private.redact_record(r.record, x.user_id, private.user_key(x.user_id), false)
        from (select r2.load_date, r2.source_file, r2.line_no, substring(r2.record from id_in_json) as user_id
              from raw.customers r2 where r2.load_date < p_date - raw_days) x
        where r.load_date < p_date - raw_days
          and (r.load_date, r.source_file, r.line_no) = (x.load_date, x.source_file, x.line_no)
          and x.user_id <> '' and left(x.user_id, 7) <> 'erased:'
        returning r.tableoid::regclass::text as relation
    ),
    all_changed as (select relation from changed union all select relation from changed_customers),
    kept as (insert into retention_changed select distinct relation from all_changed returning 1)
    select count(*) into n from all_changed;
    insert into audit.retention_runs (run_date, rules_version, rule, days, cutoff, rows_changed, run_id)
    values (p_date, version, 'raw_record_text', raw_days, p_date - raw_days, n, p_run_id);

    with changed as (
        update audit.bad_records set record = ''
        where load_date < p_date - bad_days and record <> ''
        returning 1
    )
    select count(*) into n from changed;
    if n > 0 then
        insert into retention_changed values ('audit.bad_records');
    end if;
    insert into audit.retention_runs (run_date, rules_version, rule, days, cutoff, rows_changed, run_id)
    values (p_date, version, 'quarantined_record_text', bad_days, p_date - bad_days, n, p_run_id);

    return query select distinct relation from retention_changed;
end
$$;
comment on function private.apply_retention(date, jsonb, text) is
    'applies the retention periods for a date; records audit.retention_runs; relations changed';
