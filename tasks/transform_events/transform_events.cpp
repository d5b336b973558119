// Events transform. raw.events rows stream out on a second connection, are split by their file's header
// (raw.event_files), checked against the contract and streamed, already typed, into a temporary batch table on
// the task's connection. One set-based merge then moves the batch into staging.events.
#include "transform_events.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>

#include "common/erasure.hpp"
#include "common/copy.hpp"
#include "common/events_csv.hpp"
#include "common/logging.hpp"
#include "common/quarantine.hpp"
#include "common/sql_files.hpp"
#include "common/timeutil.hpp"
#include "event_rules.hpp"
#include "handed_over.hpp"

namespace ecomm {

namespace {

using events::Column;

// raw.events columns as read back: source_file, line_no, the nine field columns (filled only for loads landed
// before raw.event_files), record.
constexpr size_t first_field = 2;
constexpr size_t record_col = first_field + events::column_count;

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

// The merge keeps, per event_id, the arrival with the smallest (load_date, source_file, line_no); the row
// of this very load (a rerun) is always replaced. replaced_earlier records that the event arrived in more
// than one load, whichever order they ran in (so it is order-independent too): load_fact_events then looks
// for another load's fact row of it.
//
// It runs in two parts because INSERT ... ON CONFLICT (speculative insertion) measured 2-3x slower than a
// plain INSERT on a million rows: the batch's events that staging already holds (events_seen, usually a
// handful) are compared and updated, and all the others are inserted plainly.

// The batch's first arrival per event_id (of the rows meeting `condition`) with its user key, as `final`.
// Only the events that may occur more than once in the batch (batch_repeats, see RepeatFilter) are sorted to
// find their first arrival; every other row is its event's only one and goes through as it comes, in the
// files' order, which spares sorting the whole batch (an external sort of 840 MB for five million events).
std::string batch_ctes(const std::string& condition) {
    return R"sql(
with

batch as (
    select b.*
    from events_batch b
    where )sql" + condition + R"sql(
      and not exists (select 1 from batch_repeats r where r.event_id = b.event_id)
    union all
    (
        select distinct on (b.event_id) b.*
        from events_batch b
        where )sql" + condition + R"sql(
          and b.event_id in (select r.event_id from batch_repeats r)
        order by b.event_id, b.source_file, b.line_no
    )
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
        batch_ctes("not exists (select 1 from events_seen x where x.event_id = b.event_id)") + R"sql(
insert into staging.events (event_id, event_ts, event_date, event_type, session_id, user_key, product_id,
                            page_url, device, country, load_date, source_file, line_no)
select * from final
)sql";
    return sql;
}

const std::string& update_seen_sql() {
    static const std::string sql = [] {
        std::string s = batch_ctes("b.event_id in (select x.event_id from events_seen x)") + R"sql(
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

// Flags the rows whose event_id may have come earlier in the batch: a Bloom filter of fixed size (memory does not
// grow with the day) that never misses a repeat and wrongly suspects well under 1% of the rows at five million
// events (more on bigger days: those rows only take the sorted path). Blocked: a key's bits all lie in one
// 64-byte block, one cache miss per row instead of one per bit.
class RepeatFilter {
public:
    bool seen_before(std::string_view key) {
        const uint64_t h = std::hash<std::string_view>{}(key);
        uint64_t* block = &words_[(h & (blocks - 1)) * words_per_block];
        bool all_set = true;
        for (int i = 0; i < probes; ++i) {
            const uint64_t bit = (h >> (20 + 9 * i)) & 511;  // 9 bits each, clear of the block number
            uint64_t& word = block[bit >> 6];
            const uint64_t mask = uint64_t{1} << (bit & 63);
            all_set = all_set && (word & mask) != 0;
            word |= mask;
        }
        return all_set;
    }

private:
    static constexpr uint64_t words_per_block = 8;     // 512 bits
    static constexpr uint64_t blocks = uint64_t{1} << 17;  // 8 MiB in all
    static constexpr int probes = 4;
    std::vector<uint64_t> words_ = std::vector<uint64_t>(blocks * words_per_block);
};

}  // namespace

void transform_events(TaskContext& ctx) {
    auto started = std::chrono::steady_clock::now();
    Connection& db = *ctx.db;
    const int64_t load_day = ctx.load_day();
    db.exec(R"sql(
        create temporary table events_batch (
            event_id text collate "C" not null, user_id text, session_id text not null, event_type text not null,
            event_ts timestamptz not null, event_date date not null, product_id text, page_url text,
            device text, country text, source_file text collate "C" not null, line_no bigint not null,
            repeat_suspect boolean not null  -- its event_id may occur earlier in the batch (RepeatFilter)
        ) on commit drop)sql");

    // The raw rows stream in on a second connection while the batch COPY runs on this one.
    Connection reader(ctx.options.dsn, ctx.task + "_reader");
    Quarantine quarantine("events", ctx.date());
    const LoadFiles files = load_files(db, ctx.date());
    BinaryCopyIn batch(db, "copy events_batch from stdin with (format binary)");
    std::array<std::string_view, events::column_count> fields;
    std::string source, error;
    FileColumns* file = nullptr;  // the splitter of `source`, the current row's file; null for a load landed
                                  // before raw.event_files

    RepeatFilter repeats;
    long long bad_rows = 0, suspects = 0;
    const std::string read_sql =
        "copy (select source_file, line_no, event_id, user_id, session_id, event_type, event_ts, product_id, "
        "page_url, device, country, record from raw.events where load_date = " +
        db.quote_literal(ctx.date()) + ") to stdout";
    ctx.counts.rows_read = copy_out_binary(reader, read_sql, [&](const std::vector<std::string_view>& cols) {
        if (cols.size() != record_col + 1) throw RetryableError("raw.events row with an unexpected column count");
        if (cols[0] != source) {  // rows come file by file: one lookup per file, not per row
            source.assign(cols[0]);
            auto it = files.find(source);
            file = it == files.end() ? nullptr : it->second.get();
        }
        const long long line_no = read_int8(cols[1]);
        const std::string_view record = cols[record_col];
        std::optional<events::EventProblem> problem;
        if (file) {
            if (file->splitter.split(record, error)) {
                for (size_t c = 0; c < events::column_count; ++c) {
                    const char* v = file->splitter.field(static_cast<Column>(c));
                    fields[c] = v ? std::string_view(v) : std::string_view();
                }
            } else {  // landed by hand: the extract lands only well-formed rows
                problem = events::EventProblem{Reason::malformed, error};
            }
        } else {
            for (size_t c = 0; c < events::column_count; ++c) fields[c] = cols[first_field + c];  // null: empty
        }
        int64_t ts = 0;
        if (!problem) problem = events::check_event(fields, load_day, ts);
        if (problem) {
            quarantine.add(problem->reason, source, line_no, problem->detail, record);
            ++bad_rows;
            return;
        }
        auto optional = [&](Column c) -> BinaryRowWriter& {
            return fields[c].empty() ? batch.null() : batch.text(fields[c]);
        };
        batch.text(fields[events::event_id]);
        optional(events::user_id);
        batch.text(fields[events::session_id]).text(fields[events::event_type]);
        batch.timestamp(ts).date(utc_day(ts));
        optional(events::product_id);
        optional(events::page_url);
        optional(events::device);
        optional(events::country);
        batch.text(source).int8(line_no);
        const bool suspect = repeats.seen_before(fields[events::event_id]);
        suspects += suspect;
        batch.boolean(suspect);
        batch.end_row();
        if ((batch.rows() & 0xFFFF) == 0) ctx.check_interrupted();
    });
    const long long valid = batch.finish();
    ctx.counts.rows_quarantined = quarantine.store(db, "transform");
    redact_erased_users(db, "events", ctx.date(), "transform");  // erased users stay erased on a reload
    double read_secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("checked {} raw events in {:.2f} s ({}): {} valid, {} quarantined; {} possible repeat(s) of an "
                 "event_id", with_commas(ctx.counts.rows_read), read_secs, rate(ctx.counts.rows_read, read_secs),
                 with_commas(valid), with_commas(bad_rows), with_commas(suspects));

    db.exec("analyze events_batch");
    // the events that may occur more than once in the batch: the only ones whose first arrival needs a sort
    db.exec(R"sql(
        create temporary table batch_repeats on commit drop as
        select distinct event_id from events_batch where repeat_suspect)sql");
    db.exec("analyze batch_repeats");
    // the hashes and sorts fit in memory instead of spilling to disk; JIT compilation costs more than it saves
    // on these plain scans
    db.exec("set local work_mem = '256MB'");
    db.exec("set local jit = off");
    // and never a merge join on user_id: it would sort the batch, which goes into staging in the files' order
    // (event ids that grow through the files make the key's B-tree inserts appends)
    db.exec("set local enable_mergejoin = off");
    // This load's rows whose event is no longer in the load (the raw day changed since) go first; another
    // load's arrival of such an event takes over its row.
    static const std::string gone_sql = read_sql_file("staging/events_gone_from_load.sql");
    db.exec("create temporary table events_gone (event_id text collate \"C\" not null) on commit drop");
    const long long stale = db.exec(gone_sql, {ctx.date()}).affected();
    const long long handed_over = stale > 0 ? hand_over_gone_events(db, ctx.date()) : 0;
    // The batch's users with their pseudonymous key, hashed once per user, in a table with statistics: as a
    // CTE over the batch it made the planner copy the whole batch into a tuple store (read twice), and with a
    // guessed size it may hash the batch against the users instead of streaming the sorted batch through.
    db.exec(R"sql(
        create temporary table batch_users on commit drop as
        select u.user_id, private.user_key(u.user_id) as user_key
        from (select distinct user_id from events_batch where user_id is not null) u)sql");
    db.exec("analyze batch_users");
    // The batch's events that staging already holds (other loads' arrivals). Only an id up to staging's greatest
    // (read from its key, at once) can be there: with ids that grow with time, as the generator's and most
    // producers' do, those are the few re-sent events, looked up by key, and staging's other days are never
    // read. Random ids (UUIDs) all qualify.
    // The candidates go into a table with statistics first, so the planner sees how many they are.
    db.exec(R"sql(
        create temporary table batch_old_ids on commit drop as
        select distinct b.event_id
        from events_batch b
        where b.event_id <= (select max(x.event_id) from staging.events x)
        order by b.event_id)sql");
    db.exec("analyze batch_old_ids");
    // Each candidate probes staging's key (a nested loop over the index): what the day costs. A hash join would
    // read the whole of staging, which grows night after night (with UUIDs every id is a candidate). The
    // candidates are stored in key order, so the probes walk the index's leaves in order instead of jumping:
    // 250,000 UUID probes took 1.9 s sorted, 4.3-5.0 s unsorted, 4.5 s hashed into 1.5M staged events, and
    // 2.9-3.8 s, 6.0-6.9 s, 7.5 s into 3M (docs/PERFORMANCE.md).
    db.exec("set local enable_hashjoin = off");
    db.exec(R"sql(
        create temporary table events_seen on commit drop as
        select s.event_id
        from staging.events s
        join batch_old_ids c using (event_id))sql");
    db.exec("set local enable_hashjoin = on");
    db.exec("analyze events_seen");
    const long long seen = db.exec(update_seen_sql(), {ctx.date()}).affected();
    ctx.counts.rows_written = seen + db.exec(insert_new_sql(), {ctx.date()}).affected();
    // a large load changes the table's shape: fresh statistics keep the fact loader's plans right; and the
    // load_date BRIN summarizes the new pages now (autovacuum would, some time later), or every reader of one
    // load date (this transform's next run, load_fact_events) scans all the pages never summarized
    db.exec("analyze staging.events");
    db.exec("select brin_summarize_new_values('staging.staging_events_load_date'::regclass)");
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("merged {} events into staging.events in {:.2f} s ({}); {} already held (compared with their "
                 "arrival), {} repeat(s) within the load, {} stale row(s) removed ({} taken over by another load's "
                 "arrival)",
                 with_commas(ctx.counts.rows_written), secs, rate(ctx.counts.rows_read, secs), with_commas(seen),
                 with_commas(valid - ctx.counts.rows_written), with_commas(stale),
                 with_commas(handed_over));
}

}  // namespace ecomm
