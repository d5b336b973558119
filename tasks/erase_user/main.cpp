// erase_user: right to erasure for one user (--user-id) or a batch (--from-file), then VACUUM of what changed.
#include <CLI/CLI.hpp>

#include "common/erasure.hpp"
#include "common/task.hpp"
#include "erase_user.hpp"

int main(int argc, char** argv) {
    ecomm::EraseOptions options;
    std::vector<std::string> changed;
    ecomm::TaskSpec spec{
        .name = "erase_user",
        .summary = "Erase users' personal values from every layer (raw included), keep the anonymous facts",
        .needs_date = false,
        .lock = ecomm::LockScope::task,
        .add_options =
            [&](CLI::App& app) {
                app.add_option("--user-id", options.user_ids, "a user id to erase (repeatable)");
                app.add_option("--from-file", options.from_file, "a file of user ids, one per line");
                app.add_option("--request-id", options.request_id, "the erasure request's id (kept in audit.erasures)");
            },
        .after_commit = [&](ecomm::TaskContext& ctx) { ecomm::vacuum_changed(ctx, changed); }};
    return ecomm::run_task(argc, argv, spec, [&](ecomm::TaskContext& ctx) { ecomm::erase_users(ctx, options, changed); });
}
