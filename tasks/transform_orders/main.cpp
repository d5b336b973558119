// transform_orders: raw.orders -> staging.orders (typed, valid, latest state per order).
#include "common/task.hpp"
#include "transform_orders.hpp"

int main(int argc, char** argv) {
    ecomm::TaskSpec spec{.name = "transform_orders",
                         .summary = "Validate and type the day's raw orders and merge them into staging.orders, "
                                    "keeping the latest state of every order",
                         .lock = ecomm::LockScope::task};
    return ecomm::run_task(argc, argv, spec, ecomm::transform_orders);
}
