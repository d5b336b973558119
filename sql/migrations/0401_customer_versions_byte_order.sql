-- Restates staging.customer_versions (0210) with the tie-break on source_file in byte order (collate "C"): the
-- later file name must not depend on the server's locale (docs/DATA_CONTRACT.md, arrival order).
create or replace view staging.customer_versions as
with changes as (
    -- one change per user and instant: on a tie, the later arrival (load date, file, line) wins
    select distinct on (user_key, updated_at) *
    from staging.customers_changes
    order by user_key, updated_at, load_date desc, source_file collate "C" desc, line_no desc
),

-- a version starts at an upsert after nothing or a delete, or one that changes a tracked attribute
flagged as (
    select
        c.*,
        c.op = 'upsert' and (
            lag(c.op) over w is null
            or lag(c.op) over w = 'delete'
            or row(c.segment, c.country, c.region, c.city_fingerprint) is distinct from
               row(lag(c.segment) over w, lag(c.country) over w, lag(c.region) over w,
                   lag(c.city_fingerprint) over w)
        ) as starts_version
    from changes c
    window w as (partition by c.user_key order by c.updated_at)
),

numbered as (
    select
        f.*,
        count(*) filter (where f.starts_version)
            over (partition by f.user_key order by f.updated_at) as version_no
    from flagged f
),

-- deletes before any upsert (version 0) close nothing
versions as (
    select
        user_key,
        version_no,
        min(updated_at) as started_at,
        max(updated_at) filter (where op = 'upsert') as last_upsert_at,
        min(updated_at) filter (where op = 'delete') as deleted_at
    from numbered
    where version_no > 0
    group by user_key, version_no
),

bounded as (
    select
        v.*,
        lead(v.started_at) over (partition by v.user_key order by v.version_no) as next_started_at
    from versions v
),

final as (
    select
        b.user_key,
        b.version_no,
        last.segment, last.country, last.region, last.city_fingerprint, last.signup_ts, last.marketing_opt_in,
        case when b.version_no = 1 then '-infinity'::timestamptz else b.started_at end as valid_from,
        coalesce(b.deleted_at, b.next_started_at, 'infinity') as valid_to,
        b.deleted_at is null and b.next_started_at is null as is_current,
        b.deleted_at is not null as is_deleted
    from bounded b
    join numbered last on last.user_key = b.user_key and last.updated_at = b.last_upsert_at
)

select * from final;
comment on view staging.customer_versions is
    'one row per customer version derived from all changes (non-tracked attributes from its last upsert)';
