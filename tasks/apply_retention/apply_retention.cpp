// apply_retention: runs the retention rules (sql/retention.json) for a date; what it did is in audit.retention_runs.
#include "apply_retention.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ecomm {

void apply_retention(TaskContext& ctx, const RetentionOptions& options, std::vector<std::string>& changed) {
    std::string path = options.rules_path;
    if (path.empty()) {
        const char* env = std::getenv("ECOMM_RETENTION_RULES");
        path = env && *env ? env : sql_dir() + "/retention.json";
    }
    std::ifstream in(path);
    if (!in) throw UsageError("cannot read the retention rules " + path);
    std::stringstream text;
    text << in.rdbuf();
    auto run = [&] {
        return ctx.db->exec("select r from private.apply_retention($1::date, $2::jsonb, $3) r",
                         {ctx.date(), text.str(),
                          ctx.options.run_id.empty() ? std::nullopt : std::optional<std::string>(ctx.options.run_id)});
    };
    std::optional<Result> r;
    try {
        r.emplace(run());
    } catch (const DbError& e) {
        if (e.sqlstate() == "22P02" || e.sqlstate() == "22023")  // not JSON, or a period missing or negative
            throw UsageError(path + ": " + e.what());
        throw;
    }
    changed.clear();
    for (int i = 0; i < r->rows(); ++i) changed.push_back(r->text(i, 0));
    Result done = ctx.db->exec("select rule, days, rows_changed from audit.retention_runs where applied_at = now() order by rule");
    for (int i = 0; i < done.rows(); ++i) {
        spdlog::info("retention {}: {} day(s), {} row(s) changed", done.text(i, 0), done.text(i, 1), done.text(i, 2));
        ctx.counts.rows_written += done.integer(i, 2);
    }
}

}  // namespace ecomm
