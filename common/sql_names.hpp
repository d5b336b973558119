// Splicing names into a statement read from sql/: the one place SQL text is built from strings, and only for
// identifiers (a generic engine such as common/scd2 runs one statement over several tables).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/db.hpp"

namespace ecomm {

// A dotted name quoted part by part: warehouse.dim_product -> "warehouse"."dim_product".
std::string quoted_name(const Connection& db, std::string_view dotted);

// Each "{{placeholder}}" of sql replaced by its text (names quoted by quoted_name, or lists of them). Throws
// UsageError naming the placeholder when the statement holds one it was not given.
std::string splice_names(std::string sql, const std::vector<std::pair<std::string, std::string>>& names);

}  // namespace ecomm
