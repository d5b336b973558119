-- What marts.customer_summary counted per order date and customer, so a refresh of the queued dates can take
-- their old counts off and put the new ones on without reading any other date's facts: the summary then costs
-- what the day costs, not what history costs. Filled here from the facts, and the summary rebuilt from it once,
-- so both start equal; from then on compute_daily_metrics keeps them equal (sql/marts/customer_summary.sql).
create table warehouse.mart_customer_days (
    order_date date not null,
    user_key   text not null,
    orders     integer not null,           -- orders not cancelled or refunded
    revenue    numeric(14, 2) not null,
    -- a refresh reads and replaces whole order dates; new dates go in at the index's end. No index by user:
    -- one over every date would grow with history and take the day's rows at random places.
    primary key (order_date, user_key)
);
comment on table warehouse.mart_customer_days is
    'one row per order date and customer with an order not cancelled or refunded, as marts.customer_summary counted it';

insert into warehouse.mart_customer_days (order_date, user_key, orders, revenue)
select order_date, user_key, count(*), sum(revenue)
from warehouse.fact_orders
where not is_cancelled_or_refunded
group by order_date, user_key;

delete from marts.customer_summary;

insert into marts.customer_summary (user_key, orders, revenue, first_order_date, last_order_date, as_of_date,
                                    recency_days, r_score, f_score, m_score)
with

as_of as (
    select coalesce(max(load_date), current_date) as as_of_date from warehouse.mart_refresh_queue
),

per_customer as (
    select user_key, sum(orders) as orders, sum(revenue) as revenue,
           min(order_date) as first_order_date, max(order_date) as last_order_date
    from warehouse.mart_customer_days
    group by user_key
)

select
    c.user_key, c.orders, c.revenue, c.first_order_date, c.last_order_date, a.as_of_date,
    a.as_of_date - c.last_order_date,
    ntile(5) over (order by c.last_order_date, c.user_key collate "C"),
    ntile(5) over (order by c.orders, c.user_key collate "C"),
    ntile(5) over (order by c.revenue, c.user_key collate "C")
from per_customer c
cross join as_of a;
