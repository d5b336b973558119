-- marts.customer_summary, refreshed whole: the r/f/m scores are ntile(5) rankings over all customers and
-- recency is measured from the as-of date, so one new order can move every customer's row; a per-user
-- refresh would leave the others' scores stale. It is one pass over fact_orders (order grain), grouped by user.
-- Only orders not cancelled or refunded count. as_of_date is the newest load date the warehouse has seen
-- (the run's load date, or a later one already loaded), so loading days in any order gives the same rows.
-- Ties in a ranking are broken by user_key, so the scores are deterministic.
delete from marts.customer_summary;

insert into marts.customer_summary (user_key, orders, revenue, first_order_date, last_order_date, as_of_date,
                                    recency_days, r_score, f_score, m_score)
with

as_of as (
    select greatest(r.load_date, coalesce(q.max_load_date, r.load_date)) as as_of_date
    from refresh_load r
    cross join (select max(load_date) as max_load_date from warehouse.mart_refresh_queue) q
),

sales as (
    select f.user_key, f.order_date, f.revenue
    from warehouse.fact_orders f
    where not f.is_cancelled_or_refunded
),

per_customer as (
    select
        user_key,
        count(*) as orders,
        sum(revenue) as revenue,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date
    from sales
    group by user_key
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
    from per_customer c
    cross join as_of a
)

select * from final;
