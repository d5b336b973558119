-- The products whose versions a change of staging.products_snapshot can move, queued by a statement trigger
-- for load_dim_product (as 0760 does for customers): those of the snapshot rows written or removed, and those
-- of the previous snapshot, which the changed snapshot may close or reopen (docs/DESIGN.md, products).
create table staging.products_to_reconcile (
    product_id text primary key
);
comment on table staging.products_to_reconcile is
    'one row per product whose versions may have moved since load_dim_product last reconciled it';

create function staging.queue_products_to_reconcile() returns trigger
language plpgsql
as $$
begin
    if tg_op = 'TRUNCATE' then
        insert into staging.products_to_reconcile
        select distinct product_id from warehouse.dim_product where not is_inferred on conflict do nothing;
        return null;
    end if;
    create temporary table if not exists products_snapshot_moved (snapshot_date date, product_id text)
        on commit drop;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into products_snapshot_moved select snapshot_date, product_id from new_rows;
    end if;
    if tg_op in ('DELETE', 'UPDATE') then
        insert into products_snapshot_moved select snapshot_date, product_id from old_rows;
    end if;
    insert into staging.products_to_reconcile
    with moved_dates as (
        select distinct snapshot_date from products_snapshot_moved
    ),

    previous_snapshots as (
        select (select max(s.snapshot_date) from staging.products_snapshot s
                where s.snapshot_date < m.snapshot_date) as snapshot_date
        from moved_dates m
    ),

    final as (
        select product_id from products_snapshot_moved
        union
        select s.product_id
        from staging.products_snapshot s
        join previous_snapshots p on p.snapshot_date = s.snapshot_date
    )

    select * from final
    on conflict do nothing;
    truncate products_snapshot_moved;
    return null;
end
$$;

create trigger products_snapshot_inserted after insert on staging.products_snapshot
    referencing new table as new_rows for each statement execute function staging.queue_products_to_reconcile();
create trigger products_snapshot_updated after update on staging.products_snapshot
    referencing old table as old_rows new table as new_rows
    for each statement execute function staging.queue_products_to_reconcile();
create trigger products_snapshot_deleted after delete on staging.products_snapshot
    referencing old table as old_rows for each statement execute function staging.queue_products_to_reconcile();
create trigger products_snapshot_truncated after truncate on staging.products_snapshot
    for each statement execute function staging.queue_products_to_reconcile();

-- what is staged today may not be reconciled yet: the first load after this migration reconciles every product
insert into staging.products_to_reconcile
select product_id from staging.products_snapshot
union
select product_id from warehouse.dim_product where not is_inferred;
