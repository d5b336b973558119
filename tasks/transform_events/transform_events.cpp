// Events transform. raw.events rows stream out on a second connection, are checked against the contract
// and streamed, already typed, into a temporary batch table on the task's connection (COPY text in and out:
// valid fields pass through still escaped, nothing is unescaped but a quarantined record). One set-based
// merge then moves the batch into staging.events.
#include "transform_events.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/copy.hpp"
#include "common/logging.hpp"
#include "common/quarantine.hpp"
#include "common/timeutil.hpp"
#include "event_rules.hpp"

namespace ecomm {

namespace {

using events::Column;

// raw.events columns as read back: source_file, line_no, the nine fields, record.
constexpr size_t first_field = 2;
constexpr size_t record_col = first_field + events::column_count;

// The merge keeps, per event_id, the arrival with the smallest (load_date, source_file, line_no); the row
// of this very load (a rerun) is always replaced. replaced_earlier records that the event arrived in more
// than one load, whichever order they ran in (so it is order-independent too): load_fact_events then looks
// for another load's fact row of it.
//
// It runs in two parts because INSERT ... ON CONFLICT (speculative insertion) measured 2-3x slower than a
// plain INSERT on a million rows: the batch's events that staging already holds (events_seen, usually a
// handful) are compared and updated, and all the others are inserted plainly.

// The batch's first arrival per event_id (restricted by `filter`) with its user key, as `final`.
std::string batch_ctes(const std::string& filter) {
    return R"sql(
with

batch as (
    select distinct on (b.event_id) b.*
    from events_batch b
    )sql" + filter + R"sql(
    order by b.event_id, b.source_file, b.line_no
),

final as (
    select
        b.event_id, b.event_ts, b.event_date, b.event_type, b.session_id, users.user_key, b.product_id,
        b.page_url, b.device, b.country, $1::date as load_date, b.source_file, b.line_no
    from batch b
    left join batch_users users on users.user_id = b.user_id
)
)sql";
}

const std::string& insert_new_sql() {
    static const std::string sql =
        batch_ctes("where not exists (select 1 from events_seen x where x.event_id = b.event_id)") + R"sql(
insert into staging.events (event_id, event_ts, event_date, event_type, session_id, user_key, product_id,
                            page_url, device, country, load_date, source_file, line_no)
select * from final
)sql";
    return sql;
}

const std::string& update_seen_sql() {
    static const std::string sql = [] {
        std::string s = batch_ctes("join events_seen x using (event_id)") + R"sql(
update staging.events s set
    replaced_earlier = s.replaced_earlier or s.load_date <> f.load_date)sql";
        const char* wins = "s.load_date = f.load_date or (f.load_date, f.source_file, f.line_no) < "
                           "(s.load_date, s.source_file, s.line_no)";
        for (const char* col : {"event_ts", "event_date", "event_type", "session_id", "user_key", "product_id",
                                "page_url", "device", "country", "load_date", "source_file", "line_no"}) {
            s += ",\n    ";
            s += col;
            s += " = case when ";
            s += wins;
            s += " then f.";
            s += col;
            s += " else s.";
            s += col;
            s += " end";
        }
        s += "\nfrom final f\nwhere f.event_id = s.event_id";
        return s;
    }();
    return sql;
}

}  // namespace

