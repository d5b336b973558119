// load_dim_customer: warehouse.dim_customer (SCD2) from all changes in staging.customers_changes.
#pragma once

#include "common/task.hpp"

namespace ecomm {

void load_dim_customer(TaskContext& ctx);

}  // namespace ecomm
