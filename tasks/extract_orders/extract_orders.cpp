// Orders extract: incoming/orders/<date>/*.json|*.json.gz -> the date's partition of raw.orders, by the JSON
// feeds' one extract path (common/json_landing.hpp). The whole date is replaced in one transaction.
#include "extract_orders.hpp"

#include "common/json_landing.hpp"

namespace ecomm {

void extract_orders(TaskContext& ctx) { extract_ndjson_feed(ctx, "orders", {".json", ".json.gz"}); }

}  // namespace ecomm
