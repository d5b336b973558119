// load_dim_product: maintains warehouse.dim_product (SCD2, inferred members) and re-points facts; runs every day.
#include "common/task.hpp"
#include "load_dim_product.hpp"

int main(int argc, char** argv) {
    ecomm::TaskSpec spec{.name = "load_dim_product",
                         .summary = "Maintain warehouse.dim_product (SCD2) from all products snapshots",
                         .lock = ecomm::LockScope::task};
    return ecomm::run_task(argc, argv, spec, [](ecomm::TaskContext& ctx) { ecomm::load_dim_product(ctx); });
}
