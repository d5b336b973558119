// run_task: the whole life of one task run, shared by every executable's main().
// Parses the shared options, sets up logging and SIGTERM handling, connects, takes the task's lock,
// records the run in audit.task_runs, runs the task's body in one transaction, and maps errors to exit codes.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/db.hpp"
#include "common/errors.hpp"

// CLI11 is heavy: only the translation units that add options include it (task.cpp and those mains).
namespace CLI {
class App;
}

namespace ecomm {

// The options every task accepts, even the ones it does not use, so an orchestrator calls them all alike.
struct CommonOptions {
    std::string date;  // the logical date, YYYY-MM-DD
    std::string data_dir = "data";
    std::string dsn;  // empty: libpq's PG* variables
    std::string run_id;
    std::string log_format = "text";
    int lock_timeout_seconds = 600;
};

enum class LockScope {
    task_and_date,  // runs of this task for different dates may overlap
    task,           // runs of this task are serialised (it merges into shared state)
};

struct TaskCounts {
    long long rows_read = 0;
    long long rows_written = 0;
    long long rows_quarantined = 0;
};

class TaskContext {
public:
    std::string task;
    CommonOptions options;
    std::optional<int64_t> day;  // options.date as days since epoch
    Connection* db = nullptr;    // null for tasks that do not use the database
    TaskCounts counts;

    const std::string& date() const { return options.date; }
    int64_t load_day() const;  // throws UsageError when --date is missing
    // Throws RetryableError once SIGTERM/SIGINT arrived; call it in long loops.
    void check_interrupted() const;
};

struct TaskSpec {
    std::string name;
    std::string summary;
    bool needs_date = true;
    bool uses_db = true;
    bool audited = true;  // false only for migrate (the audit table may not exist yet)
    LockScope lock = LockScope::task_and_date;
    // A transaction around the body, committed when it returns. False for tasks that manage their own.
    bool transactional = true;
    std::function<void(CLI::App&)> add_options;
    // Runs after the body's transaction committed, outside any transaction (VACUUM, say).
    std::function<void(TaskContext&)> after_commit;
};

// The shared options on an App of one's own: for tools that are not tasks (serve_dashboard) but take the
// same --dsn and logging options, so one configuration serves them all.
void add_common_options(CLI::App& app, CommonOptions& o);

// Takes the advisory lock `key` for the current transaction, waiting at most timeout_seconds; another run
// still holding it is a RetryableError (exit 1) naming `who`. run_task takes it for every transactional task.
void lock_run(Connection& db, const std::string& key, const std::string& who, int timeout_seconds);

using TaskBody = std::function<void(TaskContext&)>;

int run_task(int argc, char** argv, const TaskSpec& spec, const TaskBody& body);

// The folder holding sql/ (migrations, queries): ECOMM_SQL_DIR, else the build-time default.
std::string sql_dir();

}  // namespace ecomm
