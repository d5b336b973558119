// Orders fact loader. The facts of load D are exactly the orders whose staging state load D set: delete
// what D loaded before and the older states those orders replaced, then insert. Every order date whose
// facts changed (old and new) is queued for compute_daily_metrics. Dimension keys are chosen as of order_ts,
// with inferred members for products and customers no snapshot has shown yet.
#include "load_fact_orders.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/logging.hpp"

namespace ecomm {

namespace {

// $1 = load date
constexpr const char* stage_load = R"sql(
create temporary table tmp_fact_load on commit drop as
select s.*,
       (s.order_ts at time zone 'UTC')::date as order_date,
       private.user_key(s.user_id) as user_key
from staging.orders s
where s.load_date = $1::date;

analyze tmp_fact_load;

)sql";

// $1 = load date. Runs after ensure_members: take dimension locks before locking any fact row.
constexpr const char* clear_previous = R"sql(
create temporary table tmp_touched_dates (order_date date) on commit drop;

-- what an earlier run of this load date wrote
with gone as (
    delete from warehouse.fact_orders where load_date = $1::date returning order_date
)
insert into tmp_touched_dates select distinct order_date from gone;
delete from warehouse.fact_order_lines where load_date = $1::date;

-- older states, loaded by other load dates, that this load's states replace
with gone as (
    delete from warehouse.fact_orders f
    using tmp_fact_load t
    where t.replaced_earlier and f.order_id = t.order_id
    returning f.order_date
)
insert into tmp_touched_dates select distinct order_date from gone;
delete from warehouse.fact_order_lines f
using tmp_fact_load t
where t.replaced_earlier and f.order_id = t.order_id;

insert into tmp_touched_dates select distinct order_date from tmp_fact_load;
)sql";

constexpr const char* ensure_members = R"sql(
select warehouse.ensure_month_partitions('warehouse.fact_orders', min(order_date), max(order_date)),
       warehouse.ensure_month_partitions('warehouse.fact_order_lines', min(order_date), max(order_date))
from tmp_fact_load
having count(*) > 0;

select warehouse.ensure_inferred_customers(array(select distinct user_key from tmp_fact_load));

select warehouse.ensure_inferred_products(array(
    select distinct l.product_id
    from staging.order_lines l
    join tmp_fact_load t using (order_id)
));
)sql";

// Keys as of order_ts: a range join finds the version covering the timestamp; the rare fact outside every
// version (after a product was closed) falls back to the dimension's own rule (its latest earlier version).
constexpr const char* insert_facts = R"sql(
create temporary table tmp_fact_customer on commit drop as
select t.order_id,
       coalesce(c.customer_key, warehouse.customer_key_at(t.user_key, t.order_ts)) as customer_key
from tmp_fact_load t
left join warehouse.dim_customer c
  on c.user_key = t.user_key and t.order_ts >= c.valid_from and t.order_ts < c.valid_to;

analyze tmp_fact_customer;

insert into warehouse.fact_orders (
    order_id, order_date, date_key, order_ts, updated_at, customer_key, user_key, status,
    is_cancelled_or_refunded, channel, currency, payment_method, payment_amount, revenue, units, line_count,
    ship_country, ship_region, load_date)
select t.order_id, t.order_date, to_char(t.order_date, 'YYYYMMDD')::integer, t.order_ts, t.updated_at,
       k.customer_key, t.user_key, t.status, t.status in ('cancelled', 'refunded'), t.channel, t.currency,
       t.payment_method, t.payment_amount, t.revenue, t.units, t.line_count, t.ship_country, t.ship_region,
       t.load_date
from tmp_fact_load t
join tmp_fact_customer k using (order_id);

insert into warehouse.fact_order_lines (
    order_id, line_number, order_date, date_key, order_ts, product_key, product_id, customer_key, user_key,
    status, is_cancelled_or_refunded, quantity, unit_price, discount, revenue, load_date)
select l.order_id, l.line_number, t.order_date, to_char(t.order_date, 'YYYYMMDD')::integer, t.order_ts,
       coalesce(p.product_key, warehouse.product_key_at(l.product_id, t.order_ts)), l.product_id,
       k.customer_key, t.user_key, t.status, t.status in ('cancelled', 'refunded'), l.quantity, l.unit_price,
       l.discount, l.revenue, t.load_date
from tmp_fact_load t
join tmp_fact_customer k using (order_id)
join staging.order_lines l using (order_id)
left join warehouse.dim_product p
  on p.product_id = l.product_id and t.order_ts >= p.valid_from and t.order_ts < p.valid_to;
)sql";

constexpr const char* queue_dates = R"sql(
insert into warehouse.mart_refresh_queue (load_date, subject, business_date)
select distinct $1::date, 'orders', order_date from tmp_touched_dates
on conflict do nothing
)sql";

}  // namespace

void load_fact_orders(TaskContext& ctx) {
    Connection& db = *ctx.db;
    auto started = std::chrono::steady_clock::now();
    db.exec_script(stage_load, {ctx.date()});
    ctx.counts.rows_read = db.scalar_int("select count(*) from tmp_fact_load");
    // Inferred members first: ensure_inferred_* takes the dimensions' locks (shared), which load_dim_* takes
    // exclusively before it re-points facts; taking them before touching facts keeps one lock order.
    db.exec_script(ensure_members);
    db.exec_script(clear_previous, {ctx.date()});
    db.exec_script(insert_facts);
    ctx.counts.rows_written = db.scalar_int("select count(*) from tmp_fact_load");
    long long lines = db.scalar_int("select count(*) from staging.order_lines l join tmp_fact_load t using (order_id)");
    long long dates = db.exec(queue_dates, {ctx.date()}).affected();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("loaded {} orders and {} order lines into the facts in {:.2f} s ({}); {} order date(s) queued",
                 with_commas(ctx.counts.rows_written), with_commas(lines), secs, rate(ctx.counts.rows_written, secs),
                 dates);
}

}  // namespace ecomm
