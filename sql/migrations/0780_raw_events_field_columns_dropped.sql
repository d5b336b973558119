-- raw.events keeps each line and its lineage only: the nine field columns (event_id .. country) have been null
-- for every load landed since raw.event_files (0106), whose header splits the line again. They are dropped,
-- with the second read path that served the loads landed before 0106, once no such load is left: those have
-- no header row, so their lines could no longer be read. Such a load must be landed again from its files
-- first (`extract_events --date D`, then `transform_events --date D`), and this migration rerun.
do $$
declare
    part regclass;
    day date;
    unread text[] := '{}';
begin
    -- a day partition holds one load date, so one row of it tells which; the default partition may hold several
    for part in select i.inhrelid::regclass from pg_inherits i where i.inhparent = 'raw.events'::regclass loop
        for day in execute format(
            case when part = 'raw.events_default'::regclass then 'select distinct load_date from %s'
                 else 'select load_date from %s limit 1' end, part)
        loop
            if not exists (select 1 from raw.event_files f where f.load_date = day) then
                unread := unread || day::text;
            end if;
        end loop;
    end loop;
    if cardinality(unread) > 0 then
        raise exception 'raw.events holds load date(s) landed before raw.event_files (migration 0106): %',
            array_to_string(unread, ', ')
            using hint = 'land each again from its files (extract_events --date D, then transform_events --date D) '
                         'and run migrate again';
    end if;
end
$$;

alter table raw.events
    drop column if exists event_id, drop column if exists user_id, drop column if exists session_id,
    drop column if exists event_type, drop column if exists event_ts, drop column if exists product_id,
    drop column if exists page_url, drop column if exists device, drop column if exists country;

-- The erasure functions (0505, 0506) without the dropped user_id column; otherwise as they were.
create or replace function private.redact_erased_day(p_feed text, p_load_date date, p_stage text) returns bigint
language plpgsql
as $$
declare
    id_in_json constant text := '"user_id"[[:space:]]*:[[:space:]]*"((?:[^"\\]|\\.)*)"';
    changed bigint := 0;
    n bigint;
