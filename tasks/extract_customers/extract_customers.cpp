// extract_customers: incoming/customers/<date>/*.json -> raw.customers (rerun replaces the date).
// Lines are found with LineReader (memchr), never iterate_many: one broken line must not end the file.
#include "extract_customers.hpp"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "common/erasure.hpp"
#include "common/copy.hpp"
#include "common/landing.hpp"
#include "common/line_reader.hpp"
#include "common/logging.hpp"
#include "common/quarantine.hpp"
#include "common/record_checks.hpp"

namespace ecomm {

static_assert(LineReader::padding >= simdjson::SIMDJSON_PADDING, "LineReader must pad lines for simdjson");

void extract_customers(TaskContext& ctx) {
    auto started = std::chrono::steady_clock::now();
    DayDrop drop = find_day_drop(ctx.options.data_dir, "customers", ctx.date(), {".json"});
    Connection& db = *ctx.db;
    db.exec("delete from raw.customers where load_date = $1::date", {ctx.date()});

    Quarantine quarantine("customers", ctx.date());
    simdjson::dom::parser parser;
    long long lines = 0;
    {
        CopyIn copy(db, "copy raw.customers (load_date, source_file, line_no, record) from stdin with (format text)");
        for (const std::string& path : drop.files) {
            const std::string file = lineage_name(path);
            LineReader reader(path);
            Line line;
            while (reader.next(line)) {
                std::string_view text = line.text;
                if (!text.empty() && text.back() == '\r') text.remove_suffix(1);  // CRLF files
                if (is_blank(text)) continue;  // blank line: no record
                ++lines;
                if (auto problem = check_json_record(parser, text, line.terminated)) {
                    quarantine.add(problem->reason, file, line.number, problem->detail, text);
                    continue;
                }
                copy.raw_field(ctx.date()).field(file).field(static_cast<long long>(line.number)).field(text);
                copy.end_row();
                if ((lines & 0xFFFF) == 0) ctx.check_interrupted();
            }
        }
        ctx.counts.rows_written = copy.finish();
    }
    ctx.counts.rows_read = lines;
    ctx.counts.rows_quarantined = quarantine.store(db, "extract");
    redact_erased_users(db, "customers", ctx.date(), "extract");  // erased users stay erased on a reload
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("loaded {} rows into raw.customers from {} file(s), {} quarantined, in {:.2f} s ({})",
                 with_commas(ctx.counts.rows_written), drop.files.size(), with_commas(ctx.counts.rows_quarantined),
                 seconds, rate(lines, seconds));
}

}  // namespace ecomm
