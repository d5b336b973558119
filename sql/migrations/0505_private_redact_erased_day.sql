-- The registry check of every extract and transform: redacts what one load date of one feed just wrote for
-- users in private.erased_users (raw record text and clear ids, quarantined records, private rows), so an
-- erased user's values never come back with a reload of old files or a later change record.
-- Returns the rows it changed. With an empty registry it reads nothing else and returns 0 at once; with
-- erased users it reads only the load date's rows (one hash per row), never the history.
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
        set record = private.redact_record(r.record, u.user_id, u.user_key),
            user_id = case when r.user_id is null then null else private.erased_user_id(u.user_key) end
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
