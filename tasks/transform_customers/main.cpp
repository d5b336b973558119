// transform_customers: raw.customers of a date -> staging.customers_changes + private.customer_pii (99: no drop).
#include "common/task.hpp"
#include "transform_customers.hpp"

int main(int argc, char** argv) {
    ecomm::TaskSpec spec{.name = "transform_customers",
                         .summary = "Validate a day's customer changes into staging (pseudonymised) and private",
                         .lock = ecomm::LockScope::task_and_date};
    return ecomm::run_task(argc, argv, spec, [](ecomm::TaskContext& ctx) { ecomm::transform_customers(ctx); });
}
