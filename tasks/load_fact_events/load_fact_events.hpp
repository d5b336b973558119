// load_fact_events: staging.events set by a load date -> warehouse.fact_events, and the event dates it touched.
#pragma once

#include "common/task.hpp"

namespace ecomm {

// (Re)loads the fact rows of the events whose staging row was set by load --date (removing this load's
// stale rows and the rows of arrivals it displaced), resolves product_key as of event_ts (inferred members
// for unknown products), and queues every event date touched in warehouse.mart_refresh_queue.
void load_fact_events(TaskContext& ctx);

}  // namespace ecomm
