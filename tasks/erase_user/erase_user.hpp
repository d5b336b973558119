// erase_user: the right to erasure (docs/DATA_CONTRACT.md, personal data).
#pragma once

#include <string>
#include <vector>

#include "common/task.hpp"

namespace ecomm {

struct EraseOptions {
    std::vector<std::string> user_ids;  // --user-id, repeatable
    std::string from_file;              // one user id per line
    std::string request_id;             // the erasure request's id, kept in audit.erasures
};

// The ids to erase: --user-id values and the lines of --from-file (blank lines and # comments skipped).
// Throws UsageError when there are none or the file cannot be read.
std::vector<std::string> erasure_ids(const EraseOptions& options);

// In the task's transaction: registers and erases the users (private.erase_users), keeping the tables it
// changed in `changed` for vacuum_changed (common/erasure.hpp).
void erase_users(TaskContext& ctx, const EraseOptions& options, std::vector<std::string>& changed);

}  // namespace ecomm
