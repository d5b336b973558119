#include "scd2.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "logging.hpp"
#include "sql_files.hpp"
#include "sql_names.hpp"

namespace ecomm::dims {

namespace {

std::string listed(const std::vector<std::string>& names, const std::string& prefix, const std::string& assign = "") {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "" : ", ") + (assign.empty() ? "" : n + " = ") + prefix + n;
    return s;
}

}  // namespace

Scd2Outcome reconcile_scd2(Connection& db, const Scd2Dimension& d, const std::string& load_date) {
    std::vector<std::string> attributes;
    for (const auto& a : d.attributes) attributes.push_back(quoted_name(db, a));
    std::vector<std::string> columns = {quoted_name(db, d.natural_id)};
    columns.insert(columns.end(), attributes.begin(), attributes.end());
    for (const char* c : {"valid_from", "valid_to", "is_current", "is_inferred"}) columns.emplace_back(c);
    std::vector<std::string> mart_attributes;
    for (const auto& a : d.mart_attributes) mart_attributes.push_back(quoted_name(db, a));
    std::vector<std::pair<std::string, std::string>> names = {
        {"table", quoted_name(db, d.table)},
        {"key", quoted_name(db, d.key)},
        {"id", quoted_name(db, d.natural_id)},
        {"columns", listed(columns, "")},
        {"d.attributes", listed(attributes, "d.")},
        {"t.attributes", listed(attributes, "t.")},
        {"set_attributes", listed(attributes, "t.", "=")},
        {"d.mart_attributes", listed(mart_attributes, "d.")},
        {"t.mart_attributes", listed(mart_attributes, "t.")},
    };
    auto statement = [&](const std::string& file) { return splice_names(read_sql_file("warehouse/" + file), names); };
    auto fact_statement = [&](const std::string& file, const FactReference& f) {
        auto with_fact = names;
        with_fact.insert(with_fact.end(), {{"fact", quoted_name(db, f.table)},
                                           {"fact_ts", quoted_name(db, f.ts)},
                                           {"fact_key", quoted_name(db, f.key)},
                                           {"fact_date", quoted_name(db, f.date)}});
        return splice_names(read_sql_file("warehouse/" + file), with_fact);
    };

    Scd2Outcome out;
    db.exec_script(statement("scd2_begin.sql"), {d.lock});
    db.exec(read_sql_file(d.scope_sql));
    out.members = db.scalar_int("select count(*) from dim_scope");
    if (out.members == 0) return out;
    db.exec_script(read_sql_file(d.versions_sql));
    db.exec_script(statement("scd2_target_ready.sql"));

    if (!mart_attributes.empty()) db.exec(statement("scd2_corrected.sql"));  // before the update changes them
    out.updated = db.exec(statement("scd2_update.sql")).affected();
    if (!mart_attributes.empty() && db.scalar_int("select count(*) from dim_corrected") > 0) {
        for (const auto& f : d.facts) {
            const std::string queue = fact_statement("scd2_queue_corrected.sql", f);
            long long queued = db.exec(queue, {load_date, f.subject}).affected();
            spdlog::info("queued {} {} dates whose facts reference a corrected version", with_commas(queued),
                         f.subject);
        }
    }

    db.exec(statement("scd2_changed.sql"));
    out.inserted = db.exec(statement("scd2_insert.sql")).affected();
    if (auto since = db.scalar("select min(since) from dim_changed")) {
        db.exec_script(statement("scd2_ranges.sql"));
        const std::string queue_dates = mart_attributes.empty() ? "false" : "true";
        for (const auto& f : d.facts) {
            long long moved = db.scalar_int(fact_statement("scd2_repoint.sql", f),
                                            {load_date, f.subject, *since, queue_dates});
            spdlog::info("re-pointed {} rows of {}.{} (facts from {} on)", with_commas(moved), f.table, f.key,
                         *since);
            out.facts_repointed += moved;
        }
    }
    out.deleted = db.exec(statement("scd2_delete.sql")).affected();
    return out;
}

void load_dimension(TaskContext& ctx, const Scd2Dimension& d) {
    auto started = std::chrono::steady_clock::now();
    ctx.load_day();  // checks --date
    const Scd2Outcome out = reconcile_scd2(*ctx.db, d, ctx.date());
    ctx.counts.rows_read = out.members;
    ctx.counts.rows_written = out.updated + out.inserted + out.deleted;
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("{}: {} {} reconciled, {} versions updated, {} inserted, {} removed, {} facts re-pointed, in {:.2f} s",
                 d.table, with_commas(out.members), d.members, with_commas(out.updated), with_commas(out.inserted),
                 with_commas(out.deleted), with_commas(out.facts_repointed), seconds);
}

}  // namespace ecomm::dims
