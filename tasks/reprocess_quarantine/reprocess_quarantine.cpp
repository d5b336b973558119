// Quarantine reprocessing. A record quarantined at extract (not UTF-8, not JSON, not one CSV row) never reached
// raw: it is checked again with the extract's current rules and, when it passes, copied into raw with its file
// and line, and leaves audit.bad_records, in one transaction. The feed's transform then runs as its own process
// (its lock, its audit row): it re-validates every raw record of the day with the current rules, so records
// quarantined at transform that now pass reach staging through the normal merge (the newest state still wins),
// and those still failing are quarantined again. Running it twice changes nothing more.
#include "reprocess_quarantine.hpp"

#include <simdjson.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <vector>

#include "common/copy.hpp"
#include "common/events_csv.hpp"
#include "common/logging.hpp"
#include "common/quarantine.hpp"
#include "common/record_checks.hpp"

extern char** environ;

namespace ecomm {

namespace {

constexpr std::array<std::string_view, 4> feeds = {"orders", "events", "products", "customers"};

// The extract's record rules for an events record, given its file's header: empty when it passes.
std::string check_event_record(std::string_view text, events::FieldSplitter& splitter) {
    if (text.find('\n') != std::string_view::npos) return "line break inside a quoted field";
    events::QuoteScan scan = events::scan_quotes(text);
    if (scan.open) return "quoted field not closed";
    if (scan.bad_quote) return "stray quote";
    std::string error;
    if (!splitter.split(text, error)) return error;
    return {};
}

// Runs the feed's transform (the executable next to this one) with the shared options; returns its exit code.
int run_transform(const TaskContext& ctx, const std::string& feed) {
    const std::string exe = (std::filesystem::read_symlink("/proc/self/exe").parent_path() / ("transform_" + feed)).string();
    std::vector<std::string> args = {exe, "--date", ctx.date(), "--data-dir", ctx.options.data_dir, "--log-format",
                                     ctx.options.log_format};
    if (!ctx.options.dsn.empty()) args.insert(args.end(), {"--dsn", ctx.options.dsn});
    if (!ctx.options.run_id.empty()) args.insert(args.end(), {"--run-id", ctx.options.run_id});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid;
    if (int err = posix_spawn(&pid, exe.c_str(), nullptr, nullptr, argv.data(), environ))
        throw UsageError("cannot run " + exe + ": " + std::strerror(err));
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) throw RetryableError("waiting for " + exe + ": " + std::strerror(errno));
    return WIFEXITED(status) ? WEXITSTATUS(status) : static_cast<int>(ExitCode::retry);
}

}  // namespace

void reprocess_quarantine(TaskContext& ctx, const ReprocessOptions& options) {
    const std::string& feed = options.feed;
    if (std::find(feeds.begin(), feeds.end(), feed) == feeds.end())
        throw UsageError("--feed must be one of orders, events, products, customers, got \"" + feed + "\"");
    if (!options.reason.empty() &&
        std::find(reason_names.begin(), reason_names.end(), options.reason) == reason_names.end())
        throw UsageError("--reason \"" + options.reason + "\" is not a quarantine reason");
    ctx.load_day();
    Connection& db = *ctx.db;
    const std::optional<std::string> reason =
        options.reason.empty() ? std::nullopt : std::optional<std::string>(options.reason);
    auto count_bad = [&](const char* stage) {
        return db.scalar_int("select count(*) from audit.bad_records where load_date = $1::date and feed = $2 "
                             "and ($3::text is null or reason = $3) and ($4::text is null or stage = $4)",
                             {ctx.date(), feed, reason, stage ? std::optional<std::string>(stage) : std::nullopt});
    };
    const long long before = count_bad(nullptr);
    const long long transform_before = count_bad("transform");

    Transaction tx(db);
    // Extract-stage records: checked again; invalid_utf8 ones are kept as stored (their bytes were escaped
    // for audit.bad_records, the original is only in the landed file).
    CopySpool admitted;
    long long examined = 0, escaped = 0;
    simdjson::dom::parser parser;
    std::string padded;
    std::map<std::string, events::HeaderMap> headers;  // events: each file's header, from raw.event_files
    auto rows = db.exec("select source_file, line_no, reason, record from audit.bad_records where load_date = $1::date "
                        "and feed = $2 and stage = 'extract' and ($3::text is null or reason = $3) "
                        "order by source_file collate \"C\", line_no",
                        {ctx.date(), feed, reason});
    for (int i = 0; i < rows.rows(); ++i) {
        ++examined;
        const std::string source(rows.get(i, 0));
        const std::string_view record = rows.get(i, 3);
        if (rows.get(i, 2) == "invalid_utf8") {
            ++escaped;
            continue;
        }
        std::string why;
        if (feed == "events") {
            auto it = headers.find(source);
            if (it == headers.end()) {
                auto header = db.scalar("select header from raw.event_files where load_date = $1::date and source_file = $2",
                                        {ctx.date(), source});
                if (!header) continue;  // the file's header never landed: nothing to check the record against
                it = headers.emplace(source, events::parse_header(*header, source)).first;
            }
            events::FieldSplitter splitter(it->second);
            why = check_event_record(record, splitter);
        } else {
            padded.assign(record);
            padded.append(simdjson::SIMDJSON_PADDING, ' ');
            auto problem = check_json_record(parser, std::string_view(padded.data(), record.size()));
            if (problem) why = problem->detail;
        }
        if (!why.empty()) continue;
        admitted.field(source).field(rows.integer(i, 1)).field(record);
        admitted.end_row();
    }
    db.exec("create temporary table reprocess_admitted (source_file text, line_no bigint, record text) on commit drop");
    const long long moved = admitted.load(db, "copy reprocess_admitted from stdin with (format text)");
    if (moved > 0) {
        db.exec("insert into raw." + db.quote_identifier(feed) +
                    " (load_date, source_file, line_no, record) select $1::date, source_file, line_no, record "
                    "from reprocess_admitted",
                {ctx.date()});
        db.exec("delete from audit.bad_records b using reprocess_admitted a where b.load_date = $1::date "
                "and b.feed = $2 and b.stage = 'extract' and b.source_file = a.source_file and b.line_no = a.line_no",
                {ctx.date(), feed});
    }
    tx.commit();
    spdlog::info("{} {} record(s) quarantined at extract for {} checked again: {} now pass and went to raw.{}; {} "
                 "invalid UTF-8 kept (re-land the file to retry them)",
                 with_commas(examined), feed, ctx.date(), with_commas(moved), feed, with_commas(escaped));

    if (moved > 0 || transform_before > 0) {
        int code = run_transform(ctx, feed);
        if (code != 0 && code != static_cast<int>(ExitCode::skipped))
            throw TaskError(static_cast<ExitCode>(code), "transform_" + feed + " exited " + std::to_string(code));
    }
    const long long after = count_bad(nullptr);
    ctx.counts.rows_read = before;
    ctx.counts.rows_written = std::max(0LL, before - after);
    ctx.counts.rows_quarantined = after;
    spdlog::info("reprocessed {} quarantined {} record(s) of {}: {} now in staging's path, {} still quarantined",
                 with_commas(before), feed, ctx.date(), with_commas(ctx.counts.rows_written), with_commas(after));
}

}  // namespace ecomm
