// extract_customers: lands a day's customer change files (NDJSON) in raw.customers, one row per line.
#pragma once

#include "common/task.hpp"

namespace ecomm {

void extract_customers(TaskContext& ctx);

}  // namespace ecomm
