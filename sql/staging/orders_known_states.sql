-- $1 = a chunk of the day's order ids (text[]). The state staging holds for each, found by primary-key probes:
-- the day's winners are compared with it in C++, so the lookup costs what the day costs, whatever history holds
-- and whatever shape the ids have (sequential or random UUIDs).
select s.order_id,
       (extract(epoch from s.updated_at) * 1000000)::bigint as updated_at_us,
       s.load_date::text as load_date,
       s.source_file,
       s.line_no
from staging.orders s
where s.order_id = any($1::text[])
