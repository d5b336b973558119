// Orders fact loader: staging.orders (state set by one load date) -> fact_orders, fact_order_lines.
#pragma once

#include "common/task.hpp"

namespace ecomm {

struct LoadFactOrdersOptions {
    // A month holding at least this many of the load's orders gets a sub-partition of its own for the load,
    // written by COPY FREEZE with its indexes built after; fewer go through the parent table.
    long long bulk_min_orders = 10000;
};

void load_fact_orders(TaskContext& ctx, const LoadFactOrdersOptions& options);

}  // namespace ecomm
