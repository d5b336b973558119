// Splicing into a statement read from sql/: the one place SQL text is built from strings, for identifiers (a
// generic engine such as common/scd2 runs one statement over several tables) and for the value of a COPY.
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

// `copy (<query>) to stdout` for copy_out_binary, with every `$1` of the query replaced by `value` quoted as a
// literal. A COPY takes no bind parameters, so this is how a date reaches a COPY: the query keeps the `$1` it
// would have as a prepared statement, and the planner prunes partitions by the literal as by any constant.
// Throws UsageError naming `what` (the query's file) when the query has no `$1`.
std::string copy_query_with(const Connection& conn, std::string query, std::string_view value, std::string_view what);
// The same with `$1`..`$n` replaced by values[0..n-1] (none: the query as it is); throws UsageError when the
// query lacks one of them or is not one statement (a ";" ending it is dropped).
std::string copy_query_with(const Connection& conn, std::string query, const std::vector<std::string>& values,
                            std::string_view what);

}  // namespace ecomm
