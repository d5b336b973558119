// transform_events: raw.events of a load date -> staging.events (typed, valid, first arrival per event_id).
#pragma once

#include "common/task.hpp"

namespace ecomm {

// Validates the date's raw events (quarantine stage "transform"), then merges them into staging.events
// keeping, per event_id, the smallest arrival (load_date, source_file, line_no): commutative and idempotent.
void transform_events(TaskContext& ctx);

}  // namespace ecomm
