// compute_daily_metrics: queued business dates -> the dates' facts grouped once per fact table -> one
// set-based SQL file per mart over those groups.
#include "compute_daily_metrics.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/sql_files.hpp"
#include "common/timeutil.hpp"

namespace ecomm {

const std::vector<MartFile>& mart_files() {
    static const std::vector<MartFile> files = {
        {"refresh_order_groups.sql", false}, {"daily_sales.sql", true},  {"customer_summary.sql", true},
        {"sales_by_category.sql", true},     {"refresh_event_groups.sql", false}, {"daily_events.sql", true},
        {"funnel_daily.sql", true},          {"daily_metrics.sql", true}};
    return files;
}

std::string read_mart_sql(const std::string& name) { return read_sql_file("marts/" + name); }

void compute_daily_metrics(TaskContext& ctx) {
    Connection& db = *ctx.db;
    const std::string date = format_date(ctx.load_day());

    // Read every file first: a missing one is a configuration error before any work is done.
    std::vector<std::pair<const MartFile*, std::string>> marts;
    for (const auto& f : mart_files()) marts.emplace_back(&f, read_mart_sql(f.name));

    // the marts hash a day's events by session and user: in memory, not in sorts spilled to disk
    db.exec("set local work_mem = '256MB'");
    // each statement reads at most the queued dates' rows: compiling it (JIT, on by default) took longer
    // than running it, pushed there by estimates over freshly filled temporary tables
    db.exec("set local jit = off");
    db.exec(
        "create temporary table refresh_load (load_date date not null) on commit drop;"
        "create temporary table refresh_order_dates (order_date date primary key) on commit drop;"
        "create temporary table refresh_event_dates (event_date date primary key) on commit drop");
    db.exec("insert into refresh_load values ($1::date)", {date});
    const long long order_dates = db.exec(
        "insert into refresh_order_dates select business_date from warehouse.mart_refresh_queue "
        "where load_date = $1::date and subject = 'orders'", {date}).affected();
    const long long event_dates = db.exec(
        "insert into refresh_event_dates select business_date from warehouse.mart_refresh_queue "
        "where load_date = $1::date and subject = 'events'", {date}).affected();
    db.exec("analyze refresh_order_dates; analyze refresh_event_dates");
    spdlog::info("load {} queued {} order date(s) and {} event date(s) for refresh", date, order_dates, event_dates);
    ctx.counts.rows_read = order_dates + event_dates;

    for (const auto& [file, sql] : marts) {
        ctx.check_interrupted();
        const auto t0 = std::chrono::steady_clock::now();
        // A mart file ends with its insert (or update): the result is that last statement's row count. An
        // input file fills a temporary table and analyzes it: no mart row is written.
        const long long rows = db.exec(sql).affected();
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (file->is_mart) {
            spdlog::info("{}: {} row(s) written in {:.2f} s", file->name, rows, secs);
            ctx.counts.rows_written += rows;
        } else {
            spdlog::info("{}: grouped in {:.2f} s", file->name, secs);
        }
    }
}

}  // namespace ecomm
