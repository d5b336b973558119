// Orders extract: landing zone -> raw.orders, quarantining invalid_utf8 and malformed lines.
#pragma once

#include "common/task.hpp"

namespace ecomm {

void extract_orders(TaskContext& ctx);

}  // namespace ecomm
