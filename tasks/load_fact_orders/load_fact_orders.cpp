// Orders fact loader. The facts of load D are exactly the orders whose staging state load D set: delete
// what D loaded before and the older states those orders replaced, then load. Every order date whose
// facts changed (old and new) is queued for compute_daily_metrics. Dimension keys are chosen as of order_ts,
// with inferred members for products and customers no snapshot has shown yet.
//
// The fact rows are computed by one query on a second connection and streamed by binary COPY into the fact
// tables on the task's connection (relay_copy): the joins run on one server process while the other writes,
// and the task's transaction stays the only writer of facts. A month holding at least --bulk-min-orders of the
// load's orders gets a sub-partition of its own for the load, written by COPY FREEZE into a new table that is
// attached afterwards (its indexes built in one sort each); the rest goes through the parent tables.
#include "load_fact_orders.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/copy.hpp"
#include "common/logging.hpp"

namespace ecomm {

namespace {

// Shared dimension locks first, held to commit: load_dim_product and load_dim_customer take
// them exclusively before they re-point facts, so no re-versioning lands between reading keys and committing.
constexpr const char* lock_dimensions = R"sql(
select pg_advisory_xact_lock_shared(hashtextextended('ecomm:dim_product', 0)),
       pg_advisory_xact_lock_shared(hashtextextended('ecomm:dim_customer', 0))
)sql";

// $1 = load date. On the reader connection, committed on their own: the key query there must see them.
// Inferred members are idempotent placeholders (a rerun makes the same ones), so they need not wait for the
// facts' transaction.
// $1 = load date. The load's users with their pseudonymous key, hashed once per user, as a table with
// statistics: as a CTE the planner guesses 200 rows and hashes the million orders against it instead.
constexpr const char* load_users = R"sql(
create temporary table load_users as
select u.user_id, private.user_key(u.user_id) as user_key
from (select distinct s.user_id from staging.orders s where s.load_date = $1::date) u;

analyze load_users;
)sql";

constexpr const char* ensure_customers = R"sql(
select warehouse.ensure_inferred_customers(array(select user_key from load_users))
)sql";

constexpr const char* ensure_products = R"sql(
select warehouse.ensure_inferred_products(array(
    select distinct l.product_id
    from staging.order_lines l
    where l.load_date = $1::date))
)sql";

// $1 = load date
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
    using staging.orders s
    where s.load_date = $1::date and s.replaced_earlier and f.order_id = s.order_id
    returning f.order_date
)
insert into tmp_touched_dates select distinct order_date from gone;
delete from warehouse.fact_order_lines f
using staging.orders s
where s.load_date = $1::date and s.replaced_earlier and f.order_id = s.order_id;

insert into tmp_touched_dates select order_date from load_order_dates;
)sql";

// The load's orders with their order date, pseudonymous user and customer key as of order_ts. A range join
// finds the version covering the timestamp; a fact outside every version (after a customer's closing) falls
// back to the dimension's own rule (its latest earlier version). `load_date` is quoted into the text: a COPY
// statement takes no parameters.
std::string load_orders_ctes(const std::string& load_date) {
    return R"sql(
with

load as (
    select s.*, (s.order_ts at time zone 'UTC')::date as order_date
    from staging.orders s
    where s.load_date = )sql" + load_date + R"sql(
),

keyed as (
    select t.*, u.user_key,
           coalesce(c.customer_key, warehouse.customer_key_at(u.user_key, t.order_ts)) as customer_key,
           (extract(year from t.order_date) * 10000 + extract(month from t.order_date) * 100
            + extract(day from t.order_date))::integer as date_key
    from load t
    join load_users u using (user_id)
    left join warehouse.dim_customer c
      on c.user_key = u.user_key and t.order_ts >= c.valid_from and t.order_ts < c.valid_to
)
)sql";
}

constexpr const char* fact_orders_columns =
    "order_id, order_date, date_key, order_ts, updated_at, customer_key, user_key, status, is_cancelled_or_refunded, "
    "channel, currency, payment_method, payment_amount, revenue, units, line_count, ship_country, ship_region, "
    "load_date";

// `months` filters the rows on t.order_date (a SQL condition).
std::string select_fact_orders(const std::string& load_date, const std::string& months) {
    return "copy (" + load_orders_ctes(load_date) + R"sql(
select t.order_id, t.order_date, t.date_key, t.order_ts, t.updated_at, t.customer_key, t.user_key, t.status,
       t.status in ('cancelled', 'refunded'), t.channel, t.currency, t.payment_method, t.payment_amount, t.revenue,
       t.units, t.line_count, t.ship_country, t.ship_region, t.load_date
from keyed t
where )sql" + months + R"sql(
) to stdout)sql";
}

constexpr const char* fact_lines_columns =
    "order_id, line_number, order_date, date_key, order_ts, product_key, product_id, customer_key, user_key, status, "
    "is_cancelled_or_refunded, quantity, unit_price, discount, revenue, load_date";

std::string select_fact_lines(const std::string& load_date, const std::string& months) {
    return "copy (" + load_orders_ctes(load_date) + R"sql(
select l.order_id, l.line_number, t.order_date, t.date_key, t.order_ts,
       coalesce(p.product_key, warehouse.product_key_at(l.product_id, t.order_ts)), l.product_id,
       t.customer_key, t.user_key, t.status, t.status in ('cancelled', 'refunded'), l.quantity, l.unit_price,
       l.discount, l.revenue, t.load_date
from keyed t
join staging.order_lines l on l.order_id = t.order_id and l.load_date = )sql" + load_date + R"sql(
left join warehouse.dim_product p
  on p.product_id = l.product_id and t.order_ts >= p.valid_from and t.order_ts < p.valid_to
where )sql" + months + R"sql(
) to stdout)sql";
}

