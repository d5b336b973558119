-- $1 = a chunk of the day's order ids (text[]), sent while the day is still being parsed; $2 = the greatest id
-- staging's orders or shipping rows hold, read once before (orders_greatest_id.sql). For each id staging knows:
-- the state it holds (null when only a shipping row is left) and whether a shipping row exists (one can outlive
-- its staging row when staging is rebuilt from raw): those are replaced, the others inserted. The day's winners
-- are compared with the states in C++. Primary-key probes, so the lookup costs what the day costs, whatever
-- history holds and whatever shape the ids have; ids past the greatest known one (ids that grow with time: most
-- of a day's) are new without a probe, compared in the database's collation like the keys.
select i.order_id,
       (extract(epoch from s.updated_at) * 1000000)::bigint as updated_at_us,
       s.load_date::text as load_date,
       s.source_file,
       s.line_no,
       p.order_id is not null as has_shipping
from unnest($1::text[]) as i (order_id)
left join staging.orders s on s.order_id = i.order_id
left join private.order_shipping p on p.order_id = i.order_id
where i.order_id <= $2::text
  and (s.order_id is not null or p.order_id is not null)
