-- dim_target for load_dim_product: the SCD2 versions of the products in dim_scope, from every snapshot since
-- each one's first appearance, a pure function of the staged snapshots, so snapshots loaded in any order, or
-- reloaded, give the same versions.
create temporary table dim_target on commit drop as
with recursive snapshot_dates as (
    -- the distinct dates by one index probe each (a plain distinct would read every snapshot row)
    select min(snapshot_date) as snapshot_date from staging.products_snapshot
    union all
    select (select min(s.snapshot_date) from staging.products_snapshot s where s.snapshot_date > d.snapshot_date)
    from snapshot_dates d
    where d.snapshot_date is not null
),

scope_snapshots as (
    select s.*
    from staging.products_snapshot s
    join dim_scope p on p.id = s.product_id
),

first_seen as (
    select product_id, min(snapshot_date) as first_date
    from scope_snapshots
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
    left join scope_snapshots s
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
        last.name, last.category, last.subcategory, last.brand, last.price, last.supplier_id, last.active,
        case when v.version_no = 1 then '-infinity'::timestamptz
             else v.first_date::timestamp at time zone 'UTC' end as valid_from,
        coalesce(last.next_snapshot_date::timestamp at time zone 'UTC', 'infinity') as valid_to,
        last.next_snapshot_date is null as is_current
    from versions v
    join numbered last on last.product_id = v.product_id and last.snapshot_date = v.last_date
)

select final.*, false as is_inferred from final;

-- members of the scope with no real version become (or stay) one inferred member, as a fact loader makes it
insert into dim_target (product_id, name, category, subcategory, brand, price, supplier_id, active, valid_from,
                        valid_to, is_current, is_inferred)
select distinct d.product_id, null, 'Unknown', 'Unknown', 'Unknown', null::numeric, null, null::boolean,
       '-infinity'::timestamptz, 'infinity'::timestamptz, true, true
from warehouse.dim_product d
join dim_scope s on s.id = d.product_id
where not exists (select 1 from dim_target t where t.product_id = d.product_id);
