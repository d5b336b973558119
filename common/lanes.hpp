// Two lanes of statements at once, one per connection, so the server works on both cores: the task's own
// connection runs one lane on this thread while a second connection runs the other on a thread of its own.
#pragma once

#include <functional>

#include "common/db.hpp"

namespace ecomm {

// Runs lane1 (which uses only db1) on a thread and lane0 (which uses only db0) here, and returns once both
// ended. The lane that fails first cancels the other's running statement, and its exception is the one
// rethrown (not the cancel it caused). Each lane's transaction is its caller's: nothing is committed here.
void run_two_lanes(Connection& db0, const std::function<void()>& lane0, Connection& db1,
                   const std::function<void()>& lane1);

}  // namespace ecomm
