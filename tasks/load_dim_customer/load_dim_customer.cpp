// load_dim_customer: reconciles warehouse.dim_customer with staging.customer_versions (the versions computed
// from the whole set of changes), so the dimension does not depend on the order days were loaded in.
#include "load_dim_customer.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/logging.hpp"
#include "common/scd2.hpp"

namespace ecomm {

void load_dim_customer(TaskContext& ctx) {
    auto started = std::chrono::steady_clock::now();
    Connection& db = *ctx.db;
    ctx.load_day();  // --date names the load (queued mart refreshes); the dimension itself uses every change
    const dims::Scd2Dimension dim{
        .table = "warehouse.dim_customer",
        .key = "customer_key",
        .natural_id = "user_key",
        .attributes = {"segment", "country", "region", "signup_ts", "marketing_opt_in", "is_deleted"},
        .inferred_attributes = "null, null, null, null::timestamptz, null::boolean, false",
        .lock = "ecomm:dim_customer",
        .facts = {{"warehouse.fact_orders", "order_ts", "customer_key", "order_date", "orders"},
                  {"warehouse.fact_order_lines", "order_ts", "customer_key", "order_date", "orders"}},
    };
    auto out = dims::reconcile_scd2(
        db, dim,
        "select user_key, segment, country, region, signup_ts, marketing_opt_in, is_deleted, valid_from, valid_to, "
        "is_current from staging.customer_versions",
        ctx.date());
    ctx.counts.rows_read = db.scalar_int("select count(*) from staging.customers_changes");
    ctx.counts.rows_written = out.updated + out.inserted + out.deleted;
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("dim_customer: {} versions updated, {} inserted, {} removed, {} facts re-pointed, in {:.2f} s",
                 with_commas(out.updated), with_commas(out.inserted), with_commas(out.deleted),
                 with_commas(out.facts_repointed), seconds);
}

}  // namespace ecomm
