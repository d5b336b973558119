// Events a re-delivered day no longer holds but another load also delivered: that load's arrival takes over.
#pragma once

#include <string>

#include "common/db.hpp"

namespace ecomm {

// After this load's rows of events gone from its raw day were deleted (their ids in the temporary table
// events_gone): for each such event another load delivered too, the earliest valid arrival among the other
// loads (load_date, source_file, line_no) takes over staging's row, and the event is recorded in
// staging.events_handed_over for load_fact_events. Returns the events taken over.
long long hand_over_gone_events(Connection& db, const std::string& load_date);

}  // namespace ecomm
