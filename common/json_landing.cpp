// The JSON feeds' extract path into raw.<feed>.
#include "common/json_landing.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/erasure.hpp"
#include "common/landing.hpp"
#include "common/line_reader.hpp"
#include "common/logging.hpp"
#include "common/raw_records.hpp"
#include "common/record_checks.hpp"
#include "common/sql_names.hpp"

namespace ecomm {

static_assert(LineReader::padding >= simdjson::SIMDJSON_PADDING, "LineReader must pad lines for simdjson");

RawJsonLanding::RawJsonLanding(TaskContext& ctx, const std::string& feed)
    : ctx_(ctx), feed_(feed), quarantine_(feed, ctx.date()) {
    Connection& db = *ctx.db;
    const std::string table = quoted_name(db, "raw." + feed);
    day_partitions_ = db.scalar("select relkind = 'p' from pg_class where oid = $1::regclass", {table}) == "t";
    std::string target = table, options = "format binary";
    if (day_partitions_) {
        target = begin_raw_load(db, feed, ctx.date());
        options += ", freeze";
    } else {
        db.exec("delete from " + table + " where load_date = $1::date", {ctx.date()});
    }
    copy_.emplace(db, "copy " + target + " (load_date, source_file, line_no, record) from stdin with (" + options +
                          ")");
}

void RawJsonLanding::add(const std::string& file, long line, std::string_view text, bool terminated) {
    ++records_;
    if (auto problem = check_json_record(parser_, text, terminated)) {
        quarantine_.add(problem->reason, file, line, problem->detail, text);
        return;
    }
    copy_->date(ctx_.load_day()).text(file).int8(line).text(text);
    copy_->end_row();
    if ((records_ & 0xFFFF) == 0) ctx_.check_interrupted();
}

void RawJsonLanding::add_ndjson_file(const std::string& path) {
    const std::string file = lineage_name(path);
    LineReader reader(path);
    Line line;
    const long long before = records_;
    while (reader.next(line)) {
        std::string_view text = line.text;
        if (!text.empty() && text.back() == '\r') text.remove_suffix(1);  // CRLF files
        if (is_blank(text)) continue;                                     // blank line: no record
        add(file, line.number, text, line.terminated);
    }
    spdlog::info("{}: {} records, {} bytes", file, with_commas(records_ - before), with_commas(reader.bytes_read()));
}

void RawJsonLanding::finish() {
    ctx_.counts.rows_written = copy_->finish();
    if (day_partitions_) end_raw_load(*ctx_.db, feed_, ctx_.date());
    ctx_.counts.rows_read = records_;
    ctx_.counts.rows_quarantined = quarantine_.store(*ctx_.db, "extract");
}

void extract_ndjson_feed(TaskContext& ctx, const std::string& feed, const std::vector<std::string>& extensions) {
    auto started = std::chrono::steady_clock::now();
    DayDrop drop = find_day_drop(ctx.options.data_dir, feed, ctx.date(), extensions);
    RawJsonLanding landing(ctx, feed);
    for (const auto& path : drop.files) landing.add_ndjson_file(path);
    landing.finish();
    redact_erased_users(*ctx.db, feed, ctx.date(), "extract");  // erased users stay erased on a reload
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("loaded {} rows into raw.{} from {} file(s) in {:.2f} s ({}); quarantined {}",
                 with_commas(ctx.counts.rows_written), feed, drop.files.size(), secs, rate(ctx.counts.rows_read, secs),
                 with_commas(ctx.counts.rows_quarantined));
}

}  // namespace ecomm
