// load_dim_customer: maintains warehouse.dim_customer (SCD2, inferred members) and re-points facts; runs every day.
#include "common/task.hpp"
#include "load_dim_customer.hpp"

int main(int argc, char** argv) {
    ecomm::TaskSpec spec{.name = "load_dim_customer",
                         .summary = "Maintain warehouse.dim_customer (SCD2) from all customer changes",
                         .lock = ecomm::LockScope::task};
    return ecomm::run_task(argc, argv, spec, [](ecomm::TaskContext& ctx) { ecomm::load_dim_customer(ctx); });
}
