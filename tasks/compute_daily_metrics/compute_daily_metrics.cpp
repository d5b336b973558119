// compute_daily_metrics: queued business dates -> the dates' facts grouped once per fact table (the events
// counted in the task from one binary COPY) -> one set-based SQL file per mart over those groups.
#include "compute_daily_metrics.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/copy.hpp"
#include "common/lanes.hpp"
#include "common/sql_names.hpp"
#include "common/sql_files.hpp"
#include "common/text_array.hpp"
#include "common/timeutil.hpp"
#include "event_counts.hpp"

namespace ecomm {

const std::vector<MartFile>& mart_files() {
    using K = MartFile::Kind;
    // The lanes are balanced by what each file cost at 200,000 orders and 1,000,000 events a day (docs/PERFORMANCE.md)
    static const std::vector<MartFile> files = {
        {"refresh_order_groups.sql", K::input, 0}, {"daily_sales.sql", K::mart, 0},
        {"customer_summary.sql", K::mart, 0},      {"daily_metrics.sql", K::mart, 0},
        {"sales_by_category.sql", K::mart, 1},     {"event_rows.sql", K::event_rows, 1},
        {"daily_events.sql", K::mart, 1},          {"funnel_daily.sql", K::mart, 1}};
    return files;
}

namespace {

// Streams each queued date's events (event_rows.sql) and writes what the event marts count into two temporary
// tables: per date and type the events and distinct known users, per date the sessions by their set of types.
void count_events(const TaskContext& ctx, const LaneStop& stop, Connection& db, const std::string& event_rows_sql,
                  const std::string& tables_sql) {
    EventCounts counts;
    long long events = 0;
    const Result dates = db.exec("select event_date::text from refresh_event_dates order by event_date");
    for (int i = 0; i < dates.rows(); ++i) {
        const std::string date = dates.text(i, 0);
        const std::string copy = copy_query_with(db, event_rows_sql, date, "marts/event_rows.sql");
        events += copy_out_binary(db, copy, [&](const std::vector<std::string_view>& cols) {
            if (cols.size() != 3)
                throw RetryableError("event_rows.sql: expected 3 columns, got " + std::to_string(cols.size()));
            counts.add(date, cols[0], cols[1], cols[2]);
        });
        ctx.check_interrupted();
        stop.check();
    }
    db.exec_script(tables_sql);
    {
        CopyIn out(db, "copy refresh_event_types from stdin");
        for (const auto& r : counts.type_rows())
            out.field(r.date).field(r.type).field(r.events).field(r.users).end_row();
        out.finish();
    }
    {
        CopyIn out(db, "copy refresh_session_types from stdin");
        std::string types;
        for (const auto& r : counts.session_set_rows()) {
            assign_text_array_literal(types, r.types.begin(), r.types.end(),
                                      [](const std::string& t) -> std::string_view { return t; });
            out.field(r.date).field(types).field(r.sessions).end_row();
        }
        out.finish();
    }
    spdlog::info("counted {} event(s) of the queued dates: {} distinct session(s) and user(s)", events,
                 counts.distinct_keys());
}

using LaneFiles = std::vector<std::pair<const MartFile*, std::string>>;

// What every lane's transaction starts with: its settings and the temporary tables of the queued dates.
void prepare_lane(Connection& db, const std::string& refresh_dates_sql, const std::string& date) {
    // the marts hash a day's events by session and user: in memory, not in sorts spilled to disk
    db.exec("set local work_mem = '256MB'");
    // each statement reads at most the queued dates' rows: compiling it (JIT, on by default) took longer
    // than running it, pushed there by estimates over freshly filled temporary tables
    db.exec("set local jit = off");
    db.exec_script(refresh_dates_sql, {date});
}

// Runs one lane's files in order on db; returns the mart rows written.
long long run_lane(const TaskContext& ctx, const LaneStop& stop, Connection& db, const LaneFiles& files,
                   const std::string& event_counts_tables_sql) {
    long long written = 0;
    for (const auto& [file, sql] : files) {
        ctx.check_interrupted();
        stop.check();
        const auto t0 = std::chrono::steady_clock::now();
        // A mart file ends with its insert (or update): the result is that last statement's row count. An
        // input file fills a temporary table and analyzes it: no mart row is written.
        if (file->kind == MartFile::Kind::event_rows) {
            count_events(ctx, stop, db, sql, event_counts_tables_sql);
            spdlog::info("{}: counted in {:.2f} s", file->name,
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            continue;
        }
        const long long rows = db.exec(sql).affected();
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (file->kind == MartFile::Kind::mart) {
            spdlog::info("{}: {} row(s) written in {:.2f} s", file->name, rows, secs);
            written += rows;
        } else {
            spdlog::info("{}: grouped in {:.2f} s", file->name, secs);
        }
    }
    return written;
}

}  // namespace

std::string read_mart_sql(const std::string& name) { return read_sql_file("marts/" + name); }

void compute_daily_metrics(TaskContext& ctx) {
    Connection& db = *ctx.db;
    const std::string date = format_date(ctx.load_day());

    // Read every file first: a missing one is a configuration error before any work is done.
    LaneFiles lanes[2];
    for (const auto& f : mart_files()) lanes[f.lane].emplace_back(&f, read_mart_sql(f.name));
    const std::string refresh_dates_sql = read_mart_sql("refresh_dates.sql");
    const std::string event_counts_tables_sql = read_mart_sql("event_counts_tables.sql");

    prepare_lane(db, refresh_dates_sql, date);
    const long long order_dates = db.scalar_int("select count(*) from refresh_order_dates");
    const long long event_dates = db.scalar_int("select count(*) from refresh_event_dates");
    spdlog::info("load {} queued {} order date(s) and {} event date(s) for refresh", date, order_dates, event_dates);
    ctx.counts.rows_read = order_dates + event_dates;

    // Lane 1 reads what lane 0 reads (the queue, the facts, the dimensions) and writes other marts. It starts
    // after this transaction took the task's lock, and commits only once both lanes are done: a failure in
    // either rolls both back. Only a failure of the task's own commit after it (a lost connection) leaves lane
    // 1's marts refreshed and lane 0's not; every mart is replaced per date, so the rerun makes them agree.
    Connection second(ctx.options.dsn, ctx.task);
    Transaction second_tx(second);
    prepare_lane(second, refresh_dates_sql, date);
    long long written[2] = {0, 0};
    run_two_lanes(
        db, [&](const LaneStop& stop) { written[0] = run_lane(ctx, stop, db, lanes[0], event_counts_tables_sql); },
        second,
        [&](const LaneStop& stop) { written[1] = run_lane(ctx, stop, second, lanes[1], event_counts_tables_sql); });
    // a signal now would otherwise stop the task between the two commits: it is checked before both
    ctx.check_interrupted();
    second_tx.commit();  // run_task commits the task's own transaction right after this returns
    ctx.counts.rows_written += written[0] + written[1];
}

}  // namespace ecomm
