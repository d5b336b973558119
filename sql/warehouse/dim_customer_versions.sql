-- dim_target for load_dim_customer: the SCD2 versions of the users in dim_scope, from all their staged changes,
-- a pure function of that set (each change carries updated_at), so days loaded in any order or reloaded give
-- the same versions.
create temporary table dim_target on commit drop as
with changes as (
    -- one change per user and instant: on a tie, the later arrival (load date, file, line) wins
    select distinct on (c.user_key, c.updated_at) c.*
    from staging.customers_changes c
    join dim_scope s on s.id = c.user_key
    order by c.user_key, c.updated_at, c.load_date desc, c.source_file collate "C" desc, c.line_no desc
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
        last.segment, last.country, last.region, last.signup_ts, last.marketing_opt_in,
        b.deleted_at is not null as is_deleted,
        case when b.version_no = 1 then '-infinity'::timestamptz else b.started_at end as valid_from,
        coalesce(b.deleted_at, b.next_started_at, 'infinity') as valid_to,
        b.deleted_at is null and b.next_started_at is null as is_current
    from bounded b
    join numbered last on last.user_key = b.user_key and last.updated_at = b.last_upsert_at
)

select final.*, false as is_inferred from final;

-- members of the scope with no real version become (or stay) one inferred member, as a fact loader makes it
insert into dim_target (user_key, segment, country, region, signup_ts, marketing_opt_in, is_deleted, valid_from,
                        valid_to, is_current, is_inferred)
select distinct d.user_key, null, null, null, null::timestamptz, null::boolean, false,
       '-infinity'::timestamptz, 'infinity'::timestamptz, true, true
from warehouse.dim_customer d
join dim_scope s on s.id = d.user_key
where not exists (select 1 from dim_target t where t.user_key = d.user_key);
