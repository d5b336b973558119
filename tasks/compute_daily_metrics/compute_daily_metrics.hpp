// compute_daily_metrics: refreshes the marts for the business dates a load touched and the load's
// pipeline-health row. The SQL lives in sql/marts/*.sql (read at run time) so analysts can read it.
#pragma once

#include <string>
#include <vector>

#include "common/task.hpp"

namespace ecomm {

// A file of sql/marts: an input (it fills or creates a temporary table the files after it read), the orders'
// rows (a query the task streams and groups itself into refresh_order_groups), the events' rows (streamed and
// counted into refresh_event_types and refresh_session_types), the order lines' rows (streamed and summed into
// refresh_category_sales and refresh_category_inferred), the customers' rows (streamed, ranked and written
// into marts.customer_summary) or a mart (it replaces its rows for the dates in the temporary tables
// refresh_load, refresh_order_dates and refresh_event_dates).
// Its lane: 0 runs in the task's own transaction, 1 at the same time on a second connection (its own
// transaction, committed just before the task's), so the server works on two marts at once; -1: either, after
// its own files, whichever lane gets there first (a file that reads no other file's temporary tables).
struct MartFile {
    enum class Kind { input, order_rows, event_rows, line_rows, customer_rows, mart };
    std::string name;
    Kind kind;
    int lane;
};

// The files in the order they run within their lane: each fact table's input before the marts that read it.
const std::vector<MartFile>& mart_files();

// Reads <sql dir>/marts/<name>; throws UsageError when it is missing.
std::string read_mart_sql(const std::string& name);

// The task body: runs in run_task's transaction and, for lane 1, in a second one that commits only once both
// lanes are done, so a failure or a kill before that leaves the marts as they were.
void compute_daily_metrics(TaskContext& ctx);

}  // namespace ecomm
