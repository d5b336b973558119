// load_dim_product: reconciles warehouse.dim_product with staging.product_versions (the versions computed from
// the whole set of snapshots), so the dimension does not depend on the order snapshots were loaded in.
#include "load_dim_product.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/logging.hpp"
#include "common/scd2.hpp"

namespace ecomm {

void load_dim_product(TaskContext& ctx) {
    auto started = std::chrono::steady_clock::now();
    Connection& db = *ctx.db;
    ctx.load_day();  // --date names the load (queued mart refreshes); the dimension itself uses every snapshot
    const dims::Scd2Dimension dim{
        .table = "warehouse.dim_product",
        .key = "product_key",
        .natural_id = "product_id",
        .attributes = {"name", "category", "subcategory", "brand", "price", "supplier_id", "active"},
        .inferred_attributes = "null, 'Unknown', 'Unknown', 'Unknown', null::numeric, null, null::boolean",
        .lock = "ecomm:dim_product",
        .facts = {{"warehouse.fact_order_lines", "order_ts", "product_key", "order_date", "orders"},
                  {"warehouse.fact_events", "event_ts", "product_key", "event_date", "events"}},
    };
    auto out = dims::reconcile_scd2(
        db, dim,
        "select product_id, name, category, subcategory, brand, price, supplier_id, active, valid_from, valid_to, "
        "is_current from staging.product_versions",
        ctx.date());
    ctx.counts.rows_read = db.scalar_int("select count(*) from staging.products_snapshot");
    ctx.counts.rows_written = out.updated + out.inserted + out.deleted;
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("dim_product: {} versions updated, {} inserted, {} removed, {} facts re-pointed, in {:.2f} s",
                 with_commas(out.updated), with_commas(out.inserted), with_commas(out.deleted),
                 with_commas(out.facts_repointed), seconds);
}

}  // namespace ecomm
