-- $1 = a chunk of the order ids whose state this load sets (text[]). Which of them already have a shipping row
-- (it can outlive its staging row when staging is rebuilt from raw): those are updated, the others inserted.
select p.order_id
from private.order_shipping p
where p.order_id = any($1::text[])
