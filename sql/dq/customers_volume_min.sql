-- The customers records landed for the load date, raw rows + records quarantined at extract (before raw):
-- at least one when the feed dropped.
select raw_rows + quarantined_before_raw from dq_landed_customers
