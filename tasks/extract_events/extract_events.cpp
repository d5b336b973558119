// Events extract. Every record of every file of the day is either copied to raw.events (the exact line with
// its file and line number) or quarantined with its reason, and each file's header goes to raw.event_files
// (transform_events splits the lines by it); the date is replaced in one transaction.
#include "extract_events.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>

#include "common/erasure.hpp"
#include "common/copy.hpp"
#include "common/events_csv.hpp"
#include "common/landing.hpp"
#include "common/line_reader.hpp"
#include "common/logging.hpp"
#include "common/quarantine.hpp"
#include "common/raw_records.hpp"
#include "common/record_checks.hpp"

namespace ecomm {

namespace {

struct FileHeader {
    std::string text;  // the first line, byte order mark and final CR removed
    events::HeaderMap columns;
};

// The header of one file, or nullopt for an empty file (no line at all: nothing to load).
std::optional<FileHeader> read_header(LineReader& reader, const std::string& source) {
    Line line;
    if (!reader.next(line)) return std::nullopt;
    std::string_view text = events::without_cr(line.text);
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 byte order mark
    if (is_blank(text)) {
        Line more;
        if (!reader.next(more)) return std::nullopt;  // a file of one blank line is empty too
        throw DataError(source, 1, "the first line must be the header, found a blank line");
    }
    if (!is_valid_utf8(text)) throw DataError(source, 1, "the header is not valid UTF-8");
    return FileHeader{std::string(text), events::parse_header(text, source)};
}

}  // namespace

void extract_events(TaskContext& ctx) {
    auto started = std::chrono::steady_clock::now();
    DayDrop drop = find_day_drop(ctx.options.data_dir, "events", ctx.date(), {".csv", ".csv.gz"});

    // Every header first: a file missing a required column rejects the whole day before anything is
    // written (loading the other files would make a day that looks complete and is not).
    for (const auto& path : drop.files) {
        LineReader reader(path, 1 << 16);
        read_header(reader, lineage_name(path));
    }

    Connection& db = *ctx.db;
    const std::string partition = begin_raw_load(db, "events", ctx.date());
    Quarantine quarantine("events", ctx.date());
    BinaryCopyIn raw(db, "copy " + partition +
                             " (load_date, source_file, line_no, record) from stdin with (format binary, freeze)");
    std::vector<std::pair<std::string, std::string>> headers;  // file, header text
    std::string error;
    long long blank = 0;
    for (const auto& path : drop.files) {
        const std::string source = lineage_name(path);
        LineReader reader(path);
        auto header = read_header(reader, source);
        if (!header) {
            spdlog::warn("{}: empty file, no header and no records", source);
            continue;
        }
        headers.emplace_back(source, header->text);
        events::RecordReader records(reader, header->columns.file_columns());
        // splits each record only to check it is one well-formed row: the fields are not stored
        events::FieldSplitter splitter(header->columns);
        events::Record rec;
        long long file_rows = 0, file_bad = 0;
        while (records.next(rec)) {
            if (rec.lines == 1 && is_blank(rec.text)) {
                ++blank;
                continue;
            }
            if ((++ctx.counts.rows_read & 0xFFFF) == 0) ctx.check_interrupted();
            std::optional<Reason> reason;
            if (!is_valid_utf8(rec.text)) {
                reason = Reason::invalid_utf8;
                error = "invalid UTF-8 at byte " + std::to_string(first_invalid_utf8(rec.text) + 1);
            } else if (rec.spans_lines()) {
                reason = Reason::malformed;
                error = "line break inside a quoted field (lines " + std::to_string(rec.line_no) + "-" +
                        std::to_string(rec.line_no + rec.lines - 1) + ")";
            } else if (rec.unclosed_quote) {
                reason = Reason::malformed;
                error = "quoted field not closed";
            } else if (rec.bad_quote) {
                reason = Reason::malformed;
                error = "stray quote: a field with a quote must be quoted whole, its quotes doubled";
            } else if (!splitter.split(rec.text, error)) {
                reason = Reason::malformed;
            }
            if (reason) {
                quarantine.add(*reason, source, rec.line_no, error, rec.text);
                ++file_bad;
                continue;
            }
            raw.date(ctx.load_day()).text(source).int8(rec.line_no).text(rec.text);
            raw.end_row();
            ++file_rows;
        }
        spdlog::info("{}: {} records, {} quarantined, {} bytes", source, with_commas(file_rows), with_commas(file_bad),
                     with_commas(reader.bytes_read()));
    }
    ctx.counts.rows_written = raw.finish();
    end_raw_load(db, "events", ctx.date());
    db.exec("delete from raw.event_files where load_date = $1::date", {ctx.date()});
    for (const auto& [source, header] : headers)
        db.exec("insert into raw.event_files (load_date, source_file, header) values ($1::date, $2, $3)",
                {ctx.date(), source, header});
    ctx.counts.rows_quarantined = quarantine.store(db, "extract");
    redact_erased_users(db, "events", ctx.date(), "extract");  // erased users stay erased on a reload
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("loaded {} rows into raw.events from {} file(s) in {:.2f} s ({}); quarantined {}; {} blank line(s)",
                 with_commas(ctx.counts.rows_written), drop.files.size(), secs, rate(ctx.counts.rows_read, secs),
                 with_commas(ctx.counts.rows_quarantined), blank);
}

}  // namespace ecomm
