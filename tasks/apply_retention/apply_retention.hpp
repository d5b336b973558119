// apply_retention: personal data kept no longer than its configured period (docs/DATA_CONTRACT.md).
#pragma once

#include <string>
#include <vector>

#include "common/task.hpp"

namespace ecomm {

struct RetentionOptions {
    std::string rules_path;  // empty: $ECOMM_RETENTION_RULES, else <sql dir>/retention.json
};

// In the task's transaction: private.apply_retention for the date with the rules file's periods; the
// relations it changed go to `changed` for the VACUUM after the commit.
void apply_retention(TaskContext& ctx, const RetentionOptions& options, std::vector<std::string>& changed);

}  // namespace ecomm
