// The erased-users registry as the extracts and transforms consult it (docs/DATA_CONTRACT.md, personal data).
#pragma once

#include <string>
#include <string_view>

#include <vector>

#include "common/db.hpp"
#include "common/task.hpp"

namespace ecomm {

// Redacts what this feed's stage just wrote for the load date for users in private.erased_users (raw text,
// clear ids, quarantined records, private rows), so a reload never brings an erased user's values back.
// One statement; nothing to do, and nothing read, while the registry is empty. Returns the rows changed.
long long redact_erased_users(Connection& db, std::string_view feed, const std::string& date, std::string_view stage);

// After an erasure or retention committed: VACUUM the relations it changed (names as the server gave them),
// so dead row versions stop holding the values on disk.
void vacuum_changed(TaskContext& ctx, const std::vector<std::string>& relations);

}  // namespace ecomm
