-- $1 = a chunk of the day's order ids (text[]), sent while the day is still being parsed. For each id staging
-- knows: the state it holds (null when only a shipping row is left) and whether a shipping row exists (one can
-- outlive its staging row when staging is rebuilt from raw): those are replaced, the others inserted. The day's
-- winners are compared with the states in C++; primary-key probes, so the lookup costs what the day costs,
-- whatever history holds and whatever shape the ids have (sequential or random UUIDs).
select i.order_id,
       (extract(epoch from s.updated_at) * 1000000)::bigint as updated_at_us,
       s.load_date::text as load_date,
       s.source_file,
       s.line_no,
       p.order_id is not null as has_shipping
from unnest($1::text[]) as i (order_id)
left join staging.orders s on s.order_id = i.order_id
left join private.order_shipping p on p.order_id = i.order_id
where s.order_id is not null or p.order_id is not null
