// Events transform. raw.events rows stream out on a second connection, are split by their file's header
// (raw.event_files) and checked against the contract; the valid ones are spooled, already typed, with the
// day's first arrival per event_id decided in C++ (first_arrivals.hpp). The ids alone go to the server to
// be compared with staging's other loads; then only the final rows go into staging.events, by binary COPY.
#include "transform_events.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <optional>

#include "common/big_endian.hpp"
#include "common/erasure.hpp"
#include "common/copy.hpp"
#include "common/sql_names.hpp"
#include "common/events_csv.hpp"
#include "common/logging.hpp"
#include "common/quarantine.hpp"
#include "common/sql_files.hpp"
#include "common/timeutil.hpp"
#include "common/user_keys.hpp"
#include "event_rules.hpp"
#include "first_arrivals.hpp"
#include "handed_over.hpp"

namespace ecomm {

namespace {

using events::Column;

// raw.events columns as read back: source_file, line_no, record.
constexpr size_t record_col = 2;

// How the lines of one landed file are split into the known columns: by the file's header.
struct FileColumns {
    explicit FileColumns(events::HeaderMap h) : header(std::move(h)), splitter(header) {}
    FileColumns(const FileColumns&) = delete;
    FileColumns& operator=(const FileColumns&) = delete;
    events::HeaderMap header;
    events::FieldSplitter splitter;  // refers to header
};

// The load's files by name, from raw.event_files.
using LoadFiles = std::map<std::string, std::unique_ptr<FileColumns>, std::less<>>;

LoadFiles load_files(Connection& db, const std::string& load_date) {
    LoadFiles files;
    auto r = db.exec("select source_file, header from raw.event_files where load_date = $1::date", {load_date});
    for (int i = 0; i < r.rows(); ++i)
        files.emplace(r.text(i, 0), std::make_unique<FileColumns>(events::parse_header(r.text(i, 1), r.text(i, 0))));
    return files;
}

// Builds one event's staging fields in COPY's binary format into a string for the spool: a BinaryRowWriter whose
// sink keeps the bytes (the row's two-byte field count dropped: the COPY's rows add columns to them).
class EncodedFields : private CopyRowWriter, public BinaryRowWriter {
public:
    EncodedFields() : CopyRowWriter(1 << 20), BinaryRowWriter(static_cast<CopyRowWriter&>(*this)) { buf_.clear(); }
    std::string_view finish_row() {
        BinaryRowWriter::end_row();
        if (!overflow_.empty()) {
            overflow_ += buf_;
            buf_.swap(overflow_);
            overflow_.clear();
        }
        return std::string_view(buf_).substr(2);
    }
    void clear() { buf_.clear(); }

private:
    void flush_buffer() override { overflow_ += buf_; }  // a row over 1 MiB: kept whole
    std::string overflow_;
};

// staging.events' columns in the order the spool's fields and the final COPY give them
constexpr const char* staging_copy_sql =
    "copy staging.events (event_id, event_ts, event_date, event_type, session_id, product_id, page_url, device, "
    "country, load_date, source_file, line_no, user_key, replaced_earlier) from stdin with (format binary)";
constexpr uint16_t staging_copy_fields = 14;

// The day's first arrivals as (event_id, source_file, line_no) into day_events.
// Per event id of the day that staging's other loads hold (events_seen): whether the day's arrival is first
// (it replaces the held row, marked replaced_earlier) or not (it is not staged); and the rerun's own rows that
// had displaced another load's (events_own_replaced): their mark stays. Usually a handful of ids.
StringMap<bool> day_outcomes(Connection& db) {
    StringMap<bool> staged_with_mark;  // true: staged, marked; false: not staged
    auto seen = db.exec("select event_id, day_wins from events_seen");
    for (int i = 0; i < seen.rows(); ++i) staged_with_mark.emplace(seen.text(i, 0), seen.get(i, 1) == "t");
    auto own = db.exec("select event_id from events_own_replaced");
    for (int i = 0; i < own.rows(); ++i) staged_with_mark.emplace(own.text(i, 0), true);
    return staged_with_mark;
}

}  // namespace

void transform_events(TaskContext& ctx) {
    auto started = std::chrono::steady_clock::now();
    Connection& db = *ctx.db;
    const int64_t load_day = ctx.load_day();

    // The raw rows stream in on a second connection.
    Connection reader(ctx.options.dsn, ctx.task + "_reader");
    Quarantine quarantine("events", ctx.date());
    const LoadFiles files = load_files(db, ctx.date());
    std::array<std::string_view, events::column_count> fields;
    std::string source, error;
    FileColumns* file = nullptr;  // the splitter of `source`, the current row's file; null when its header is
                                  // not in raw.event_files (a line landed by hand)
    uint32_t file_index = 0;      // of `source` in `day`

    events::FirstArrivals day;
    EncodedFields encoded;
    StringSet users;  // the day's distinct user ids
    long long bad_rows = 0, valid = 0;
    const std::string read_sql = copy_query_with(
        db,
        "select source_file, line_no, record from raw.events where load_date = $1",
        ctx.date(), "transform_events' read of raw.events");
    // The day's first arrivals' ids go into day_events on the task's connection while the parse goes on (the
    // server takes them in on the other core); an arrival displaced later (a smaller file name read after a
    // larger one: rare) is removed from it after the parse.
    static const std::string work_tables_sql = read_sql_file("staging/events_work_tables.sql");
    db.exec_script(work_tables_sql);
    BinaryCopyIn day_ids(db, "copy day_events (event_id, source_file, line_no) from stdin with (format binary)");
    BinaryRowWriter displaced;  // sinkless: the displaced arrivals' rows, copied after the parse
    ctx.counts.rows_read = copy_out_binary(reader, read_sql, [&](const std::vector<std::string_view>& cols) {
        if (cols.size() != record_col + 1) throw RetryableError("raw.events row with an unexpected column count");
        if (cols[0] != source) {  // rows come file by file: one lookup per file, not per row
            source.assign(cols[0]);
            auto it = files.find(source);
            file = it == files.end() ? nullptr : it->second.get();
            file_index = day.file_index(source);
        }
        const long long line_no = read_int8(cols[1]);
        const std::string_view record = cols[record_col];
        std::optional<RecordProblem> problem;
        // both only for lines landed by hand: the extract lands each file's header and only well-formed rows
        if (!file) {
            problem = RecordProblem{Reason::malformed, "no header of its file in raw.event_files"};
        } else if (file->splitter.split(record, error)) {
            for (size_t c = 0; c < events::column_count; ++c) {
                const char* v = file->splitter.field(static_cast<Column>(c));
                fields[c] = v ? std::string_view(v) : std::string_view();
            }
        } else {
            problem = RecordProblem{Reason::malformed, error};
        }
        int64_t ts = 0;
        if (!problem) problem = events::check_event(fields, load_day, ts);
        if (problem) {
            quarantine.add(problem->reason, source, line_no, problem->detail, record);
            ++bad_rows;
            return;
        }
        ++valid;
        auto optional = [&](Column c) -> BinaryRowWriter& {
            return fields[c].empty() ? encoded.null() : encoded.text(fields[c]);
        };
        encoded.clear();
        encoded.timestamp(ts).date(utc_day(ts));
        encoded.text(fields[events::event_type]).text(fields[events::session_id]);
        optional(events::product_id);
        optional(events::page_url);
        optional(events::device);
        optional(events::country);
        encoded.date(load_day).text(source).int8(line_no);
        const auto added =
            day.add(fields[events::event_id], fields[events::user_id], file_index, line_no, encoded.finish_row());
        if (added.kept) day_ids.text(fields[events::event_id]).text(source).int8(line_no).end_row();
        if (added.displaced) {
            displaced.text(fields[events::event_id]).text(day.file_name(added.displaced_file));
            displaced.int8(added.displaced_line_no).end_row();
        }
        if (!fields[events::user_id].empty() && users.find(fields[events::user_id]) == users.end())
            users.emplace(fields[events::user_id]);
        if ((valid & 0xFFFF) == 0) ctx.check_interrupted();
    });
    day_ids.finish();
    if (displaced.rows() > 0) {
        db.exec("create temporary table day_displaced (like day_events) on commit drop");
        BinaryCopyIn rows(db, "copy day_displaced (event_id, source_file, line_no) from stdin with (format binary)");
        rows.write_rows(displaced.captured());
        rows.finish();
        db.exec("delete from day_events d using day_displaced x "
                "where d.event_id = x.event_id and d.source_file = x.source_file and d.line_no = x.line_no");
    }
    ctx.counts.rows_quarantined = quarantine.store(db, "transform");
    redact_erased_users(db, "events", ctx.date(), "transform");  // erased users stay erased on a reload
    double read_secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("checked {} raw events in {:.2f} s ({}): {} valid, {} quarantined; {} distinct event ids, {} "
                 "later arrival(s) of one within the day", with_commas(ctx.counts.rows_read), read_secs,
                 rate(ctx.counts.rows_read, read_secs), with_commas(valid), with_commas(bad_rows),
                 with_commas(day.kept()), with_commas(day.repeats()));
    auto step = std::chrono::steady_clock::now();
    auto lap = [&](const char* what) {
        const auto now = std::chrono::steady_clock::now();
        spdlog::debug("{} in {:.2f} s", what, std::chrono::duration<double>(now - step).count());
        step = now;
    };

    // the day's users' keys on the reader connection, in a thread, while this one compares the day with staging
    auto user_keys_ready = std::async(std::launch::async, [&] { return user_keys_of(reader, users); });
    db.exec("analyze day_events");
    lap("analyzed the day's event ids (copied while parsing)");
    // JIT compilation costs more than it saves on these plain scans; the hashes fit in memory
    db.exec("set local jit = off");
    db.exec("set local work_mem = '256MB'");

    // A rerun's own rows go first (the day's arrivals come back by COPY); those of events the raw day no longer
    // holds are remembered in events_gone, and another load's arrival of such an event takes over its row.
    static const std::string gone_sql = read_sql_file("staging/events_gone_from_load.sql");
    const long long own = db.exec(gone_sql, {ctx.date()}).affected();
    const long long stale = db.scalar_int("select count(*) from events_gone");
    const long long handed_over = stale > 0 ? hand_over_gone_events(db, ctx.date()) : 0;
    lap("removed the load's earlier rows");

    // The day's events that other loads' staged rows hold: each probes staging's key, in key order
    // (sql/staging/events_seen.sql); a hash join would read the whole of staging, which grows night after night.
    static const std::string seen_sql = read_sql_file("staging/events_seen.sql");
    static const std::string settle_sql = read_sql_file("staging/events_seen_settle.sql");
    static const std::string candidates_sql = read_sql_file("staging/events_day_candidates.sql");
    db.exec(candidates_sql);
    db.exec("analyze day_candidates");
    db.exec("set local enable_hashjoin = off");
    db.exec("set local enable_mergejoin = off");
    db.exec(seen_sql, {ctx.date()});
    db.exec("reset enable_hashjoin");
    db.exec("reset enable_mergejoin");
    const long long kept_elsewhere = db.exec(settle_sql, {ctx.date()}).affected();
    const long long replacing = db.scalar_int("select count(*) from events_seen where day_wins");
    const auto outcomes = day_outcomes(db);
    lap("compared the day's events with staging's other loads");

    const auto user_keys = user_keys_ready.get();
    users = StringSet();
    lap("waited for the day's user keys");
    // The final rows go straight into staging.events in key order. With random ids (UUIDs) its primary key is a
    // B-tree of every event ever staged, larger than the buffer cache after a few nights: rows in the files'
    // order each land on a random leaf, read and dirtied again and again; in key order each leaf is visited
    // once, in turn. Sorting here, rather than copying into a temporary table and inserting from it with an
    // ORDER BY, spares the server a second write of the day and a sort of whole rows.
    long long staged = 0;
    {
        CopyIn rows(db, staging_copy_sql);
        BinaryRowWriter framing(rows);  // the stream's header and trailer; the rows are put together here
        std::string row;
        day.for_each_in_id_order([&](const events::SpooledEvent& e) {
            bool marked = false;
            if (!outcomes.empty()) {
                auto it = outcomes.find(e.event_id);
                if (it != outcomes.end()) {
                    if (!it->second) return;  // another load's arrival is first
                    marked = true;
                }
            }
            row.clear();
            row.push_back(static_cast<char>(staging_copy_fields >> 8));
            row.push_back(static_cast<char>(staging_copy_fields & 0xFF));
            auto put_text = [&](std::string_view v) {
                append_be32(row, static_cast<uint32_t>(v.size()));
                row.append(v);
            };
            put_text(e.event_id);
            row.append(e.fields);
            auto key = e.user_id.empty() ? user_keys.end() : user_keys.find(e.user_id);
            if (key == user_keys.end()) {
                row.append("\xFF\xFF\xFF\xFF", 4);  // null: an anonymous visitor
            } else {
                put_text(key->second);
            }
            row.append("\0\0\0\1", 4);
            row.push_back(marked ? 1 : 0);
            rows.bytes(row);
            ++staged;
            if ((staged & 0xFFFF) == 0) ctx.check_interrupted();
        });
        framing.end();
        rows.finish();
    }
    ctx.counts.rows_written = staged + kept_elsewhere;
    lap("copied the day's first arrivals into staging.events in key order");
    // a large load changes the table's shape: fresh statistics of load_date, the column the day's readers filter
    // on (a new date the old statistics never saw), keep the fact loader's plans right. Only that column, as
    // for the orders (sql/staging/orders_analyze.sql): a whole-table analyze also sorts the sample's text
    // columns, 1.3 s of this task at twelve nights of 500,000 events with UUID ids (0.26 s at two). And the
    // load_date BRIN summarizes the new pages now (autovacuum would, some time later), or every reader of one
    // load date (this transform's next run, load_fact_events) scans all the pages never summarized
    db.exec("analyze staging.events (load_date)");
    db.exec("select brin_summarize_new_values('staging.staging_events_load_date'::regclass)");
    lap("analyzed staging.events");
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("staged {} events into staging.events in {:.2f} s ({}); {} held by another load's earlier "
                 "arrival, {} replacing a later one, {} row(s) of an earlier run replaced, {} stale row(s) removed "
                 "({} taken over by another load's arrival)",
                 with_commas(staged), secs, rate(ctx.counts.rows_read, secs), with_commas(kept_elsewhere),
                 with_commas(replacing), with_commas(own),
                 with_commas(stale), with_commas(handed_over));
}

}  // namespace ecomm
