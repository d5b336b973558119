// extract_customers: a day's customer change files -> raw.customers (exit 99 when there is no drop).
#include "common/task.hpp"
#include "extract_customers.hpp"

int main(int argc, char** argv) {
    ecomm::TaskSpec spec{.name = "extract_customers",
                         .summary = "Land a day's customer changes (NDJSON) in raw.customers",
                         .lock = ecomm::LockScope::task_and_date};
    return ecomm::run_task(argc, argv, spec, [](ecomm::TaskContext& ctx) { ecomm::extract_customers(ctx); });
}
