// The landing zone: <data-dir>/incoming/<feed>/<YYYY-MM-DD>/<files> with _SUCCESS written last.
#pragma once

#include <string>
#include <vector>

#include "common/db.hpp"
#include "common/errors.hpp"

namespace ecomm {

struct DayDrop {
    std::string dir;                 // <data-dir>/incoming/<feed>/<date>
    std::vector<std::string> files;  // full paths, sorted by file name (the arrival order docs/DATA_CONTRACT.md uses)
};

// Finds the day's files of a feed whose names end with one of `extensions` (".json", ".json.gz").
// Throws NothingToDo (exit 99) when the day folder does not exist, RetryableError (exit 1) when it has no
// _SUCCESS yet. Other files (not matching, hidden, _SUCCESS) are ignored and logged.
DayDrop find_day_drop(const std::string& data_dir, const std::string& feed, const std::string& date,
                      const std::vector<std::string>& extensions);

// The one "no drop for this date" rule, for every task after the extract: the feed's extract found a drop
// (its latest verdict for the date is succeeded, not skipped); before any extract ran, whether anything of
// that date was landed in raw.<feed> or quarantined. A transform that finds no raw row of a date that had a
// drop has an empty delivery to apply, not "no drop".
bool feed_has_drop(Connection& db, const std::string& feed, const std::string& load_date);

// The skip (exit 99) for a date the feed delivered nothing for: "no <feed> drop for <date> (<why>)".
NothingToDo no_drop(const std::string& feed, const std::string& date, const std::string& why);

// The file name relative to the data dir's incoming/ folder ("orders/2025-12-13/part-1.json"):
// what the audit trail and error messages show.
std::string lineage_name(const std::string& path);

}  // namespace ecomm