void transform_events(TaskContext& ctx) {
    auto started = std::chrono::steady_clock::now();
    Connection& db = *ctx.db;
    const int64_t load_day = ctx.load_day();
    db.exec(R"sql(
        create temporary table events_batch (
            event_id text collate "C" not null, user_id text, session_id text not null, event_type text not null,
            event_ts timestamptz not null, event_date date not null, product_id text, page_url text,
            device text, country text, source_file text collate "C" not null, line_no bigint not null
        ) on commit drop)sql");

    // The raw rows stream in on a second connection while the batch COPY runs on this one.
    Connection reader(ctx.options.dsn, ctx.task + "_reader");
    Quarantine quarantine("events", ctx.date());
    CopyIn batch(db, "copy events_batch from stdin");
    std::vector<std::string_view> cols;
    std::array<std::string_view, events::column_count> fields;
    std::string source, record;
    long long bad_rows = 0;
    const std::string read_sql =
        "copy (select source_file, line_no, event_id, user_id, session_id, event_type, event_ts, product_id, "
        "page_url, device, country, record from raw.events where load_date = " +
        db.quote_literal(ctx.date()) + ") to stdout";
    ctx.counts.rows_read = reader.copy_out(read_sql, [&](std::string_view row) {
        split_copy_row(row, cols);
        if (cols.size() != record_col + 1) throw RetryableError("raw.events row with an unexpected column count");
        for (size_t c = 0; c < events::column_count; ++c) {
            std::string_view v = cols[first_field + c];
            fields[c] = v == "\\N" ? std::string_view() : v;  // still COPY-escaped: the rules see backslashes
        }
        int64_t ts = 0;
        auto problem = events::check_event(fields, load_day, ts);
        if (problem) {
            copy_unescape(cols[0], source);
            copy_unescape(cols[record_col], record);
            long line_no = std::atol(std::string(cols[1]).c_str());
            quarantine.add(problem->reason, source, line_no, problem->detail, record);
            ++bad_rows;
            return;
        }
        auto optional = [&](Column c) -> CopyRowWriter& {
            return fields[c].empty() ? batch.null_field() : batch.raw_field(fields[c]);
        };
        batch.raw_field(fields[events::event_id]);
        optional(events::user_id);
        batch.raw_field(fields[events::session_id]).raw_field(fields[events::event_type]);
        batch.timestamp_field(ts).date_field(utc_day(ts));
        optional(events::product_id);
        optional(events::page_url);
        optional(events::device);
        optional(events::country);
        batch.raw_field(cols[0]).raw_field(cols[1]);
        batch.end_row();
        if ((batch.rows() & 0xFFFF) == 0) ctx.check_interrupted();
    });
    const long long valid = batch.finish();
    ctx.counts.rows_quarantined = quarantine.store(db, "transform");
    double read_secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("checked {} raw events in {:.2f} s ({}): {} valid, {} quarantined", with_commas(ctx.counts.rows_read),
                 read_secs, rate(ctx.counts.rows_read, read_secs), with_commas(valid), with_commas(bad_rows));

    db.exec("analyze events_batch");
    // the first-arrival sort of a million rows fits in memory instead of spilling to disk; JIT compilation
    // costs more than it saves on these plain scans
    db.exec("set local work_mem = '256MB'");
    db.exec("set local jit = off");
    // and never a merge join on user_id: it would re-sort the batch, which goes into staging in event_id order
    // (B-tree appends)
    db.exec("set local enable_mergejoin = off");
    // This load's rows whose event is no longer in the load (the raw day changed since) go first.
    long long stale = db.exec(R"sql(
        delete from staging.events s
        where s.load_date = $1::date
          and not exists (select 1 from events_batch b where b.event_id = s.event_id))sql",
                              {ctx.date()})
                          .affected();
    // The batch's users with their pseudonymous key, hashed once per user, in a table with statistics: as a
    // CTE over the batch it made the planner copy the whole batch into a tuple store (read twice), and with a
    // guessed size it may hash the batch against the users instead of streaming the sorted batch through.
    db.exec(R"sql(
        create temporary table batch_users on commit drop as
        select u.user_id, private.user_key(u.user_id) as user_key
        from (select distinct user_id from events_batch where user_id is not null) u)sql");
    db.exec("analyze batch_users");
    db.exec(R"sql(
        create temporary table events_seen on commit drop as
        select s.event_id
        from staging.events s
        where s.event_id in (select b.event_id from events_batch b))sql");
    const long long seen = db.exec(update_seen_sql(), {ctx.date()}).affected();
    ctx.counts.rows_written = seen + db.exec(insert_new_sql(), {ctx.date()}).affected();
    // a large load changes the table's shape: fresh statistics keep the fact loader's plans right
    db.exec("analyze staging.events");
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("merged {} events into staging.events in {:.2f} s ({}); {} already held (compared with their "
                 "arrival), {} repeat(s) within the load, {} stale row(s) removed",
                 with_commas(ctx.counts.rows_written), secs, rate(ctx.counts.rows_read, secs), with_commas(seen),
                 with_commas(valid - ctx.counts.rows_written), with_commas(stale));
}

}  // namespace ecomm
