// A JSON feed's transform on a date whose raw layer holds no record: either no drop came (exit 99), or an
// empty drop was re-delivered, which replaces the earlier delivery's staged rows.
#pragma once

#include <optional>
#include <string>

#include "common/db.hpp"

namespace ecomm {

// nullopt when raw.<feed> holds records for the date. Otherwise throws no_drop when no drop came; else runs
// remove_sql_file (an sql/ file, $1 = the date) to remove the earlier delivery's staged rows, stores the
// drop's quarantined records, and returns how many rows it removed.
std::optional<long long> clear_day_of_empty_drop(Connection& db, const std::string& feed, const std::string& date,
                                                 const std::string& remove_sql_file);

}  // namespace ecomm
