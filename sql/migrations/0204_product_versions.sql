-- The SCD2 versions of every product, computed from the whole set of snapshots: a pure function of that set,
-- so snapshots loaded in any order, or reloaded, give the same versions. load_dim_product reconciles
-- warehouse.dim_product with it.
create view staging.product_versions as
with snapshot_dates as (
    select distinct snapshot_date from staging.products_snapshot
),

first_seen as (
    select product_id, min(snapshot_date) as first_date
    from staging.products_snapshot
    group by product_id
),

-- every snapshot from the product's first appearance on, with the product present or absent
grid as (
    select
        f.product_id,
        d.snapshot_date,
        s.product_id is not null as present,
        s.name, s.category, s.subcategory, s.brand, s.price, s.supplier_id, s.active
    from first_seen f
    join snapshot_dates d on d.snapshot_date >= f.first_date
    left join staging.products_snapshot s
        on s.product_id = f.product_id and s.snapshot_date = d.snapshot_date
),

-- a version starts where the product is present after an absence, or its tracked attributes changed
flagged as (
    select
        g.*,
        g.present and (
            not coalesce(lag(g.present) over w, false)
            or row(g.price, g.category, g.subcategory, g.brand, g.active) is distinct from
               row(lag(g.price) over w, lag(g.category) over w, lag(g.subcategory) over w,
                   lag(g.brand) over w, lag(g.active) over w)
        ) as starts_version,
        lead(g.snapshot_date) over w as next_snapshot_date
    from grid g
    window w as (partition by g.product_id order by g.snapshot_date)
),

numbered as (
    select
        f.*,
        count(*) filter (where f.starts_version)
            over (partition by f.product_id order by f.snapshot_date) as version_no
    from flagged f
),

-- present rows of a version are contiguous: the first opens it, the snapshot after the last closes it
versions as (
    select product_id, version_no, min(snapshot_date) as first_date, max(snapshot_date) as last_date
    from numbered
    where present
    group by product_id, version_no
),

final as (
    select
        v.product_id,
        v.version_no,
        last.name, last.category, last.subcategory, last.brand, last.price, last.supplier_id, last.active,
        case when v.version_no = 1 then '-infinity'::timestamptz
             else v.first_date::timestamp at time zone 'UTC' end as valid_from,
        coalesce(last.next_snapshot_date::timestamp at time zone 'UTC', 'infinity') as valid_to,
        last.next_snapshot_date is null as is_current
    from versions v
    join numbered last on last.product_id = v.product_id and last.snapshot_date = v.last_date
)

select * from final;
comment on view staging.product_versions is
    'one row per product version derived from all snapshots (non-tracked attributes from its last snapshot)';
