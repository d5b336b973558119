-- Every customer's row of marts.customer_summary after the changes customer_summary.sql left in
-- refresh_customer_changes (and, with no order left that counts, orders <= 0 and possibly no dates: a
-- customer who loses the row), which compute_daily_metrics streams by binary COPY, ranks (the r/f/m scores are
-- ntile(5) over every customer, ties broken by user_key) and writes back in place of the old rows, with
-- recency_days = as_of_date - last_order_date. The scores and the as-of date (the newest load date the
-- warehouse has seen, so any load order gives the same rows) are global, so every row is written again: one
-- row per customer, a cost that grows with the customers, not history. The server's three window sorts of the
-- rows took half a second at 98,000 customers; the task's take a few tens of milliseconds.
with

-- every customer, old or new, in one hashed full join of the old rows with the changes
customers as (
    select
        coalesce(r.user_key, c.user_key) as user_key,
        coalesce(r.orders, 0) + coalesce(c.orders, 0) as orders,
        coalesce(r.revenue, 0) + coalesce(c.revenue, 0) as revenue,
        case
            when c.first_dropped <= r.first_order_date
                then (select min(f.order_date) from warehouse.fact_orders f
                      where f.user_key = c.user_key and not f.is_cancelled_or_refunded)
            else least(r.first_order_date, c.first_counted)
        end as first_order_date,
        case
            when c.last_dropped >= r.last_order_date
                then (select max(f.order_date) from warehouse.fact_orders f
                      where f.user_key = c.user_key and not f.is_cancelled_or_refunded)
            else greatest(r.last_order_date, c.last_counted)
        end as last_order_date
    from marts.customer_summary r
    full join refresh_customer_changes c on c.user_key = r.user_key
),

as_of as (
    select greatest(l.load_date, coalesce(q.max_load_date, l.load_date)) as as_of_date
    from refresh_load l
    cross join (select max(load_date) as max_load_date from warehouse.mart_refresh_queue) q
)

select
    c.user_key,
    c.orders::bigint,
    c.revenue::numeric(14,2),
    c.first_order_date,
    c.last_order_date,
    a.as_of_date
from customers c
cross join as_of a
