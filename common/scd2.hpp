// Reconciling an SCD2 dimension with its target versions, keeping surrogate keys stable, and re-pointing the
// facts whose timestamp now falls in another version: the engine under load_dim_product and load_dim_customer.
#pragma once

#include <string>
#include <vector>

#include "common/db.hpp"
#include "common/task.hpp"

namespace ecomm::dims {

// A fact table's columns that reference the dimension (the migrations create them all).
struct FactReference {
    std::string table;       // warehouse.fact_order_lines
    std::string ts;          // the business timestamp a version is chosen by
    std::string key;         // the surrogate key column to maintain
    std::string date;        // the business date (the UTC day of ts), queued for mart refresh
    std::string subject;     // 'orders' or 'events' in warehouse.mart_refresh_queue
};

struct Scd2Dimension {
    std::string table;                    // warehouse.dim_product
    std::string members;                  // what a member is, for the log: "products"
    std::string key;                      // product_key
    std::string natural_id;               // product_id
    std::vector<std::string> attributes;  // every other column but valid_from, valid_to, is_current, is_inferred
    // The attributes a mart groups facts by (sql/marts/): a version whose value of one of them changes in place
    // has its facts' dates queued for refresh, as have the facts re-pointed to another version. The others (a
    // name, a price) change no mart row, and finding a version's facts reads the fact tables whole, so they
    // are not looked for. Empty: no mart reads the dimension, and its loads queue nothing.
    std::vector<std::string> mart_attributes;
    std::string lock;                     // the advisory lock shared with ensure_inferred_*
    std::string scope_sql;                // sql/ file: fills dim_scope (id) with the members to reconcile
    std::string versions_sql;             // sql/ file: creates dim_target, the scope's versions (see below)
    std::vector<FactReference> facts;
};

struct Scd2Outcome {
    long long members = 0, updated = 0, inserted = 0, deleted = 0, facts_repointed = 0;
};

// Only the members scope_sql names are reconciled: the others keep their rows untouched. versions_sql creates
// dim_target (natural_id, attributes..., valid_from, valid_to, is_current, is_inferred) with every real version
// of those members, and one inferred member for each of them the dimension holds with no real version. A
// version is matched by (natural_id, valid_from): a matched row keeps its key (an inferred member's key goes
// to the first real version, which also starts at -infinity); facts of members whose version starts changed
// are re-pointed, from the earliest start that moved, before obsolete rows go.
Scd2Outcome reconcile_scd2(Connection& db, const Scd2Dimension& d, const std::string& load_date);

// A load_dim_* task: reconciles d under ctx's --date (which names the load for the queued mart refreshes), counts
// the members reconciled as read and the versions changed as written, and logs the outcome.
void load_dimension(TaskContext& ctx, const Scd2Dimension& d);

}  // namespace ecomm::dims
