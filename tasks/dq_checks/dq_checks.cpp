// dq_checks: the rules' shared inputs (one scan of a table each), then one query per rule; results replaced
// per load date in audit.dq_results.
#include "dq_checks.hpp"

#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <map>

#include "common/errors.hpp"
#include "common/landing.hpp"
#include "common/lanes.hpp"
#include "common/sql_names.hpp"
#include "common/timeutil.hpp"

namespace ecomm {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string missing_relation(Connection& db, const std::vector<std::string>& relations) {
    for (const auto& rel : relations)
        if (db.scalar("select to_regclass($1) is null", {rel}).value_or("t") == "t") return rel;
    return {};
}

// The rules' shared inputs as temporary tables (dropped at commit). An input whose relations are missing is not
// created; the rules that read it list it in "requires" and are skipped.
void create_inputs(Connection& db, const DqRuleSet& set, const std::vector<int>& input_lane, int lane,
                   const LaneStop& stop, const std::string& date) {
    for (size_t i = 0; i < set.inputs.size(); ++i) {
        if (input_lane[i] != lane) continue;
        stop.check();
        const DqInput& input = set.inputs[i];
        if (auto rel = missing_relation(db, input.requires_relations); !rel.empty()) {
            spdlog::info("dq input {} not created: relation {} does not exist", input.name, rel);
            continue;
        }
        const std::string sql =
            "create temporary table " + quoted_name(db, input.name) + " on commit drop as\n" + input.sql;
        const auto t0 = std::chrono::steady_clock::now();
        try {
            if (uses_parameters(input.sql))
                db.exec(sql, {date});
            else
                db.exec(sql);
        } catch (const DbError& e) {
            if (e.code() == ExitCode::retry) throw;
            throw UsageError("dq input " + input.name + ": its query failed: " + e.what());
        }
        spdlog::debug("dq input {} created in {:.2f} s", input.name, seconds_since(t0));
    }
}

DqResult evaluate(Connection& db, const DqRule& rule, const std::string& date, bool has_drop) {
    DqResult res{&rule, std::nullopt, {}, "skipped", {}};
    if (!has_drop && !rule.applies_without_drop) {
        res.detail = "no " + rule.feed + " drop for " + date;
        return res;
    }
    if (auto rel = missing_relation(db, rule.requires_relations); !rel.empty()) {
        res.detail = "relation " + rel + " does not exist";
        return res;
    }
    db.exec("savepoint dq_rule");
    const auto t0 = std::chrono::steady_clock::now();
    std::optional<std::string> value;
    try {
        // $1 is the load date; a rule that does not need it takes no parameter (libpq would refuse one)
        value = uses_parameters(rule.sql) ? db.scalar(rule.sql, {date}) : db.scalar(rule.sql);
        db.exec("release savepoint dq_rule");
    } catch (const DbError& e) {
        if (e.code() == ExitCode::retry) throw;
        throw UsageError("dq rule " + rule.name + ": its query failed: " + e.what());
    }
    spdlog::debug("dq rule {} measured in {:.2f} s", rule.name, seconds_since(t0));
    if (!value) {
        res.detail = "no data to measure";
        return res;
    }
    char* end = nullptr;
    const double observed = std::strtod(value->c_str(), &end);
    if (*end != '\0') throw UsageError("dq rule " + rule.name + ": the query returned \"" + *value + "\", not a number");
    res.observed = observed;
    res.observed_text = *value;
    if (dq_passes(rule.comparison, observed, rule.threshold)) {
        res.status = "passed";
    } else {
        res.status = "failed";
        res.detail = dq_failure_message(rule, observed);
    }
    return res;
}

void store_results(Connection& db, const DqRuleSet& set, const std::vector<DqResult>& results,
                   const std::string& date) {
    db.exec("delete from audit.dq_results where load_date = $1::date", {date});
    for (const auto& r : results) {
        const DqRule& rule = *r.rule;
        auto opt = [](const std::string& s) { return s.empty() ? std::nullopt : std::optional<std::string>(s); };
        db.exec(
            "insert into audit.dq_results (load_date, rule, rules_version, dimension, feed, observed, threshold, "
            "comparison, unit, severity, passed, status, detail) "
            "values ($1::date, $2, $3, $4, $5, $6::numeric, $7::numeric, $8, $9, $10, "
            "case $11 when 'passed' then true when 'failed' then false end, $11, $12)",
            {date, rule.name, set.version, rule.dimension, rule.feed, opt(r.observed_text),
             fmt::format("{}", rule.threshold), std::string(comparison_text(rule.comparison)),
             std::string(unit_text(rule.unit)), std::string(severity_text(rule.severity)), r.status, opt(r.detail)});
    }
}

}  // namespace

