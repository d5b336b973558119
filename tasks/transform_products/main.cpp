// transform_products: raw.products of a date -> staging.products_snapshot (exit 99 when there was no drop).
#include "common/task.hpp"
#include "transform_products.hpp"

int main(int argc, char** argv) {
    ecomm::TaskSpec spec{.name = "transform_products",
                         .summary = "Validate a day's products snapshot into staging.products_snapshot",
                         .lock = ecomm::LockScope::task_and_date};
    return ecomm::run_task(argc, argv, spec, [](ecomm::TaskContext& ctx) { ecomm::transform_products(ctx); });
}
