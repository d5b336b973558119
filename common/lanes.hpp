// Two lanes of statements at once, one per connection, so the server works on both cores: the task's own
// connection runs one lane on this thread while a second connection runs the other on a thread of its own.
#pragma once

#include <atomic>
#include <functional>

#include "common/db.hpp"

namespace ecomm {

// What a lane checks between its statements: the server drops a cancel that reaches a connection between two
// statements, so a lane stops at its next check once the other lane failed.
class LaneStop {
public:
    // Throws RetryableError once the other lane failed (its error is the one run_two_lanes reports).
    void check() const;

private:
    friend void run_two_lanes(Connection&, const std::function<void(const LaneStop&)>&, Connection&,
                              const std::function<void(const LaneStop&)>&);
    std::atomic<bool> other_failed_ = false;
};

// Runs lane1 (which uses only db1) on a thread and lane0 (which uses only db0) here, and returns once both
// ended. The lane that fails first cancels the other's running statement and sets the other's LaneStop, and
// its exception is the one rethrown (not the cancel it caused). Each lane's transaction is its caller's:
// nothing is committed here.
void run_two_lanes(Connection& db0, const std::function<void(const LaneStop&)>& lane0, Connection& db1,
                   const std::function<void(const LaneStop&)>& lane1);

}  // namespace ecomm
