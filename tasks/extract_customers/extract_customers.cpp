// extract_customers: incoming/customers/<date>/*.json -> raw.customers (rerun replaces the date), by the JSON
// feeds' one extract path (common/json_landing.hpp). Lines are found with LineReader (memchr), never
// iterate_many: one broken line must not end the file.
#include "extract_customers.hpp"

#include "common/json_landing.hpp"

namespace ecomm {

void extract_customers(TaskContext& ctx) { extract_ndjson_feed(ctx, "customers", {".json"}); }

}  // namespace ecomm
