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
create temporary table refresh_customer_changes on commit drop as
with

counted_before as (
    select d.order_date, d.user_key, -d.orders as orders, -d.revenue as revenue, false as counted_now
    from warehouse.mart_customer_days d
    where d.order_date in (select order_date from refresh_order_dates)
),

counted_now as (
    select g.order_date, g.user_key, g.orders, g.revenue, true as counted_now
    from refresh_order_groups g
    where not g.is_cancelled_or_refunded
),

per_day as (
    select user_key, order_date, sum(orders) as orders, sum(revenue) as revenue, bool_or(counted_now) as counted_now
    from (select * from counted_before union all select * from counted_now) changes
    group by user_key, order_date
),

final as (
    select
        user_key,
        sum(orders) as orders,
        sum(revenue) as revenue,
        min(order_date) filter (where counted_now) as first_counted,
        max(order_date) filter (where counted_now) as last_counted,
        min(order_date) filter (where not counted_now) as first_dropped,
        max(order_date) filter (where not counted_now) as last_dropped
    from per_day
    group by user_key
)

select * from final;

analyze refresh_customer_changes;

-- only the rows that changed are written: a queued date of an earlier load (an update of one of its orders)
-- keeps almost all of its rows, and deleting and inserting them again cost what the history of queued dates
-- costs (on the growth run: every date, every night)
delete from warehouse.mart_customer_days d
where d.order_date in (select order_date from refresh_order_dates)
  and not exists (
      select 1
      from refresh_order_groups g
      where g.order_date = d.order_date
        and g.user_key = d.user_key
        and not g.is_cancelled_or_refunded
        and g.orders = d.orders
        and g.revenue = d.revenue
  );

insert into warehouse.mart_customer_days (order_date, user_key, orders, revenue)
select g.order_date, g.user_key, g.orders, g.revenue
from refresh_order_groups g
where not g.is_cancelled_or_refunded
  and not exists (
      select 1
      from warehouse.mart_customer_days d
      where d.order_date in (select order_date from refresh_order_dates)
        and d.order_date = g.order_date
        and d.user_key = g.user_key
  );

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
