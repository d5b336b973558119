// The queued order dates' orders grouped in the task from one binary COPY of fact_orders: per order date,
// customer and cancelled-or-not the orders, revenue in exact cents and units, which daily_sales and
// customer_summary read (as the temporary table refresh_order_groups). Memory: one run of the orders (sorted
// by group, the rest spilled to a temporary file and merged once), not a hash of the day's groups, which lane
// 1's event counts would hold beside it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/key_sorted_spool.hpp"

namespace ecomm {

class OrderGroups {
public:
    explicit OrderGroups(size_t run_bytes = 16 << 20) : orders_(run_bytes) {}

    // One order: its order date (days since 1970-01-01), customer's user key, whether it is cancelled or
    // refunded, revenue in cents and units.
    void add(int64_t date, std::string_view user_key, bool cancelled, long long cents, long long units);

    struct Row {
        int64_t date = 0;
        std::string_view user_key;
        bool cancelled = false;
        long long orders = 0, cents = 0, units = 0;
    };
    // Each group once (by date, cancelled-or-not and user key). After the last add().
    void for_each(const std::function<void(const Row&)>& on_group);
    long long orders() const { return orders_.records(); }

private:
    // key: the date (4 bytes, big-endian, sign bit flipped so that it sorts), the cancelled flag's byte, then
    // the user key; bytes: cents and units (8 bytes each)
    KeySortedSpool orders_;
    std::string key_, bytes_;
};

}  // namespace ecomm
