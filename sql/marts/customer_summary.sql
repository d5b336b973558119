-- marts.customer_summary, by difference: for the queued order dates, what this mart counted per customer
-- (warehouse.mart_customer_days) comes off and what refresh_order_groups counts now goes on, so no other
-- date's facts are read, however long the history. Any change to a fact queues its old and new order date,
-- so a customer who lost an order (a correction moving it to another customer or date, a cancellation) is
-- among the changed ones. A first or last order date is looked up again only when the refresh took that
-- date away, in the facts' own (user_key, order_date) index. Only orders not cancelled or refunded count;
-- a customer left without one loses the row.
-- The summary's rows themselves are written by the task from customer_rows.sql, which reads the changes this
-- file leaves in refresh_customer_changes.
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

-- the summary's new rows, which compute_daily_metrics ranks from customer_rows.sql and copies in here before
-- customer_summary_write.sql writes them into the mart
create temporary table refresh_customer_rows (like marts.customer_summary including defaults) on commit drop
