-- The products records landed for the load date ($1), counted once for the volume, validity and completeness
-- rules: rows in raw, and the quarantined ones (before raw, at any stage, for a missing field).
select
    (select count(*) from raw.products where load_date = $1::date) as raw_rows,
    count(*) filter (where b.stage = 'extract') as quarantined_before_raw,
    count(*) as quarantined,
    count(*) filter (where b.reason = 'missing_field') as missing_field
from audit.bad_records b
where b.feed = 'products' and b.load_date = $1::date
