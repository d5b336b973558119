// load_dim_product: warehouse.dim_product (SCD2) from the snapshots in staging.products_snapshot.
#pragma once

#include "common/task.hpp"

namespace ecomm {

void load_dim_product(TaskContext& ctx);

}  // namespace ecomm
