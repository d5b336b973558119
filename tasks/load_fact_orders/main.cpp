// load_fact_orders: (re)loads the facts of the orders whose latest state the load date set.
#include <CLI/CLI.hpp>

#include "common/task.hpp"
#include "load_fact_orders.hpp"

int main(int argc, char** argv) {
    ecomm::LoadFactOrdersOptions options;
    ecomm::TaskSpec spec{.name = "load_fact_orders",
                         .summary = "Load warehouse.fact_orders and fact_order_lines from the orders whose latest "
                                    "state this load date set, with dimension keys as of order_ts",
                         .lock = ecomm::LockScope::task,
                         .add_options = [&](CLI::App& app) {
                             app.add_option("--bulk-min-orders", options.bulk_min_orders,
                                            "orders of the load in one month from which that month gets a "
                                            "sub-partition of its own for the load (bulk path)")
                                 ->envname("ECOMM_BULK_MIN_ORDERS")
                                 ->check(CLI::PositiveNumber)
                                 ->capture_default_str();
                         }};
    return ecomm::run_task(argc, argv, spec,
                           [&](ecomm::TaskContext& ctx) { ecomm::load_fact_orders(ctx, options); });
}
