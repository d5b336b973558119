// compute_daily_metrics: refreshes the marts for the business dates a load touched and the load's
// pipeline-health row. The SQL lives in sql/marts/*.sql (read at run time) so analysts can read it.
#pragma once

#include <string>
#include <vector>

#include "common/task.hpp"

namespace ecomm {

// The mart files in the order they run; each deletes and re-inserts its rows for the dates in the
// temporary tables refresh_load, refresh_order_dates and refresh_event_dates.
const std::vector<std::string>& mart_files();

// Reads <sql dir>/marts/<name>; throws UsageError when it is missing.
std::string read_mart_sql(const std::string& name);

// The task body: runs in run_task's transaction, so a kill leaves the marts as they were.
void compute_daily_metrics(TaskContext& ctx);

}  // namespace ecomm