struct FactTable {
    const char* name;
    const char* columns;
    std::string (*select)(const std::string& load_date, const std::string& months);
};

constexpr const char* queue_dates = R"sql(
insert into warehouse.mart_refresh_queue (load_date, subject, business_date)
select distinct $1::date, 'orders', order_date from tmp_touched_dates
on conflict do nothing
)sql";

}  // namespace

void load_fact_orders(TaskContext& ctx, const LoadFactOrdersOptions& options) {
    Connection& db = *ctx.db;
    auto started = std::chrono::steady_clock::now();
    const std::vector<std::optional<std::string>> date{ctx.date()};
    db.exec(lock_dimensions);

    // the load's order dates, in one scan: the dates to queue, and per month the partitions it needs and
    // which months are bulk
    db.exec("create temporary table load_order_dates on commit drop as "
            "select (order_ts at time zone 'UTC')::date as order_date, count(*) as orders "
            "from staging.orders where load_date = $1::date group by 1",
            date);
    auto months = db.exec("select date_trunc('month', order_date)::date::text, sum(orders) "
                          "from load_order_dates group by 1 order by 1");
    std::vector<std::string> bulk_months;
    for (int i = 0; i < months.rows(); ++i) {
        ctx.counts.rows_read += months.integer(i, 1);
        if (months.integer(i, 1) >= options.bulk_min_orders) bulk_months.push_back(months.text(i, 0));
    }
    if (months.rows() > 0) {
        db.exec("select warehouse.ensure_month_partitions('warehouse.fact_orders', $1::date, $2::date), "
                "warehouse.ensure_month_partitions('warehouse.fact_order_lines', $1::date, $2::date)",
                {months.text(0, 0), months.text(months.rows() - 1, 0)});
    }

    Connection reader(ctx.options.dsn, ctx.task + "_reader");
    // the key joins hash a million rows: in memory, without JIT compilation (it costs more than it saves here),
    // and never as a nested loop over the dimension's version ranges when statistics lag behind a big load
    reader.exec("set work_mem = '256MB'");
    reader.exec("set jit = off");
    reader.exec("set enable_nestloop = off");
    // never a merge join: it sorts a million rows before the first reaches the loader
    reader.exec("set enable_mergejoin = off");
    reader.exec_script(load_users, {ctx.date()});
    long long inferred = reader.scalar_int(ensure_customers);
    inferred += reader.scalar_int(ensure_products, date);
    // fresh statistics (sampled: cheap at any size): with a dimension's estimate stale after a load or new
    // inferred members, the planner hashes the million fact rows against it instead of the dimension
    reader.exec("analyze warehouse.dim_customer");
    reader.exec("analyze warehouse.dim_product");

    db.exec_script(clear_previous, {ctx.date()});
    const std::string day = db.quote_literal(ctx.date()) + "::date";
    auto tick = [&] { ctx.check_interrupted(); };
    auto load_table = [&](const FactTable& table) {
        auto t0 = std::chrono::steady_clock::now();
        long long rows = 0;
        std::string rest = "true";  // the rows no bulk month took
        int handled = 0;
        for (const auto& month : bulk_months) {
            const std::vector<std::optional<std::string>> args{table.name, month, ctx.date()};
            auto fresh = db.exec("select warehouse.begin_bulk_load($1::regclass, $2::date, $3::date)", args).text(0, 0);
            if (fresh.empty()) continue;  // a rerun: the load's sub-partition exists (emptied above)
            const std::string in_month = "t.order_date >= " + db.quote_literal(month) + "::date and t.order_date < (" +
                                         db.quote_literal(month) + "::date + interval '1 month')";
            rows += relay_copy(reader, table.select(day, in_month), db,
                               "copy " + fresh + " (" + table.columns + ") from stdin", tick, /*freeze=*/true);
            auto copied = std::chrono::steady_clock::now();
            db.exec("select warehouse.end_bulk_load($1::regclass, $2::date, $3::date)", args);
            spdlog::debug("{}: month {} copied in {:.2f} s, attached with its indexes in {:.2f} s", table.name, month,
                          std::chrono::duration<double>(copied - t0).count(),
                          std::chrono::duration<double>(std::chrono::steady_clock::now() - copied).count());
            rest += " and not (" + in_month + ")";
            ++handled;
        }
        if (handled < months.rows())  // some month's rows are still to load (the others, or a rerun's)
            rows += relay_copy(reader, table.select(day, rest), db,
                               "copy " + std::string(table.name) + " (" + table.columns + ") from stdin", tick);
        spdlog::debug("{}: {} rows in {:.2f} s ({} bulk month(s))", table.name, with_commas(rows),
                      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                      bulk_months.size());
        return rows;
    };
    ctx.counts.rows_written = load_table({"warehouse.fact_orders", fact_orders_columns, select_fact_orders});
    long long lines = load_table({"warehouse.fact_order_lines", fact_lines_columns, select_fact_lines});
    long long dates = db.exec(queue_dates, date).affected();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("loaded {} orders and {} order lines into the facts in {:.2f} s ({}); {} inferred member(s); "
                 "{} order date(s) queued",
                 with_commas(ctx.counts.rows_written), with_commas(lines), secs, rate(ctx.counts.rows_written, secs),
                 inferred, dates);
}

}  // namespace ecomm
