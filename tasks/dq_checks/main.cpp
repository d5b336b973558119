// dq_checks: the data-quality gate between transform and the warehouse loads (exit 3 blocks the DAG).
#include <CLI/CLI.hpp>

#include "common/task.hpp"
#include "dq_checks.hpp"

int main(int argc, char** argv) {
    ecomm::DqOptions options;
    ecomm::TaskSpec spec{
        .name = "dq_checks",
        .summary = "Run the data-quality rules for a load date; results in audit.dq_results, exit 3 on an error rule",
        .transactional = false,  // commits its results itself before failing (see run_dq_checks)
        .add_options = [&](CLI::App& app) {
            app.add_option("--rules", options.rules_path,
                           "rules file (default: $ECOMM_DQ_RULES, else <sql dir>/dq_rules.json)");
            app.add_option("--threshold", options.thresholds, "override a rule's threshold: RULE=VALUE (repeatable)");
        }};
    return ecomm::run_task(argc, argv, spec, [&](ecomm::TaskContext& ctx) { ecomm::run_dq_checks(ctx, options); });
}
