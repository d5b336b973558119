// load_dim_date: makes sure warehouse.dim_date covers every business date the warehouse can meet.
#include "common/task.hpp"
#include "load_dim_date.hpp"

int main(int argc, char** argv) {
    ecomm::TaskSpec spec{.name = "load_dim_date",
                         .summary = "Fill warehouse.dim_date for the years around the load date and every date "
                                    "staged orders and events fall on",
                         .lock = ecomm::LockScope::task};
    return ecomm::run_task(argc, argv, spec, ecomm::load_dim_date);
}
