-- Percent of the customers records landed for the load date that carry every required field (not quarantined
-- as missing_field).
select round(
    100.0 * (raw_rows + quarantined_before_raw - missing_field) / nullif(raw_rows + quarantined_before_raw, 0), 4
)
from dq_landed_customers
