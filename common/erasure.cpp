// The erased-users registry check shared by the extracts and transforms.
#include "common/erasure.hpp"

#include <spdlog/spdlog.h>

namespace ecomm {

long long redact_erased_users(Connection& db, std::string_view feed, const std::string& date, std::string_view stage) {
    long long changed = db.scalar_int("select private.redact_erased_day($1, $2::date, $3)",
                                      {std::string(feed), date, std::string(stage)});
    if (changed > 0) spdlog::info("redacted {} row(s) of erased users ({} {})", changed, feed, stage);
    return changed;
}

void vacuum_changed(TaskContext& ctx, const std::vector<std::string>& relations) {
    for (const auto& relation : relations) {
        ctx.check_interrupted();
        ctx.db->exec("vacuum (analyze) " + relation);
    }
    if (!relations.empty()) spdlog::info("vacuumed {} table(s) with changed rows", relations.size());
}

}  // namespace ecomm
