// The pseudonymous keys of a day's users (docs/DATA_CONTRACT.md, personal data): what a transform stores in
// staging beside, or instead of, the user id, so that no later task has to hash the ids again.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "common/db.hpp"

namespace ecomm {

// String-keyed maps and sets looked up by a view, without building a string per row.
struct ViewHash {
    using is_transparent = void;
    size_t operator()(std::string_view v) const { return std::hash<std::string_view>{}(v); }
};
using StringSet = std::unordered_set<std::string, ViewHash, std::equal_to<>>;
template <typename V>
using StringMap = std::unordered_map<std::string, V, ViewHash, std::equal_to<>>;

// private.user_key of each user id (sql/staging/user_keys.sql: the salt read once, not a query per user),
// by COPY in and out on `conn` in a temporary table of its own; an empty id gets none. Meant for a
// connection of its own, in a thread, while the task's connection works: a hundred thousand users take
// about half a second on the server.
StringMap<std::string> user_keys_of(Connection& conn, const StringSet& user_ids);

}  // namespace ecomm
