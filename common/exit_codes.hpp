// The exit codes every task returns: a contract with the orchestrator (Airflow's BashOperator).
#pragma once

namespace ecomm {

enum class ExitCode : int {
    ok = 0,            // done
    retry = 1,         // failed, worth retrying: database down, drop not complete, lock busy, interrupted
    usage = 2,         // bad usage or configuration: not worth retrying
    data_quality = 3,  // a blocking data-quality rule failed
    skipped = 99,      // nothing to do for this date (no drop); Airflow marks the task skipped
};

constexpr int to_int(ExitCode c) { return static_cast<int>(c); }

}  // namespace ecomm
