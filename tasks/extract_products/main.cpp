// extract_products: a day's products snapshot files -> raw.products (exit 99 when there is no drop).
#include "common/task.hpp"
#include "extract_products.hpp"

int main(int argc, char** argv) {
    ecomm::TaskSpec spec{.name = "extract_products",
                         .summary = "Land a day's products snapshot (JSON arrays) in raw.products",
                         .lock = ecomm::LockScope::task_and_date};
    return ecomm::run_task(argc, argv, spec, [](ecomm::TaskContext& ctx) { ecomm::extract_products(ctx); });
}
