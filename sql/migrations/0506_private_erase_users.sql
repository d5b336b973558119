-- Right to erasure, in the caller's transaction: for each user id, registers the user key in
-- private.erased_users, then removes the user's personal values from every layer that holds them
-- (tests/integration/erasure_test.cpp searches the catalogue for any other):
--   raw.orders, raw.customers     the stored line, personal fields redacted (private.redact_record)
--   raw.events                    the stored line's id (and user_id, where an old load kept it)
--   staging.orders.user_id        the stand-in erased:<user_key> (the facts' key is unchanged)
--   private.customer_pii          the user's row deleted
--   private.order_shipping        the user's orders' rows deleted
--   audit.bad_records             record and detail: personal fields, the id and the user's known values
-- Facts, dimensions and marts hold only the user key and stay as they are. One audit.erasures row per user
-- (request, key, login, rows changed per table). Returns the tables changed (leaf partitions), to vacuum.
-- A second run finds nothing left to change and records that.
-- every line of p_values (newline-separated) removed from p_text
create or replace function private.replace_values(p_text text, p_values text) returns text
language plpgsql immutable strict parallel safe
as $$
declare
    out text := p_text;
    v text;
begin
    foreach v in array string_to_array(p_values, E'\n') loop
        if v <> '' then
            out := replace(out, v, '');
        end if;
    end loop;
    return out;
end
$$;

create or replace function private.erase_users(p_user_ids text[], p_request_id text, p_run_id text)
returns setof text
language plpgsql
as $$
declare
    id_in_json constant text := '"user_id"[[:space:]]*:[[:space:]]*"((?:[^"\\]|\\.)*)"';
begin
    create temporary table erasure_targets on commit drop as
    select distinct u.user_id, private.user_key(u.user_id) as user_key
    from unnest(p_user_ids) u(user_id)
    where u.user_id <> '' and left(u.user_id, 7) <> 'erased:';

    create temporary table erasure_changes (user_key text, relation text, rows bigint) on commit drop;

    insert into private.erased_users (user_key, first_request_id)
    select user_key, p_request_id from erasure_targets
    on conflict (user_key) do nothing;

    -- the users' orders (staging holds the latest state, the facts every order ever loaded) and the personal
    -- values known for them, to find in quarantined free text
    create temporary table erasure_orders on commit drop as
    select s.order_id, t.user_key from staging.orders s join erasure_targets t on t.user_id = s.user_id
    union
    select f.order_id, f.user_key from warehouse.fact_orders f join erasure_targets t on t.user_key = f.user_key;

    create temporary table erasure_values on commit drop as
    select t.user_key, v.value
    from erasure_targets t
    join private.customer_pii p on p.user_id = t.user_id or p.user_key = t.user_key
    cross join lateral unnest(array[p.email, p.first_name, p.last_name, p.phone, p.city]) v(value)
    where length(v.value) >= 3
    union
    select o.user_key, v.value
    from erasure_orders o
    join private.order_shipping s using (order_id)
    cross join lateral unnest(array[s.city, s.postal_code]) v(value)
    where length(v.value) >= 3;

    with changed as (
        update raw.orders r
        set record = private.redact_record(r.record, t.user_id, t.user_key, false)
        from erasure_targets t
        where substring(r.record from id_in_json) = t.user_id
        returning r.tableoid::regclass::text as relation, t.user_key
    )
    insert into erasure_changes select user_key, relation, count(*) from changed group by 1, 2;

    with changed as (
        update raw.customers r
        set record = private.redact_record(r.record, t.user_id, t.user_key, false)
        from erasure_targets t
        where substring(r.record from id_in_json) = t.user_id
        returning r.tableoid::regclass::text as relation, t.user_key
    )
    insert into erasure_changes select user_key, relation, count(*) from changed group by 1, 2;

    with changed as (
        update raw.events r
        set user_id = case when r.user_id is null then null else private.erased_user_id(t.user_key) end,
            record = private.redact_record(r.record, t.user_id, t.user_key)
        from erasure_targets t
        where (r.user_id = t.user_id or strpos(r.record, t.user_id) > 0)
          and private.redact_record(r.record, t.user_id, t.user_key) <> r.record
        returning r.tableoid::regclass::text as relation, t.user_key
    )
    insert into erasure_changes select user_key, relation, count(*) from changed group by 1, 2;

    with changed as (
        update staging.orders s
        set user_id = private.erased_user_id(t.user_key)
        from erasure_targets t
        where s.user_id = t.user_id
        returning s.tableoid::regclass::text as relation, t.user_key
    )
    insert into erasure_changes select user_key, relation, count(*) from changed group by 1, 2;

    with changed as (
        delete from private.order_shipping s
        using erasure_orders o
        where s.order_id = o.order_id
        returning s.tableoid::regclass::text as relation, o.user_key
    )
    insert into erasure_changes select user_key, relation, count(*) from changed group by 1, 2;

    with changed as (
        delete from private.customer_pii p
        using erasure_targets t
        where p.user_id = t.user_id or p.user_key = t.user_key
        returning p.tableoid::regclass::text as relation, t.user_key
    )
    insert into erasure_changes select user_key, relation, count(*) from changed group by 1, 2;

    -- quarantined records: the id anywhere in the text, as a token
    with hits as (
        select distinct on (b.bad_record_id) b.bad_record_id, t.user_id, t.user_key
        from audit.bad_records b
        join erasure_targets t on strpos(b.record || ' ' || b.detail, t.user_id) > 0
        where private.redact_record(b.record || ' ' || b.detail, t.user_id, t.user_key)
              <> b.record || ' ' || b.detail
        order by b.bad_record_id, t.user_id
    ),
    redacted as (
        select h.bad_record_id, h.user_key,
               private.redact_record(b.record, h.user_id, h.user_key) as record,
               private.redact_record(b.detail, h.user_id, h.user_key) as detail
        from hits h
        join audit.bad_records b using (bad_record_id)
    ),
    scrubbed as (
        -- and the user's known personal values, in that user's own records only
        select r.bad_record_id, r.user_key,
               coalesce((select string_agg(v.value, E'\n') from erasure_values v where v.user_key = r.user_key), '')
                   as known,
               r.record, r.detail
        from redacted r
    ),
    changed as (
        update audit.bad_records b
        set record = private.replace_values(s.record, s.known),
            detail = private.replace_values(s.detail, s.known)
        from scrubbed s
        where b.bad_record_id = s.bad_record_id
        returning b.tableoid::regclass::text as relation, s.user_key
    )
    insert into erasure_changes select user_key, relation, count(*) from changed group by 1, 2;

    insert into audit.erasures (request_id, user_key, run_id, rows_changed)
    select p_request_id, t.user_key, p_run_id,
           coalesce((select jsonb_object_agg(c.relation, c.rows) from erasure_changes c
                     where c.user_key = t.user_key), '{}'::jsonb)
    from erasure_targets t;

    return query select distinct c.relation from erasure_changes c where c.rows > 0;
end
$$;
comment on function private.erase_users(text[], text, text) is
    'erases users'' personal values from every layer, registers them, records audit.erasures; tables changed';
