-- marts.customer_summary, by difference: for the queued order dates, what this mart counted per customer
-- (warehouse.mart_customer_days) comes off and what refresh_order_groups counts now goes on, so no other
-- date's facts are read, however long the history. Any change to a fact queues its old and new order date,
-- so a customer who lost an order (a correction moving it to another customer or date, a cancellation) is
-- among the changed ones. A first or last order date is looked up again only when the refresh took that
-- date away, in the facts' own (user_key, order_date) index. Only orders not cancelled or refunded count;
-- a customer left without one loses the row.
-- The r/f/m scores (ntile(5) over every customer, ties broken by user_key) and recency (from the as-of date:
-- the newest load date the warehouse has seen, so any load order gives the same rows) are global, so every
-- row is ranked and written again: one row per customer, a cost that grows with the customers, not history.
-- The (date, customer) counts that changed: a queued date of an earlier load (an update of one of its orders)
-- keeps almost all of its counts, so only these are aggregated and written (comparing every queued date's
-- counts cost what the history of queued dates costs: on the growth run, every date, every night).
create temporary table refresh_customer_day_changes on commit drop as
with

counted_before as (
    select d.order_date, d.user_key, d.orders, d.revenue
    from warehouse.mart_customer_days d
    where d.order_date in (select order_date from refresh_order_dates)
),

counted_now as (
    select g.order_date, g.user_key, g.orders, g.revenue
    from refresh_order_groups g
    where not g.is_cancelled_or_refunded
),

final as (
    select
        coalesce(n.order_date, b.order_date) as order_date,
        coalesce(n.user_key, b.user_key) as user_key,
        b.orders as orders_before,
        b.revenue as revenue_before,
        n.orders as orders_now,
        n.revenue as revenue_now
    from counted_before b
    full join counted_now n on n.order_date = b.order_date and n.user_key = b.user_key
    where b.orders is distinct from n.orders or b.revenue is distinct from n.revenue
)

select * from final;

-- per changed customer: what comes on and off, and the dates counted now or no longer counted among the changes
-- (a date counted before and now, unchanged, is already within the summary's first and last order date)
create temporary table refresh_customer_changes on commit drop as
select
    user_key,
    sum(coalesce(orders_now, 0) - coalesce(orders_before, 0)) as orders,
    sum(coalesce(revenue_now, 0) - coalesce(revenue_before, 0)) as revenue,
    min(order_date) filter (where orders_now is not null) as first_counted,
    max(order_date) filter (where orders_now is not null) as last_counted,
    min(order_date) filter (where orders_now is null) as first_dropped,
    max(order_date) filter (where orders_now is null) as last_dropped
from refresh_customer_day_changes
group by user_key;

analyze refresh_customer_changes;

delete from warehouse.mart_customer_days d
using refresh_customer_day_changes c
where c.orders_before is not null
  and d.order_date = c.order_date
  and d.user_key = c.user_key;

insert into warehouse.mart_customer_days (order_date, user_key, orders, revenue)
select order_date, user_key, orders_now, revenue_now
from refresh_customer_day_changes
where orders_now is not null;

with

removed as (
    delete from marts.customer_summary
    returning user_key, orders, revenue, first_order_date, last_order_date
),

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
    from removed r
    full join refresh_customer_changes c on c.user_key = r.user_key
),

as_of as (
    select greatest(l.load_date, coalesce(q.max_load_date, l.load_date)) as as_of_date
    from refresh_load l
    cross join (select max(load_date) as max_load_date from warehouse.mart_refresh_queue) q
),

final as (
    select
        c.user_key,
        c.orders,
        c.revenue,
        c.first_order_date,
        c.last_order_date,
        a.as_of_date,
        a.as_of_date - c.last_order_date as recency_days,
        ntile(5) over (order by c.last_order_date, c.user_key collate "C") as r_score,
        ntile(5) over (order by c.orders, c.user_key collate "C") as f_score,
        ntile(5) over (order by c.revenue, c.user_key collate "C") as m_score
    from customers c
    cross join as_of a
    where c.orders > 0
)

insert into marts.customer_summary (user_key, orders, revenue, first_order_date, last_order_date, as_of_date,
                                    recency_days, r_score, f_score, m_score)
select * from final;
