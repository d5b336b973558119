-- Percent of the products records landed for the load date that are valid (not quarantined at any stage):
-- (landed - quarantined) / landed, landed = raw rows + records quarantined before reaching raw.
select round(
    100.0 * (raw_rows + quarantined_before_raw - quarantined) / nullif(raw_rows + quarantined_before_raw, 0), 4
)
from dq_landed_products
