// load_fact_events: loads warehouse.fact_events from the staging rows a load date set.
#include "common/task.hpp"
#include "load_fact_events.hpp"

int main(int argc, char** argv) {
    ecomm::TaskSpec spec{.name = "load_fact_events",
                         .summary = "Load warehouse.fact_events from the staging.events rows set by the date's load "
                                    "and queue the event dates touched for the marts",
                         .lock = ecomm::LockScope::task};
    return ecomm::run_task(argc, argv, spec, ecomm::load_fact_events);
}
