-- The events records landed for the load date, raw rows + records quarantined at extract (before raw):
-- not so many that a producer ran away.
select raw_rows + quarantined_before_raw from dq_landed_events
