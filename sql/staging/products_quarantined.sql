-- The products whose element of the day's snapshot was quarantined: transform_products copies in those it rejected,
-- and an element extract rejected (not JSON, not UTF-8) names its product by the first "product_id": "..." in
-- its text (null when it names none).
create temporary table products_quarantined (product_id text) on commit drop;
insert into products_quarantined
select substring(record from '"product_id"\s*:\s*"([^"\\]*)"')
from audit.bad_records
where feed = 'products' and stage = 'extract' and load_date = $1::date;