void run_dq_checks(TaskContext& ctx, const DqOptions& options) {
    const std::string date = format_date(ctx.load_day());
    DqRuleSet set = load_dq_rules(dq_rules_path(options.rules_path));
    apply_threshold_overrides(set, options.thresholds);
    spdlog::info("checking {} rules (rules version {}, {}) for load date {}", set.rules.size(), set.version,
                 set.source, date);

    Connection& db = *ctx.db;
    // Own transaction (the TaskSpec is not transactional): the results must be committed before a
    // failing rule makes the run exit 3, or the failure would leave no trace in audit.dq_results.
    Transaction tx(db);
    lock_run(db, "ecomm:" + ctx.task + ":" + date, ctx.task + " for " + date, ctx.options.lock_timeout_seconds);
    // Two lanes at once, each creating its inputs and measuring the rules that read them (assign_dq_lanes): the
    // second connection only reads, in a transaction of its own that is rolled back; this one stores every result.
    Connection second(ctx.options.dsn, ctx.task);
    Transaction second_tx(second);
    const DqLanes lanes = assign_dq_lanes(set);
    std::vector<DqResult> results(set.rules.size());
    auto run_lane = [&](Connection& lane_db, int lane, const LaneStop& stop) {
        // the rules group and count distinct over a day's rows: in memory, not in sorts spilled to disk
        lane_db.exec("set local work_mem = '256MB'");
        // the inputs read at most a day's rows: compiling them (JIT, on by default) cost more than it saved
        lane_db.exec("set local jit = off");
        // a parallel plan built the day's hash of order lines once per process: on two cores, with the other
        // lane at work, it doubled that input's time
        lane_db.exec("set local max_parallel_workers_per_gather = 0");
        create_inputs(lane_db, set, lanes.input_lane, lane, stop, date);
        std::map<std::string, bool> drops;
        for (size_t r = 0; r < set.rules.size(); ++r) {
            if (lanes.rule_lane[r] != lane) continue;
            ctx.check_interrupted();
            stop.check();
            const DqRule& rule = set.rules[r];
            auto it = drops.find(rule.feed);
            if (it == drops.end()) it = drops.emplace(rule.feed, feed_has_drop(lane_db, rule.feed, date)).first;
            results[r] = evaluate(lane_db, rule, date, it->second);
        }
    };
    run_two_lanes(
        db, [&](const LaneStop& stop) { run_lane(db, 0, stop); }, second,
        [&](const LaneStop& stop) { run_lane(second, 1, stop); });
    store_results(db, set, results, date);
    ctx.check_interrupted();
    tx.commit();

    std::string blocking;
    int passed = 0, failed = 0, skipped = 0;
    for (const auto& r : results) {
        if (r.status == "passed") {
            ++passed;
            spdlog::debug("dq rule {} passed: observed {}", r.rule->name, format_dq_value(*r.observed, r.rule->unit));
        } else if (r.status == "skipped") {
            ++skipped;
            spdlog::info("dq rule {} skipped: {}", r.rule->name, r.detail);
        } else {
            ++failed;
            if (r.rule->severity == DqSeverity::error) {
                spdlog::error("{}", r.detail);
                blocking += (blocking.empty() ? "" : "; ") + r.detail;
            } else {
                spdlog::warn("{} (severity warn, not blocking)", r.detail);
            }
        }
    }
    ctx.counts.rows_read = static_cast<long long>(set.rules.size());
    ctx.counts.rows_written = static_cast<long long>(results.size());
    spdlog::info("{} rules: {} passed, {} failed, {} skipped", results.size(), passed, failed, skipped);
    if (!blocking.empty()) throw DataQualityError(blocking);
}

}  // namespace ecomm
