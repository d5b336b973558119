// Orders transform. Raw rows stream in over a second connection; valid versions stream out by COPY into
// temporary tables (lines through a spool file, since one connection carries one COPY at a time); one
// set-based merge then keeps, per order, the version with the greatest (updated_at, load_date, source_file,
// line_no). That comparison is commutative and idempotent: any load order, any rerun, the same state.
#include "transform_orders.hpp"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "common/erasure.hpp"
#include "common/copy.hpp"
#include "common/logging.hpp"
#include "common/quarantine.hpp"
#include "common/raw_records.hpp"
#include "order_record.hpp"

namespace ecomm {

namespace {

constexpr const char* create_work_tables = R"sql(
create temporary table tmp_order_versions (
    order_id text, user_id text, order_ts timestamptz, updated_at timestamptz, status text, currency text,
    channel text, payment_method text, payment_amount numeric(12,2), revenue numeric(12,2), units integer,
    line_count integer, ship_country text, ship_region text, ship_city text, ship_postal_code text,
    source_file text, line_no bigint
) on commit drop;
create temporary table tmp_order_version_lines (
    source_file text, line_no bigint, order_id text, line_number integer, product_id text, quantity integer,
    unit_price numeric(12,2), discount numeric(12,2), revenue numeric(12,2)
) on commit drop;
)sql";

// $1 = load date. Picks the day's winner per order, merges it into staging.orders only when it is newer
// than the state there, and records the orders whose state this load set. In two statements, like the events
// merge: INSERT ... ON CONFLICT (speculative insertion) measured about twice as slow as a plain INSERT on a
// million rows, so the winners whose order staging may already hold are compared and updated, and all the
// others are inserted plainly. Two loads of different dates inserting the same new order at once meet on the
// primary key: the second fails (exit 1) and its retry merges.
//
// Only an order_id up to the greatest staging (or the shipping table) holds can be known already: with ids
// that grow with time, as the generator's and most shops' do, that is the day's updates of older orders, and
// the day's new orders are written without looking anything up. The known candidates go into a table with
// statistics (tmp_known_winners), so the planner sees how few they are and looks them up by key instead of
// reading every day staging holds. Random ids all count as candidates and get the plans they had before.
constexpr const char* merge_orders = R"sql(
create temporary table tmp_day_winners on commit drop as
select distinct on (v.order_id) v.*, coalesce(v.order_id <= k.max_id, false) as maybe_known  -- no row yet: none known
from tmp_order_versions v
cross join (
    select greatest((select max(order_id) from staging.orders), (select max(order_id) from private.order_shipping))
        as max_id
) k
order by v.order_id, v.updated_at desc, v.source_file collate "C" desc, v.line_no desc;

analyze tmp_day_winners;

create temporary table tmp_known_winners on commit drop as
select * from tmp_day_winners where maybe_known;

analyze tmp_known_winners;

create temporary table tmp_changed_orders (
    order_id text, source_file text, line_no bigint, replaced_earlier boolean
) on commit drop;

with updated as (
    update staging.orders s set
        user_id = w.user_id, order_ts = w.order_ts, updated_at = w.updated_at, status = w.status,
        currency = w.currency, channel = w.channel, payment_method = w.payment_method,
        payment_amount = w.payment_amount, revenue = w.revenue, units = w.units, line_count = w.line_count,
        ship_country = w.ship_country, ship_region = w.ship_region, load_date = $1::date, replaced_earlier = true,
        source_file = w.source_file, line_no = w.line_no
    from tmp_known_winners w
    where w.order_id = s.order_id
      and (w.updated_at, $1::date, w.source_file collate "C", w.line_no) > (s.updated_at, s.load_date, s.source_file collate "C", s.line_no)
    returning s.order_id, s.source_file, s.line_no, s.replaced_earlier
)
insert into tmp_changed_orders select * from updated;

with added as (
    insert into staging.orders (
        order_id, user_id, order_ts, updated_at, status, currency, channel, payment_method, payment_amount,
        revenue, units, line_count, ship_country, ship_region, load_date, replaced_earlier, source_file, line_no)
    select order_id, user_id, order_ts, updated_at, status, currency, channel, payment_method, payment_amount,
           revenue, units, line_count, ship_country, ship_region, $1::date, false, source_file, line_no
    from tmp_day_winners w
    where not w.maybe_known
       or not exists (select 1 from staging.orders s where s.order_id = w.order_id)
    returning order_id, source_file, line_no, replaced_earlier
)
insert into tmp_changed_orders select * from added;

analyze tmp_changed_orders;
)sql";

constexpr const char* replace_lines = R"sql(
delete from staging.order_lines l
using tmp_changed_orders c
where c.replaced_earlier and l.order_id = c.order_id;

insert into staging.order_lines (order_id, line_number, product_id, quantity, unit_price, discount, revenue,
                                  load_date)
select v.order_id, v.line_number, v.product_id, v.quantity, v.unit_price, v.discount, v.revenue, $1::date
from tmp_order_version_lines v
join tmp_changed_orders c using (source_file, line_no);

-- New orders (ids past every known one) are inserted plainly; the known ones by MERGE, not a plain insert
-- even when new to staging: a shipping row can outlive its staging row (staging truncated to be rebuilt from
-- raw) and must then be overwritten; not INSERT ... ON CONFLICT either, whose speculative insertion measured
-- twice as slow on a million new rows
insert into private.order_shipping (order_id, city, postal_code)
select w.order_id, w.ship_city, w.ship_postal_code
from tmp_day_winners w
join tmp_changed_orders c using (source_file, line_no)
where not w.maybe_known;

