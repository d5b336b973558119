// apply_retention: the DAG's last node; expires personal data by the periods of sql/retention.json, then VACUUM.
#include <CLI/CLI.hpp>

#include "apply_retention.hpp"
#include "common/erasure.hpp"
#include "common/task.hpp"

int main(int argc, char** argv) {
    ecomm::RetentionOptions options;
    std::vector<std::string> changed;
    ecomm::TaskSpec spec{
        .name = "apply_retention",
        .summary = "Erase closed accounts, redact old raw record text, drop old quarantined text (sql/retention.json)",
        .lock = ecomm::LockScope::task,
        .add_options =
            [&](CLI::App& app) {
                app.add_option("--rules", options.rules_path,
                               "retention rules (default: $ECOMM_RETENTION_RULES, else <sql dir>/retention.json)");
            },
        .after_commit = [&](ecomm::TaskContext& ctx) { ecomm::vacuum_changed(ctx, changed); }};
    return ecomm::run_task(argc, argv, spec,
                           [&](ecomm::TaskContext& ctx) { ecomm::apply_retention(ctx, options, changed); });
}
