// load_dim_product: reconciles warehouse.dim_product, for the products whose snapshots moved since its last run,
// with the versions computed from every snapshot, so the dimension does not depend on the order snapshots were
// loaded in and a night without a snapshot costs next to nothing.
#include "load_dim_product.hpp"

#include "common/scd2.hpp"

namespace ecomm {

void load_dim_product(TaskContext& ctx) {
    dims::load_dimension(ctx, {
        .table = "warehouse.dim_product",
        .members = "products",
        .key = "product_key",
        .natural_id = "product_id",
        .attributes = {"name", "category", "subcategory", "brand", "price", "supplier_id", "active"},
        .mart_attributes = {"category"},  // marts.sales_by_category
        .lock = "ecomm:dim_product",
        .scope_sql = "warehouse/dim_product_scope.sql",
        .versions_sql = "warehouse/dim_product_versions.sql",
        .facts = {{"warehouse.fact_order_lines", "order_ts", "product_key", "order_date", "orders"},
                  {"warehouse.fact_events", "event_ts", "product_key", "event_date", "events"}},
    });
}

}  // namespace ecomm
