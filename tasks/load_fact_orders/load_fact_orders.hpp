// Orders fact loader: staging.orders (state set by one load date) -> fact_orders, fact_order_lines.
#pragma once

#include "common/task.hpp"

namespace ecomm {

void load_fact_orders(TaskContext& ctx);

}  // namespace ecomm