merge into private.order_shipping p
using (
    select w.order_id, w.ship_city, w.ship_postal_code
    from tmp_known_winners w
    join tmp_changed_orders c using (source_file, line_no)
) s
on p.order_id = s.order_id
when matched then update set city = s.ship_city, postal_code = s.ship_postal_code
when not matched then insert (order_id, city, postal_code) values (s.order_id, s.ship_city, s.ship_postal_code);

-- a large load changes the tables' shape: fresh statistics keep the fact loader's joins on good plans
analyze staging.orders;
analyze staging.order_lines;

-- and the load_date BRINs summarize the new pages now (autovacuum would, some time later), or every reader of
-- one load date (load_fact_orders, dq_checks, the next transforms) scans all the pages never summarized
select brin_summarize_new_values('staging.staging_orders_load_date'::regclass);
select brin_summarize_new_values('staging.staging_order_lines_load_date'::regclass);
)sql";

void write_version(BinaryRowWriter& out, const Order& o, const std::string& source_file, long line_no) {
    out.text(o.order_id).text(o.user_id).timestamp(o.order_ts).timestamp(o.updated_at);
    out.text(o.status).text(o.currency).text(o.channel).text(o.payment_method);
    out.cents(o.payment_cents).cents(o.revenue_cents()).int4(static_cast<int32_t>(o.units()));
    out.int4(static_cast<int32_t>(o.lines.size())).text(o.ship_country);
    for (const auto* opt : {&o.ship_region, &o.ship_city, &o.ship_postal_code}) {
        if (*opt)
            out.text(**opt);
        else
            out.null();
    }
    out.text(source_file).int8(line_no);
    out.end_row();
}

void write_lines(BinaryRowWriter& out, const Order& o, const std::string& source_file, long line_no) {
    int32_t n = 0;
    for (const auto& l : o.lines) {
        out.text(source_file).int8(line_no).text(o.order_id).int4(++n).text(l.product_id);
        out.int4(static_cast<int32_t>(l.quantity)).cents(l.unit_price_cents).cents(l.discount_cents).cents(l.revenue_cents());
        out.end_row();
    }
}

}  // namespace

void transform_orders(TaskContext& ctx) {
    auto started = std::chrono::steady_clock::now();
    Connection& db = *ctx.db;
    const int64_t load_day = ctx.load_day();
    db.exec(create_work_tables);

    // Raw rows come over a second connection while this one streams the COPY out.
    Connection reader(ctx.options.dsn, ctx.task);
    Quarantine quarantine("orders", ctx.date());
    CopySpool lines_spool;
    BinaryRowWriter lines(lines_spool);
    BinaryCopyIn versions(db, "copy tmp_order_versions from stdin with (format binary)");
    simdjson::ondemand::parser parser;
    Order order;
    for_each_raw_record(reader, "orders", ctx.date(), [&](const RawRecord& raw) {
        if ((++ctx.counts.rows_read & 0xFFFF) == 0) ctx.check_interrupted();
        auto problem = parse_order(parser, raw.record, raw.record.capacity(), load_day, order);
        if (problem) {
            quarantine.add(problem->reason, raw.source_file, raw.line_no, problem->detail, raw.record);
            return;
        }
        write_version(versions, order, raw.source_file, raw.line_no);
        write_lines(lines, order, raw.source_file, raw.line_no);
    });
    long long valid = versions.finish();
    if (ctx.counts.rows_read == 0) {
        // an extract that ran and found nothing leaves no raw rows either: that is not an error
        auto runs = db.scalar_int(
            "select count(*) from audit.task_runs where task = 'extract_orders' and run_date = $1::date "
            "and status = 'succeeded'",
            {ctx.date()});
        if (runs == 0) throw NothingToDo("no raw orders for " + ctx.date() + ": extract_orders has not loaded this date");
    }
    lines.end();
    lines_spool.load(db, "copy tmp_order_version_lines from stdin with (format binary)");
    auto parsed = std::chrono::steady_clock::now();

    db.exec("analyze tmp_order_versions");
    db.exec("analyze tmp_order_version_lines");
    // the day's sort of a million versions fits in memory instead of spilling to disk; JIT compilation costs
    // more than it saves on these plain scans
    db.exec("set local work_mem = '256MB'");
    db.exec("set local jit = off");
    db.exec_script(merge_orders, {ctx.date()});
    db.exec_script(replace_lines, {ctx.date()});
    ctx.counts.rows_written = db.scalar_int("select count(*) from tmp_changed_orders");
    ctx.counts.rows_quarantined = quarantine.store(db, "transform");
    redact_erased_users(db, "orders", ctx.date(), "transform");  // erased users stay erased on a reload

    auto now = std::chrono::steady_clock::now();
    double parse_secs = std::chrono::duration<double>(parsed - started).count();
    double merge_secs = std::chrono::duration<double>(now - parsed).count();
    spdlog::info("validated {} raw orders in {:.2f} s ({}): {} valid versions, {} quarantined",
                 with_commas(ctx.counts.rows_read), parse_secs, rate(ctx.counts.rows_read, parse_secs),
                 with_commas(valid), with_commas(ctx.counts.rows_quarantined));
    spdlog::info("merged into staging.orders in {:.2f} s: {} orders took this load's state", merge_secs,
                 with_commas(ctx.counts.rows_written));
}

}  // namespace ecomm
