// Landing-zone discovery.
#include "common/landing.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "common/errors.hpp"

namespace fs = std::filesystem;

namespace ecomm {

DayDrop find_day_drop(const std::string& data_dir, const std::string& feed, const std::string& date,
                      const std::vector<std::string>& extensions) {
    DayDrop drop;
    drop.dir = (fs::path(data_dir) / "incoming" / feed / date).string();
    std::error_code ec;
    if (!fs::is_directory(drop.dir, ec)) {
        if (!fs::is_directory(data_dir, ec))
            throw UsageError("data dir " + data_dir + " does not exist");
        throw no_drop(feed, date, drop.dir + " does not exist");
    }
    if (!fs::exists(fs::path(drop.dir) / "_SUCCESS", ec))
        throw RetryableError(feed + " drop for " + date + " is not complete yet: " + drop.dir + "/_SUCCESS is missing");
    for (const auto& entry : fs::directory_iterator(drop.dir)) {
        const std::string name = entry.path().filename().string();
        if (name == "_SUCCESS" || name.starts_with(".") || !entry.is_regular_file()) continue;
        bool wanted = std::any_of(extensions.begin(), extensions.end(),
                                  [&](const std::string& ext) { return name.ends_with(ext); });
        if (wanted)
            drop.files.push_back(entry.path().string());
        else
            spdlog::warn("ignoring {}: not a {} file", lineage_name(entry.path().string()), feed);
    }
    std::sort(drop.files.begin(), drop.files.end());
    return drop;
}

bool feed_has_drop(Connection& db, const std::string& feed, const std::string& load_date) {
    auto extract = db.scalar(
        "select status from audit.task_runs where task = $1 and run_date = $2::date "
        "and status in ('succeeded', 'skipped') order by task_run_id desc limit 1",
        {"extract_" + feed, load_date});
    if (extract) return *extract == "succeeded";
    std::string sql = "select exists (select 1 from audit.bad_records where feed = $1 and load_date = $2::date)";
    if (db.scalar("select to_regclass($1) is not null", {"raw." + feed}).value_or("f") == "t")
        sql += " or exists (select 1 from " + db.quote_identifier("raw") + "." + db.quote_identifier(feed) +
               " where load_date = $2::date)";
    return db.scalar(sql, {feed, load_date}).value_or("f") == "t";
}

NothingToDo no_drop(const std::string& feed, const std::string& date, const std::string& why) {
    return NothingToDo("no " + feed + " drop for " + date + " (" + why + ")");
}

std::string lineage_name(const std::string& path) {
    const std::string marker = "/incoming/";
    auto pos = path.rfind(marker);
    return pos == std::string::npos ? fs::path(path).filename().string() : path.substr(pos + marker.size());
}

}  // namespace ecomm
