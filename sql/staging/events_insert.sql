-- The day's first arrivals (day_staged, copied in by the task) into staging.events, in key order. With random ids
-- (UUIDs) the primary key is a B-tree of every event ever staged, larger than the buffer cache after a few nights:
-- rows inserted in the files' order each land on a random leaf, read and dirtied again and again; in key order
-- each leaf is visited once, in turn. Measured at twelve nights of 500,000 UUID events (6M staged, a 441 MB key):
-- 5.6-6.0 s in the files' order, 3.2-3.4 s sorted, the sort included.
insert into staging.events
select * from day_staged
order by event_id
