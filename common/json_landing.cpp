// The JSON feeds' extract path into raw.<feed>.
#include "common/json_landing.hpp"

#include "common/landing.hpp"
#include "common/line_reader.hpp"
#include "common/record_checks.hpp"
#include "common/sql_names.hpp"

namespace ecomm {

static_assert(LineReader::padding >= simdjson::SIMDJSON_PADDING, "LineReader must pad lines for simdjson");

RawJsonLanding::RawJsonLanding(TaskContext& ctx, const std::string& feed) : ctx_(ctx), quarantine_(feed, ctx.date()) {
    Connection& db = *ctx.db;
    const std::string table = quoted_name(db, "raw." + feed);
    db.exec("delete from " + table + " where load_date = $1::date", {ctx.date()});
    copy_.emplace(db, "copy " + table + " (load_date, source_file, line_no, record) from stdin with (format text)");
}

void RawJsonLanding::add(const std::string& file, long line, std::string_view text, bool terminated) {
    ++records_;
    if (auto problem = check_json_record(parser_, text, terminated)) {
        quarantine_.add(problem->reason, file, line, problem->detail, text);
        return;
    }
    copy_->raw_field(ctx_.date()).field(file).field(static_cast<long long>(line)).field(text);
    copy_->end_row();
    if ((records_ & 0xFFFF) == 0) ctx_.check_interrupted();
}

void RawJsonLanding::add_ndjson_file(const std::string& path) {
    const std::string file = lineage_name(path);
    LineReader reader(path);
    Line line;
    while (reader.next(line)) {
        std::string_view text = line.text;
        if (!text.empty() && text.back() == '\r') text.remove_suffix(1);  // CRLF files
        if (is_blank(text)) continue;                                     // blank line: no record
        add(file, line.number, text, line.terminated);
    }
}

void RawJsonLanding::finish() {
    ctx_.counts.rows_written = copy_->finish();
    ctx_.counts.rows_read = records_;
    ctx_.counts.rows_quarantined = quarantine_.store(*ctx_.db, "extract");
}

}  // namespace ecomm
