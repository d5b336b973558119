// Events fact load: set-based SQL (sql/warehouse/fact_events_*.sql) over the load's staging rows, no per-row
// statement or function call.
#include "load_fact_events.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/db.hpp"
#include "common/logging.hpp"
#include "common/sql_files.hpp"
#include "common/text_array.hpp"

namespace ecomm {

void load_fact_events(TaskContext& ctx) {
    auto started = std::chrono::steady_clock::now();
    Connection& db = *ctx.db;
    const std::vector<std::optional<std::string>> date{ctx.date()};

    // the events this load gave up to another load's arrival: their fact rows move with it
    std::vector<std::string> taken_over;
    {
        auto r = db.exec(read_sql_file("warehouse/fact_events_taken_over.sql"), date);
        for (int i = 0; i < r.rows(); ++i) taken_over.push_back(r.text(i, 0));
    }
    const std::vector<std::optional<std::string>> params{ctx.date(), text_array_literal(taken_over)};
    db.exec_script(read_sql_file("warehouse/fact_events_dates.sql"), params);
    auto span = db.exec("select min(event_date), max(event_date), coalesce(sum(events), 0) from load_event_dates");
    ctx.counts.rows_read = span.integer(0, 2);
    if (ctx.counts.rows_read > 0)
        db.exec("select warehouse.ensure_month_partitions('warehouse.fact_events', $1::date, $2::date)",
                {span.text(0, 0), span.text(0, 1)});
    // The inferred products are committed on a connection of their own before the facts are written, as
    // load_fact_orders' are: idempotent placeholders a rerun makes the same. Made in this transaction, they stayed
    // uncommitted to its end, and load_fact_orders, running beside this task, waited on the unique index for
    // every id both loads had to infer until this one committed (3.4 s of its 8.1 at 200k orders + 1M events).
    long long inferred = 0;
    {
        Connection side(ctx.options.dsn, ctx.task + "_inferred");
        inferred = side.scalar_int(read_sql_file("warehouse/fact_events_inferred_products.sql"), params);
    }

    long long removed = db.exec(read_sql_file("warehouse/fact_events_remove.sql"), date).affected();
    long long moved = 0;
    {
        // other loads' fact rows of events whose arrival moved, removed one (load date, event date) at a time
        static const std::string remove_moved_sql = read_sql_file("warehouse/fact_events_remove_moved.sql");
        auto r = db.exec(read_sql_file("warehouse/fact_events_moved.sql"), params);
        std::vector<std::string> ids;
        for (int i = 0; i < r.rows(); ++i) {
            ids.push_back(r.text(i, 2));
            if (i + 1 < r.rows() && r.get(i + 1, 0) == r.get(i, 0) && r.get(i + 1, 1) == r.get(i, 1)) continue;
            moved += db.exec(remove_moved_sql, {r.text(i, 1), r.text(i, 0), text_array_literal(ids)}).affected();
            ids.clear();
        }
    }
    // A bulk load: staging's statistics may still describe it before this load's merge (estimate: one row),
    // and a nested loop over the product versions then costs minutes instead of one hash join.
    db.exec("set local enable_nestloop = off");
    db.exec("set local jit = off");
    db.exec("set local work_mem = '256MB'");
    ctx.counts.rows_written = db.exec(read_sql_file("warehouse/fact_events_insert.sql"), params).affected();
    db.exec("set local enable_nestloop = on");
    long long dates = db.exec(read_sql_file("warehouse/fact_events_queue_dates.sql"), date).affected();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("loaded {} rows into warehouse.fact_events in {:.2f} s ({}); earlier rows removed on {} event date(s), "
                 "{} inferred product(s), {} event date(s) queued, {} event(s) taken over by another load's arrival, {} "
                 "event date(s) of other loads' rows of moved events",
                 with_commas(ctx.counts.rows_written), secs, rate(ctx.counts.rows_written, secs), with_commas(removed),
                 inferred, dates, taken_over.size(), moved);
}

}  // namespace ecomm
