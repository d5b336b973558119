// run_two_lanes: see lanes.hpp.
#include "lanes.hpp"

#include <future>

#include "common/errors.hpp"

namespace ecomm {

void LaneStop::check() const {
    if (other_failed_) throw RetryableError("stopped: the other lane failed");
}

void run_two_lanes(Connection& db0, const std::function<void(const LaneStop&)>& lane0, Connection& db1,
                   const std::function<void(const LaneStop&)>& lane1) {
    LaneStop stops[2];
    std::atomic<int> failed_first = -1;
    auto fail = [&](int lane, Connection& other) {
        int none = -1;
        if (!failed_first.compare_exchange_strong(none, lane)) return;
        stops[1 - lane].other_failed_ = true;
        other.cancel_running();
    };
    auto second = std::async(std::launch::async, [&] {
        try {
            lane1(stops[1]);
        } catch (...) {
            fail(1, db0);
            throw;
        }
    });
    try {
        lane0(stops[0]);
    } catch (...) {
        fail(0, db1);
        second.wait();  // its thread uses db1: it must end before the caller may close that connection
        if (failed_first == 1) second.get();
        throw;
    }
    second.get();
}

}  // namespace ecomm
