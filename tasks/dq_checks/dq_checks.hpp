// dq_checks: evaluates the data-quality rules for one load date, records every result in audit.dq_results
// (committed even when a rule fails, so the failure is visible), and fails the run on an error-severity rule.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/task.hpp"
#include "dq_rules.hpp"

namespace ecomm {

struct DqOptions {
    std::string rules_path;                // --rules; else ECOMM_DQ_RULES, else <sql dir>/dq_rules.json
    std::vector<std::string> thresholds;   // --threshold RULE=VALUE, for tests and one-off reruns
};

struct DqResult {
    const DqRule* rule;
    std::optional<double> observed;  // nullopt: skipped
    std::string observed_text;       // the exact numeric text the query returned
    std::string status;              // passed failed skipped
    std::string detail;
};

// The task body. Throws DataQualityError (exit 3) listing every failed error-severity rule.
void run_dq_checks(TaskContext& ctx, const DqOptions& options);

}  // namespace ecomm
