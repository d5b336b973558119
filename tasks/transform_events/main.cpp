// transform_events: types and validates the date's raw events and merges them into staging.events.
#include "common/task.hpp"
#include "transform_events.hpp"

int main(int argc, char** argv) {
    ecomm::TaskSpec spec{.name = "transform_events",
                         .summary = "Validate the date's raw.events and merge them into staging.events "
                                    "(typed; a repeated event_id keeps its first arrival)",
                         // merges into shared state: runs for different dates must not race on one event_id
                         .lock = ecomm::LockScope::task};
    return ecomm::run_task(argc, argv, spec, ecomm::transform_events);
}
