// A PostgreSQL text[] literal of a list of values, to pass as one parameter (`= any($2::text[])`): a probe of a
// table's key by a handful of values without a temporary table whose size the planner must guess.
#pragma once

#include <string>
#include <vector>

namespace ecomm {

// '{"a","b\"c"}': every element quoted, '"' and '\' escaped; '{}' for none.
std::string text_array_literal(const std::vector<std::string>& values);

}  // namespace ecomm
