// Data-quality rules: the versioned rules file (sql/dq_rules.json, its statements in sql/dq/), threshold
// comparison and the failure message. No database here, so the unit tests cover it without a server.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecomm {

enum class DqComparison { ge, gt, le, lt, eq };
enum class DqUnit { percent, count, hours };
enum class DqSeverity { warn, error };

struct DqRule {
    std::string name;
    std::string dimension;    // completeness accuracy consistency validity volume freshness
    std::string feed;         // orders events products customers
    std::string description;
    std::string sql;          // one query returning one value, `observed`; $1 = the load date (its sql_file's text)
    DqComparison comparison = DqComparison::ge;
    double threshold = 0;
    DqUnit unit = DqUnit::percent;
    DqSeverity severity = DqSeverity::error;
    // false: when the feed had no drop for the date (products on most days) the rule is skipped
    bool applies_without_drop = false;
    // relations the query reads that may not exist in every warehouse yet; missing -> rule skipped
    std::vector<std::string> requires_relations;
};

// A table of rule inputs: one query over a day's rows whose result several rules read, so a table is scanned
// once for all of them instead of once per rule. dq_checks creates it as a temporary table before the rules.
struct DqInput {
    std::string name;  // the temporary table's name, which the rules read (and list in "requires")
    std::string sql;   // the query it holds; $1 = the load date (its sql_file's text)
    // relations the query reads that may not exist in every warehouse yet; missing -> not created
    std::vector<std::string> requires_relations;
};

struct DqRuleSet {
    std::string version;
    std::string source;  // the file it came from, for messages
    std::vector<DqInput> inputs;  // optional
    std::vector<DqRule> rules;
};

// Which connection creates each input and measures each rule (dq_checks runs two at once): the inputs only
// rules of the events feed read, and those rules, go to lane 1; every other input and rule to lane 0. A rule
// reading inputs of both lanes would find one missing, so its lane-1 inputs move to lane 0 (and so on, until
// no rule reads across). A rule that reads no input goes with its feed.
struct DqLanes {
    std::vector<int> input_lane;  // by index in DqRuleSet::inputs
    std::vector<int> rule_lane;   // by index in DqRuleSet::rules
};
DqLanes assign_dq_lanes(const DqRuleSet& set);

// Parses a rules file's text; source is its path, for messages and as the folder its entries' sql_file paths
// are relative to (each file is read here). Throws UsageError (exit 2) naming the source and the rule on any
// problem: missing field, unknown dimension/comparison/severity/unit, duplicate rule name, no version, an
// sql_file that cannot be read, an inline "sql" (no longer read).
DqRuleSet parse_dq_rules(std::string_view json, const std::string& source);
// Reads and parses a rules file.
DqRuleSet load_dq_rules(const std::string& path);
// The rules file to use: --rules when given, else ECOMM_DQ_RULES, else <sql dir>/dq_rules.json.
std::string dq_rules_path(const std::string& option_path);
// Applies "rule=value" threshold overrides (the --threshold option); throws UsageError for unknown rules.
void apply_threshold_overrides(DqRuleSet& rules, const std::vector<std::string>& overrides);

bool dq_passes(DqComparison comparison, double observed, double threshold);
std::string_view comparison_text(DqComparison comparison);   // ">="
std::string_view violation_text(DqComparison comparison);    // "<" for ">=": how a failing value compares
std::optional<DqComparison> parse_comparison(std::string_view text);
std::string_view unit_text(DqUnit unit);
std::string_view severity_text(DqSeverity severity);
// 91.2 percent -> "91.20%", 3 count -> "3", 2.5 hours -> "2.50 h"
std::string format_dq_value(double value, DqUnit unit);
// "dq rule orders_validity failed: observed 91.20% < threshold 97.00%"
std::string dq_failure_message(const DqRule& rule, double observed);

}  // namespace ecomm
