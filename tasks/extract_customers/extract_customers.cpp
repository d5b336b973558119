// extract_customers: incoming/customers/<date>/*.json -> raw.customers (rerun replaces the date).
// Lines are found with LineReader (memchr), never iterate_many: one broken line must not end the file.
#include "extract_customers.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/erasure.hpp"
#include "common/json_landing.hpp"
#include "common/landing.hpp"
#include "common/logging.hpp"

namespace ecomm {

void extract_customers(TaskContext& ctx) {
    auto started = std::chrono::steady_clock::now();
    DayDrop drop = find_day_drop(ctx.options.data_dir, "customers", ctx.date(), {".json"});
    RawJsonLanding landing(ctx, "customers");
    for (const std::string& path : drop.files) landing.add_ndjson_file(path);
    landing.finish();
    redact_erased_users(*ctx.db, "customers", ctx.date(), "extract");  // erased users stay erased on a reload
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("loaded {} rows into raw.customers from {} file(s), {} quarantined, in {:.2f} s ({})",
                 with_commas(ctx.counts.rows_written), drop.files.size(), with_commas(ctx.counts.rows_quarantined),
                 seconds, rate(ctx.counts.rows_read, seconds));
}

}  // namespace ecomm
