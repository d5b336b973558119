// compute_daily_metrics: the last DAG node; refreshes the marts and warehouse.daily_metrics for a load date.
#include "common/task.hpp"
#include "compute_daily_metrics.hpp"

int main(int argc, char** argv) {
    // Serialised across dates (LockScope::task): two loads can queue the same business date, and two
    // refreshes of one date at once would both delete and then collide on insert.
    ecomm::TaskSpec spec{.name = "compute_daily_metrics",
                         .summary = "Refresh the marts for the business dates a load touched, and daily_metrics",
                         .lock = ecomm::LockScope::task};
    return ecomm::run_task(argc, argv, spec, [](ecomm::TaskContext& ctx) { ecomm::compute_daily_metrics(ctx); });
}
