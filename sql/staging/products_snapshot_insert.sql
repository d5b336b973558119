-- The snapshot of $1: a product listed twice in it keeps its newest updated_at, then the later file and line.
insert into staging.products_snapshot (snapshot_date, product_id, name, category, subcategory, brand, price,
                                       supplier_id, active, updated_at, source_file, line_no)
select distinct on (product_id)
       $1::date, product_id, name, category, subcategory, brand, price, supplier_id, active, updated_at,
       source_file, line_no
from products_in
order by product_id, updated_at desc, source_file collate "C" desc, line_no desc
