// erase_user: one transaction removes users' personal values from every layer and records it; then VACUUM.
#include "erase_user.hpp"

#include <spdlog/spdlog.h>

#include <fstream>

#include "common/logging.hpp"

namespace ecomm {

std::vector<std::string> erasure_ids(const EraseOptions& options) {
    std::vector<std::string> ids;
    for (const auto& id : options.user_ids)
        if (!id.empty()) ids.push_back(id);
    if (!options.from_file.empty()) {
        std::ifstream in(options.from_file);
        if (!in) throw UsageError("cannot read " + options.from_file);
        std::string line;
        for (long long n = 1; std::getline(in, line); ++n) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            auto first = line.find_first_not_of(" \t");
            if (first == std::string::npos || line[first] == '#') continue;
            auto last = line.find_last_not_of(" \t");
            std::string id = line.substr(first, last - first + 1);
            if (id.find('\n') != std::string::npos || id.find(',') != std::string::npos)
                throw UsageError(options.from_file + ":" + std::to_string(n) + ": one user id per line");
            ids.push_back(std::move(id));
        }
    }
    if (ids.empty()) throw UsageError("no user to erase: give --user-id ID or --from-file PATH");
    return ids;
}

void erase_users(TaskContext& ctx, const EraseOptions& options, std::vector<std::string>& changed) {
    std::vector<std::string> ids = erasure_ids(options);
    std::string joined;
    for (const auto& id : ids) joined.append(id).push_back('\n');
    joined.pop_back();
    Result r = ctx.db->exec(
        "select r from private.erase_users(string_to_array($1, E'\\n'), $2, $3) r",
        {joined, options.request_id.empty() ? std::nullopt : std::optional<std::string>(options.request_id),
         ctx.options.run_id.empty() ? std::nullopt : std::optional<std::string>(ctx.options.run_id)});
    changed.clear();
    for (int i = 0; i < r.rows(); ++i) changed.push_back(r.text(i, 0));
    Result per_table = ctx.db->exec(
        "select coalesce(sum(v::bigint), 0) from audit.erasures e, jsonb_each_text(e.rows_changed) j(k, v) "
        "where e.erased_at = now()");  // this transaction's rows: runs of erase_user never overlap
    ctx.counts.rows_read = static_cast<long long>(ids.size());
    ctx.counts.rows_written = per_table.integer(0, 0);
    spdlog::info("erased {} user(s){}: {} row(s) changed in {} table(s)", ids.size(),
                 options.request_id.empty() ? "" : " for request " + options.request_id,
                 with_commas(ctx.counts.rows_written), changed.size());
}

}  // namespace ecomm
