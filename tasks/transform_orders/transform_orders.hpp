// Orders transform: raw.orders for a load date -> staging.orders and staging.order_lines (latest state).
#pragma once

#include "common/task.hpp"

namespace ecomm {

void transform_orders(TaskContext& ctx);

}  // namespace ecomm