begin
    if not exists (select 1 from private.erased_users) then
        return 0;
    end if;

    if p_stage = 'extract' and p_feed = 'orders' then
        with hits as (
            select r.source_file, r.line_no, x.user_id, x.user_key
            from raw.orders r
            cross join lateral (select substring(r.record from id_in_json) as user_id) i
            cross join lateral (select i.user_id, private.user_key(i.user_id) as user_key) x
            join private.erased_users e on e.user_key = x.user_key
            where r.load_date = p_load_date and left(x.user_id, 7) <> 'erased:'
        )
        update raw.orders r
        set record = private.redact_record(r.record, h.user_id, h.user_key, false)
        from hits h
        where r.load_date = p_load_date and r.source_file = h.source_file and r.line_no = h.line_no;
        get diagnostics n = row_count;
        changed := changed + n;
    elsif p_stage = 'extract' and p_feed = 'customers' then
        with hits as (
            select r.source_file, r.line_no, x.user_id, x.user_key
            from raw.customers r
            cross join lateral (select substring(r.record from id_in_json) as user_id) i
            cross join lateral (select i.user_id, private.user_key(i.user_id) as user_key) x
            join private.erased_users e on e.user_key = x.user_key
            where r.load_date = p_load_date and left(x.user_id, 7) <> 'erased:'
        )
        update raw.customers r
        set record = private.redact_record(r.record, h.user_id, h.user_key, false)
        from hits h
        where r.load_date = p_load_date and r.source_file = h.source_file and r.line_no = h.line_no;
        get diagnostics n = row_count;
        changed := changed + n;
    elsif p_stage = 'extract' and p_feed = 'events' then
        -- the user_id field of each line, found by its file's header (raw.event_files); one hash per distinct
        -- user of the day, not per event. A line whose quoted fields shift the column is caught by the
        -- transform stage below.
        with fields as (
            select r.source_file, r.line_no,
                   split_part(r.record, ',', array_position(string_to_array(f.header, ','), 'user_id')) as user_id
            from raw.events r
            join raw.event_files f on f.load_date = r.load_date and f.source_file = r.source_file
            where r.load_date = p_load_date
        ),
        users as (
            select u.user_id, u.user_key
            from (select d.user_id, private.user_key(d.user_id) as user_key
                  from (select distinct user_id from fields where user_id <> '' and left(user_id, 7) <> 'erased:') d) u
            join private.erased_users e on e.user_key = u.user_key
        )
        update raw.events r
        set record = private.redact_record(r.record, u.user_id, u.user_key)
        from fields f
        join users u using (user_id)
        where r.load_date = p_load_date and r.source_file = f.source_file and r.line_no = f.line_no;
        get diagnostics n = row_count;
        changed := changed + n;
    elsif p_stage = 'transform' and p_feed = 'events' then
        -- second line of defence: the day's staged events of erased users whose raw line still holds the id
        with hits as (
            select distinct r.source_file, r.line_no, t.token as user_id, s.user_key
            from staging.events s
            join private.erased_users e on e.user_key = s.user_key
            join raw.events r on r.load_date = s.load_date and r.source_file = s.source_file and r.line_no = s.line_no
            cross join lateral regexp_matches(r.record, '[A-Za-z0-9_.@+-]+', 'g') m
            cross join lateral (select m[1] as token) t
            where s.load_date = p_load_date and private.user_key(t.token) = s.user_key
        )
        update raw.events r
        set record = private.redact_record(r.record, h.user_id, h.user_key)
        from hits h
        where r.load_date = p_load_date and r.source_file = h.source_file and r.line_no = h.line_no;
        get diagnostics n = row_count;
        changed := changed + n;
    elsif p_stage = 'transform' and p_feed = 'orders' then
        -- shipping rows of the day's orders of erased users (their raw text was redacted: no clear value
        -- should be here, this is the second line of defence)
        update private.order_shipping p
        set city = null, postal_code = null
        from staging.orders s
        join private.erased_users e on e.user_key = private.user_key(s.user_id)
        where s.load_date = p_load_date and p.order_id = s.order_id
          and (p.city is not null or p.postal_code is not null);
        get diagnostics n = row_count;
        changed := changed + n;
        update staging.orders s
        set user_id = private.erased_user_id(e.user_key)
        from private.erased_users e
        where s.load_date = p_load_date and left(s.user_id, 7) <> 'erased:'
          and e.user_key = private.user_key(s.user_id);
        get diagnostics n = row_count;
        changed := changed + n;
    elsif p_stage = 'transform' and p_feed = 'customers' then
        delete from private.customer_pii p
        using private.erased_users e
        where p.user_key = e.user_key;
        get diagnostics n = row_count;
        changed := changed + n;
    end if;

    -- the stage's quarantined records of the day: any token of a record or its detail may be an erased id
    with hits as (
        select distinct b.bad_record_id, t.token as user_id, e.user_key
        from audit.bad_records b
        cross join lateral regexp_matches(b.record || ' ' || b.detail, '[A-Za-z0-9_.@+-]+', 'g') m
        cross join lateral (select m[1] as token) t
        join private.erased_users e on e.user_key = private.user_key(t.token)
        where b.load_date = p_load_date and b.feed = p_feed and b.stage = p_stage
    )
    update audit.bad_records b
    set record = private.redact_record(b.record, h.user_id, h.user_key),
        detail = private.redact_record(b.detail, h.user_id, h.user_key)
    from hits h
    where b.bad_record_id = h.bad_record_id;
    get diagnostics n = row_count;
    return changed + n;
end
$$;
comment on function private.redact_erased_day(text, date, text) is
    'redacts one feed''s load date (extract or transform stage) for users in private.erased_users; rows changed';

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
        set record = private.redact_record(r.record, t.user_id, t.user_key)
        from erasure_targets t
        where strpos(r.record, t.user_id) > 0
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
