// The calendar dimension loader.
#pragma once

#include "common/task.hpp"

namespace ecomm {

void load_dim_date(TaskContext& ctx);

}  // namespace ecomm
