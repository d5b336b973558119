// Reconciling an SCD2 dimension with its target versions, keeping surrogate keys stable, and re-pointing the
// facts whose timestamp now falls in another version: the engine under load_dim_product and load_dim_customer.
#pragma once

#include <spdlog/spdlog.h>

#include <string>
#include <vector>

#include "common/db.hpp"
#include "common/logging.hpp"

namespace ecomm::dims {

// A fact table's columns that reference the dimension (the migrations create them all).
struct FactReference {
    std::string table;       // warehouse.fact_order_lines
    std::string ts;          // the business timestamp a version is chosen by
    std::string key;         // the surrogate key column to maintain
    std::string date;        // the business date, queued for mart refresh
    std::string subject;     // 'orders' or 'events' in warehouse.mart_refresh_queue
};

struct Scd2Dimension {
    std::string table;                    // warehouse.dim_product
    std::string key;                      // product_key
    std::string natural_id;               // product_id
    std::vector<std::string> attributes;  // every other column but valid_from, valid_to, is_current, is_inferred
    std::string inferred_attributes;      // SQL values of `attributes` for an inferred member
    std::string lock;                     // the advisory lock shared with ensure_inferred_*
    std::vector<FactReference> facts;
};

struct Scd2Outcome {
    long long updated = 0, inserted = 0, deleted = 0, facts_repointed = 0;
};

namespace detail {

inline std::string joined(const std::vector<std::string>& cols, const std::string& prefix) {
    std::string s;
    for (const auto& c : cols) s += (s.empty() ? "" : ", ") + prefix + c;
    return s;
}

}  // namespace detail

// target_sql selects (natural_id, attributes..., valid_from, valid_to, is_current) of every real version.
// Members of the dimension with no real version become (or stay) one inferred member. A version is matched
// by (natural_id, valid_from): a matched row keeps its key (an inferred member's key goes to the first real
// version, which also starts at -infinity); facts of members whose version starts changed are re-pointed
// before obsolete rows go.
inline Scd2Outcome reconcile_scd2(Connection& db, const Scd2Dimension& d, const std::string& target_sql,
                                  const std::string& load_date) {
    Scd2Outcome out;
    const std::string& id = d.natural_id;
    const std::string attrs = detail::joined(d.attributes, "");
    const std::string all_cols = id + ", " + attrs + ", valid_from, valid_to, is_current, is_inferred";
    db.exec("select pg_advisory_xact_lock(hashtextextended($1, 0))", {d.lock});

    db.exec("create temporary table dim_target on commit drop as select " + id + ", " + attrs +
            ", valid_from, valid_to, is_current, false as is_inferred from (" + target_sql + ") v");
    db.exec("insert into dim_target (" + all_cols + ") select distinct d." + id + ", " + d.inferred_attributes +
            ", '-infinity'::timestamptz, 'infinity'::timestamptz, true, true from " + d.table +
            " d where not exists (select 1 from dim_target t where t." + id + " = d." + id + ")");
    db.exec("create index on dim_target (" + id + ", valid_from)");
    db.exec("analyze dim_target");
    const std::string matches = "t." + id + " = d." + id + " and t.valid_from = d.valid_from";

    std::string set_list, old_row, new_row;
    for (const auto& c : d.attributes) {
        set_list += c + " = t." + c + ", ";
        old_row += "d." + c + ", ";
        new_row += "t." + c + ", ";
    }
    // versions whose attributes change in place (a corrected or late snapshot, an inferred member completed):
    // the marts grouped by them must be refreshed for every date of their facts, though no fact's key moves
    db.exec("create temporary table dim_corrected on commit drop as select d." + d.key + " as key from " + d.table +
            " d join dim_target t on " + matches + " where row(" + old_row.substr(0, old_row.size() - 2) +
            ") is distinct from row(" + new_row.substr(0, new_row.size() - 2) + ")");
    out.updated = db.exec("update " + d.table + " d set " + set_list +
                          "valid_to = t.valid_to, is_current = t.is_current, is_inferred = t.is_inferred "
                          "from dim_target t where " + matches + " and row(" + old_row +
                          "d.valid_to, d.is_current, d.is_inferred) is distinct from row(" + new_row +
                          "t.valid_to, t.is_current, t.is_inferred)")
                      .affected();
    if (db.scalar_int("select count(*) from dim_corrected") > 0) {
        for (const auto& f : d.facts) {
            long long queued = db.exec("insert into warehouse.mart_refresh_queue (load_date, subject, business_date) "
                                       "select distinct $1::date, $2, f." + f.date + " from " + f.table +
                                       " f join dim_corrected c on c.key = f." + f.key + " on conflict do nothing",
                                       {load_date, f.subject})
                                   .affected();
            spdlog::info("queued {} {} dates whose facts reference a corrected version", with_commas(queued), f.subject);
        }
    }

    // members whose set of version starts changes: their facts may now belong to another version
    db.exec("create temporary table dim_changed (id text primary key) on commit drop");
    db.exec("insert into dim_changed select distinct d." + id + " from " + d.table +
            " d where not exists (select 1 from dim_target t where " + matches + ")");
    db.exec("insert into dim_changed select distinct t." + id + " from dim_target t where not exists (select 1 from " +
            d.table + " d where " + matches + ") on conflict do nothing");
    out.inserted = db.exec("insert into " + d.table + " (" + all_cols + ") select " + all_cols +
                           " from dim_target t where not exists (select 1 from " + d.table + " d where " + matches +
                           ") order by " + id + ", valid_from")
                       .affected();

    const long long changed = db.scalar_int("select count(*) from dim_changed");
    if (changed > 0) {
        db.exec("create temporary table dim_ranges on commit drop as select d." + id + " as id, d." + d.key +
                " as key, d.valid_from, coalesce(lead(d.valid_from) over (partition by d." + id +
                " order by d.valid_from), 'infinity') as until from " + d.table + " d join dim_changed c on c.id = d." +
                id + " where exists (select 1 from dim_target t where " + matches + ")");
        db.exec("create index on dim_ranges (id, valid_from)");
        db.exec("analyze dim_ranges");
        for (const auto& f : d.facts) {
            // by the fact's current key (not every fact table carries the natural id): its member is known
            std::string update = "update " + f.table + " f set " + f.key + " = r.key from " + d.table +
                                 " old join dim_ranges r on r.id = old." + id + " where f." + f.key + " = old." +
                                 d.key + " and f." + f.ts + " >= r.valid_from and f." + f.ts + " < r.until and f." +
                                 f.key + " <> r.key returning f." + f.date;
            long long moved = db.scalar_int("with moved as (" + update +
                                            "), queued as (insert into warehouse.mart_refresh_queue (load_date, "
                                            "subject, business_date) select distinct $1::date, $2, " + f.date +
                                            " from moved on conflict do nothing) select count(*) from moved",
                                            {load_date, f.subject});
            spdlog::info("re-pointed {} rows of {}.{}", with_commas(moved), f.table, f.key);
            out.facts_repointed += moved;
        }
    }
    out.deleted = db.exec("delete from " + d.table + " d where not exists (select 1 from dim_target t where " +
                          matches + ")")
                      .affected();
    return out;
}

}  // namespace ecomm::dims
