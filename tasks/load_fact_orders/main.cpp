// load_fact_orders: (re)loads the facts of the orders whose latest state the load date set.
#include "common/task.hpp"
#include "load_fact_orders.hpp"

int main(int argc, char** argv) {
    ecomm::TaskSpec spec{.name = "load_fact_orders",
                         .summary = "Load warehouse.fact_orders and fact_order_lines from the orders whose latest "
                                    "state this load date set, with dimension keys as of order_ts",
                         .lock = ecomm::LockScope::task};
    return ecomm::run_task(argc, argv, spec, ecomm::load_fact_orders);
}
