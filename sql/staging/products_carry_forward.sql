-- A product whose element was quarantined keeps its row of the previous snapshot, carried into $1's and marked
-- with the date it came from, so a bad element never closes its product; every product missing from $1's
-- snapshot is kept when $2 (some quarantined element's product cannot be told).
insert into staging.products_snapshot (snapshot_date, product_id, name, category, subcategory, brand, price,
                                       supplier_id, active, updated_at, source_file, line_no, carried_from)
with

previous_snapshot as (
    select p.*
    from staging.products_snapshot p
    where p.snapshot_date = (select max(snapshot_date) from staging.products_snapshot where snapshot_date < $1::date)
),

carried as (
    select p.*
    from previous_snapshot p
    where ($2::boolean or p.product_id in (select product_id from products_quarantined))
      and not exists (
          select 1 from staging.products_snapshot s where s.snapshot_date = $1::date and s.product_id = p.product_id
      )
),

final as (
    select $1::date, product_id, name, category, subcategory, brand, price, supplier_id, active, updated_at,
           source_file, line_no, coalesce(carried_from, snapshot_date)
    from carried
)

select * from final
