// compute_daily_metrics: queued business dates -> the dates' facts read once per fact table by binary COPY and
// grouped in the task (orders, order lines, events) -> one set-based SQL file per mart over those groups.
#include "compute_daily_metrics.hpp"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <utility>

#include "common/copy.hpp"
#include "common/lanes.hpp"
#include "common/sql_names.hpp"
#include "common/sql_files.hpp"
#include "common/text_array.hpp"
#include "common/timeutil.hpp"
#include "category_sales.hpp"
#include "customer_ranks.hpp"
#include "order_groups.hpp"
#include "event_counts.hpp"

namespace ecomm {

const std::vector<MartFile>& mart_files() {
    using K = MartFile::Kind;
    // The lanes are balanced by what each file cost at 200,000 orders and 1,000,000 events a day; daily_metrics
    // goes to the lane that finishes first, which the day's sizes decide (docs/PERFORMANCE.md)
    static const std::vector<MartFile> files = {
        {"refresh_order_groups.sql", K::input, 0}, {"order_rows.sql", K::order_rows, 0},
        {"daily_sales.sql", K::mart, 0},
        {"customer_summary.sql", K::input, 0},     {"customer_rows.sql", K::customer_rows, 0},
        {"category_dates.sql", K::input, 1},       {"category_lines.sql", K::line_rows, 1},
        {"sales_by_category.sql", K::mart, 1},     {"event_rows.sql", K::event_rows, 1},
        {"daily_events.sql", K::mart, 1},          {"funnel_daily.sql", K::mart, 1},
        {"daily_metrics.sql", K::mart, -1}};
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

// Streams the rows of `query_sql` (a COPY query whose $1 and $2 take the range of the dates `dates_sql`
// selects) to on_row, dropping the rows of dates in the range but not among the dates (their first column,
// a date, says which); returns how many rows went to on_row. No dates: nothing is read.
struct DatedRows {
    std::set<int64_t> dates;
    long long rows = 0, outside = 0;
};
DatedRows stream_dated_rows(Connection& db, const std::string& dates_sql, const std::string& query_sql,
                            const std::string& what, size_t columns,
                            const std::function<void(int64_t, const std::vector<std::string_view>&)>& on_row) {
    DatedRows out;
    const Result r = db.exec(dates_sql);
    for (int i = 0; i < r.rows(); ++i) out.dates.insert(*parse_date(r.text(i, 0)));
    if (out.dates.empty()) return out;
    const std::string from = format_date(*out.dates.begin()), to = format_date(*out.dates.rbegin());
    const std::string copy = copy_query_with(db, query_sql, {from, to}, what);
    copy_out_binary(db, copy, [&](const std::vector<std::string_view>& cols) {
        if (cols.size() != columns)
            throw RetryableError(what + ": expected " + std::to_string(columns) + " columns, got " +
                                 std::to_string(cols.size()));
        const int64_t date = read_date_days(cols[0]);
        if (!out.dates.count(date)) {
            ++out.outside;
            return;
        }
        ++out.rows;
        on_row(date, cols);
    });
    return out;
}

// Streams the orders of the dates in refresh_order_dates (order_rows.sql), groups them and writes the groups
// into refresh_order_groups.
void group_orders(const TaskContext& ctx, const LaneStop& stop, Connection& db, const std::string& rows_sql) {
    OrderGroups groups;
    const DatedRows read = stream_dated_rows(
        db, "select order_date::text from refresh_order_dates", rows_sql, "marts/order_rows.sql", 5,
        [&](int64_t date, const std::vector<std::string_view>& cols) {
            groups.add(date, cols[1], read_bool(cols[2]), read_numeric_cents(cols[3]), read_int4(cols[4]));
        });
    ctx.check_interrupted();
    stop.check();
    long long written = 0;
    {
        CopyIn out(db, "copy refresh_order_groups from stdin");
        groups.for_each([&](const OrderGroups::Row& g) {
            out.field(format_date(g.date)).field(g.user_key).bool_field(g.cancelled).field(g.orders)
                .cents_field(g.cents).field(g.units).end_row();
            ++written;
        });
        out.finish();
    }
    db.exec("analyze refresh_order_groups");
    spdlog::info("grouped {} order(s) of {} order date(s) into {} group(s) ({} order(s) of dates in the range "
                 "not refreshed)", read.rows, read.dates.size(), written, read.outside);
}

// Streams the live lines of the dates in refresh_category_dates (category_lines.sql) and writes what
// sales_by_category counts into refresh_category_sales and refresh_category_inferred.
void count_category_lines(const TaskContext& ctx, const LaneStop& stop, Connection& db, const std::string& lines_sql) {
    CategorySales sales;
    const DatedRows read = stream_dated_rows(
        db, "select order_date::text from refresh_category_dates", lines_sql, "marts/category_lines.sql", 6,
        [&](int64_t date, const std::vector<std::string_view>& cols) {
            sales.add(date, cols[1], cols[2], read_int4(cols[3]), read_numeric_cents(cols[4]),
                      cols[5].data() ? std::optional<int64_t>(read_int8(cols[5])) : std::nullopt);
        });
    if (read.dates.empty()) return;
    ctx.check_interrupted();
    stop.check();
    const auto rows = sales.rows();
    {
        CopyIn out(db, "copy refresh_category_sales from stdin");
        for (const auto& row : rows)
            out.field(format_date(row.date)).field(row.category).field(row.orders).field(row.units)
                .cents_field(row.cents).end_row();
        out.finish();
    }
    {
        CopyIn out(db, "copy refresh_category_inferred from stdin");
        for (const auto& [date, product_key] : sales.inferred_products())
            out.field(format_date(date)).field(static_cast<long long>(product_key)).end_row();
        out.finish();
    }
    spdlog::info("summed {} line(s) of {} order date(s) into {} category row(s) ({} line(s) of dates in the range "
                 "not refreshed)", read.rows, read.dates.size(), rows.size(), read.outside);
}

// Streams every customer's totals (customer_rows.sql), ranks them, copies them into refresh_customer_rows and
// writes marts.customer_summary from there (customer_summary_write.sql), removing the customers left with no
// order that counts; returns the customers' rows.
long long write_customer_summary(const TaskContext& ctx, const LaneStop& stop, Connection& db,
                                 const std::string& rows_sql, const std::string& write_sql) {
    std::vector<CustomerTotals> customers;
    std::vector<std::string> gone;  // left with no order that counts: they lose the row
    int64_t as_of = 0;
    const std::string copy = copy_query_with(db, rows_sql, std::vector<std::string>{}, "marts/customer_rows.sql");
    copy_out_binary(db, copy, [&](const std::vector<std::string_view>& cols) {
        if (cols.size() != 6)
            throw RetryableError("customer_rows.sql: expected 6 columns, got " + std::to_string(cols.size()));
        const int64_t orders = read_int8(cols[1]);
        if (orders <= 0) {
            gone.emplace_back(cols[0]);
            return;
        }
        CustomerTotals& c = customers.emplace_back();
        c.user_key.assign(cols[0]);
        c.orders = orders;
        c.cents = read_numeric_cents(cols[2]);
        c.first_order_date = read_date_days(cols[3]);
        c.last_order_date = read_date_days(cols[4]);
        as_of = read_date_days(cols[5]);
    });
    ctx.check_interrupted();
    stop.check();
    rank_customers(customers);
    {
        CopyIn out(db, "copy refresh_customer_rows (user_key, orders, revenue, first_order_date, last_order_date, "
                       "as_of_date, recency_days, r_score, f_score, m_score) from stdin");
        const std::string as_of_text = format_date(as_of);
        for (const CustomerTotals& c : customers)
            out.field(c.user_key).field(c.orders).cents_field(c.cents).field(format_date(c.first_order_date))
                .field(format_date(c.last_order_date)).field(as_of_text).field(as_of - c.last_order_date)
                .field(c.r_score).field(c.f_score).field(c.m_score).end_row();
        out.finish();
    }
    db.exec_script(write_sql, {text_array_literal(gone)});
    if (!gone.empty()) spdlog::info("{} customer(s) left with no order that counts lost their row", gone.size());
    return static_cast<long long>(customers.size());
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

// What both lanes share: the files either lane may run and which of them is next, the helper files the
// streamed kinds write with (read with the others, before any work) and the names spliced into every file.
struct LaneShared {
    LaneFiles files;
    std::atomic<size_t> next{0};
    std::string event_counts_tables_sql, customer_summary_write_sql;
    std::vector<std::pair<std::string, std::string>> literals;
};

// Runs one lane's files in order on db, {{load_date}} spliced in as a literal: a constant the planner estimates
// by and a scan compares each row with (current_setting() in a filter was evaluated row by row; daily_metrics'
// counts took 1.1 s with the date from refresh_load, 0.5 s with a literal). Then the files either lane may run
// (`shared.files`), each taken by the first lane to get there, so that whichever lane the day made
// shorter runs them. Returns the mart rows written.
long long run_lane(const TaskContext& ctx, const LaneStop& stop, Connection& db, const LaneFiles& files,
                   LaneShared& shared) {
    const auto& literals = shared.literals;
    long long written = 0;
    const auto run_file = [&](const MartFile& file, const std::string& sql) {
        ctx.check_interrupted();
        stop.check();
        const auto t0 = std::chrono::steady_clock::now();
        const auto secs = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
        switch (file.kind) {
        case MartFile::Kind::event_rows:
            count_events(ctx, stop, db, sql, shared.event_counts_tables_sql);
            spdlog::info("{}: counted in {:.2f} s", file.name, secs());
            break;
        case MartFile::Kind::line_rows:
            count_category_lines(ctx, stop, db, sql);
            spdlog::info("{}: summed in {:.2f} s", file.name, secs());
            // the spool's run goes back to the system now, not when the process ends: the event counts, the
            // task's largest holding (212 MiB at 5M events a day), come next beside the other lane's
            malloc_trim(0);
            break;
        case MartFile::Kind::order_rows:
            group_orders(ctx, stop, db, sql);
            spdlog::info("{}: grouped in {:.2f} s", file.name, secs());
            malloc_trim(0);  // as for the lines
            break;
        case MartFile::Kind::customer_rows: {
            const long long rows = write_customer_summary(ctx, stop, db, splice_names(sql, literals),
                                                          shared.customer_summary_write_sql);
            spdlog::info("{}: {} row(s) ranked and written in {:.2f} s", file.name, rows, secs());
            written += rows;
            break;
        }
        case MartFile::Kind::input:
            db.exec_script(splice_names(sql, literals));
            spdlog::info("{}: done in {:.2f} s", file.name, secs());
            break;
        case MartFile::Kind::mart: {
            // a mart file ends with its insert (or update): the result is that last statement's row count
            const long long rows = db.exec_script(splice_names(sql, literals));
            spdlog::info("{}: {} row(s) written in {:.2f} s", file.name, rows, secs());
            written += rows;
            break;
        }
        }
    };
    for (const auto& [file, sql] : files) run_file(*file, sql);
    for (size_t i; (i = shared.next.fetch_add(1)) < shared.files.size();)
        run_file(*shared.files[i].first, shared.files[i].second);
    return written;
}

}  // namespace

std::string read_mart_sql(const std::string& name) { return read_sql_file("marts/" + name); }

void compute_daily_metrics(TaskContext& ctx) {
    Connection& db = *ctx.db;
    const std::string date = format_date(ctx.load_day());

    // Read every file first: a missing one is a configuration error before any work is done.
    LaneFiles lanes[2];
    LaneShared shared;
    for (const auto& f : mart_files())
        (f.lane < 0 ? shared.files : lanes[f.lane]).emplace_back(&f, read_mart_sql(f.name));
    const std::string refresh_dates_sql = read_mart_sql("refresh_dates.sql");
    shared.event_counts_tables_sql = read_mart_sql("event_counts_tables.sql");
    shared.customer_summary_write_sql = read_mart_sql("customer_summary_write.sql");

    prepare_lane(db, refresh_dates_sql, date);
    const long long order_dates = db.scalar_int("select count(*) from refresh_order_dates");
    const long long event_dates = db.scalar_int("select count(*) from refresh_event_dates");
    spdlog::info("load {} queued {} order date(s) and {} event date(s) for refresh", date, order_dates, event_dates);
    ctx.counts.rows_read = order_dates + event_dates;
    shared.literals = {{"load_date", db.quote_literal(date) + "::date"}};

    // Lane 1 reads what lane 0 reads (the queue, the facts, the dimensions) and writes other marts. It starts
    // after this transaction took the task's lock, and commits only once both lanes are done: a failure in
    // either rolls both back. Only a failure of the task's own commit after it (a lost connection) leaves lane
    // 1's marts refreshed and lane 0's not; every mart is replaced per date, so the rerun makes them agree.
    Connection second(ctx.options.dsn, ctx.task);
    Transaction second_tx(second);
    prepare_lane(second, refresh_dates_sql, date);
    long long written[2] = {0, 0};
    run_two_lanes(
        db, [&](const LaneStop& stop) { written[0] = run_lane(ctx, stop, db, lanes[0], shared); }, second,
        [&](const LaneStop& stop) { written[1] = run_lane(ctx, stop, second, lanes[1], shared); });
    // a signal now would otherwise stop the task between the two commits: it is checked before both
    ctx.check_interrupted();
    second_tx.commit();  // run_task commits the task's own transaction right after this returns
    ctx.counts.rows_written += written[0] + written[1];
}

}  // namespace ecomm
