// extract_orders: lands the day's order files in raw.orders, exactly as received, with file and line.
#include "common/task.hpp"
#include "extract_orders.hpp"

int main(int argc, char** argv) {
    ecomm::TaskSpec spec{.name = "extract_orders",
                         .summary = "Land the day's orders NDJSON files in raw.orders (exact text, file and line); "
                                    "quarantine lines that are not UTF-8 or not JSON"};
    return ecomm::run_task(argc, argv, spec, ecomm::extract_orders);
}
