// load_dim_customer: reconciles warehouse.dim_customer, for the users whose staged changes moved since its last
// run, with the versions computed from all their changes, so the dimension does not depend on the order days
// were loaded in and a night costs its own changes.
#include "load_dim_customer.hpp"

#include "common/scd2.hpp"

namespace ecomm {

void load_dim_customer(TaskContext& ctx) {
    dims::load_dimension(ctx, {
        .table = "warehouse.dim_customer",
        .members = "users",
        .key = "customer_key",
        .natural_id = "user_key",
        .attributes = {"segment", "country", "region", "signup_ts", "marketing_opt_in", "is_deleted"},
        .mart_attributes = {},  // no mart groups facts by a customer attribute
        .lock = "ecomm:dim_customer",
        .scope_sql = "warehouse/dim_customer_scope.sql",
        .versions_sql = "warehouse/dim_customer_versions.sql",
        .facts = {{"warehouse.fact_orders", "order_ts", "customer_key", "order_date", "orders"},
                  {"warehouse.fact_order_lines", "order_ts", "customer_key", "order_date", "orders"}},
    });
}

}  // namespace ecomm
