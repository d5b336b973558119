-- The months of the load's order dates (load_order_dates) and their orders: the partitions the load needs,
-- and which months are bulk (a sub-partition of their own for the load).
select date_trunc('month', order_date)::date::text, sum(orders)
from load_order_dates
group by 1
order by 1
