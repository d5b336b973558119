// Orders extract. Every line of every file of the day is either copied to raw.orders as it is, or
// quarantined with its reason; blank lines are not records. The whole date is replaced in one transaction.
#include "extract_orders.hpp"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "common/erasure.hpp"
#include "common/copy.hpp"
#include "common/landing.hpp"
#include "common/line_reader.hpp"
#include "common/logging.hpp"
#include "common/quarantine.hpp"
#include "common/raw_records.hpp"
#include "common/record_checks.hpp"

namespace ecomm {

static_assert(LineReader::padding >= simdjson::SIMDJSON_PADDING, "LineReader must pad lines for simdjson");

void extract_orders(TaskContext& ctx) {
    auto started = std::chrono::steady_clock::now();
    DayDrop drop = find_day_drop(ctx.options.data_dir, "orders", ctx.date(), {".json", ".json.gz"});
    Connection& db = *ctx.db;
    const std::string partition = begin_raw_load(db, "orders", ctx.date());

    Quarantine quarantine("orders", ctx.date());
    BinaryCopyIn raw(db, "copy " + partition +
                             " (load_date, source_file, line_no, record) from stdin with (format binary, freeze)");
    simdjson::dom::parser parser;
    long long blank = 0;
    for (const auto& path : drop.files) {
        const std::string source = lineage_name(path);
        LineReader reader(path);
        Line line;
        long long file_rows = 0;
        while (reader.next(line)) {
            if (is_blank(line.text)) {
                ++blank;
                continue;
            }
            ++ctx.counts.rows_read;
            if ((ctx.counts.rows_read & 0xFFFF) == 0) ctx.check_interrupted();
            auto problem = check_json_record(parser, line.text, line.terminated);
            if (problem) {
                quarantine.add(problem->reason, source, line.number, problem->detail, line.text);
                continue;
            }
            raw.date(ctx.load_day()).text(source).int8(line.number).text(line.text);
            raw.end_row();
            ++file_rows;
        }
        spdlog::info("{}: {} records, {} bytes", source, with_commas(file_rows), with_commas(reader.bytes_read()));
    }
    ctx.counts.rows_written = raw.finish();
    end_raw_load(db, "orders", ctx.date());
    ctx.counts.rows_quarantined = quarantine.store(db, "extract");
    redact_erased_users(db, "orders", ctx.date(), "extract");  // erased users stay erased on a reload
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("loaded {} rows into raw.orders from {} file(s) in {:.2f} s ({}); quarantined {}; {} blank line(s)",
                 with_commas(ctx.counts.rows_written), drop.files.size(), secs, rate(ctx.counts.rows_read, secs),
                 with_commas(ctx.counts.rows_quarantined), blank);
}

}  // namespace ecomm
