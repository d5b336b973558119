// dq rules: the rules file format, threshold comparison and failure messages (no database).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <unistd.h>

#include "common/errors.hpp"
#include "common/task.hpp"
#include "dq_rules.hpp"

namespace ecomm {
namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

// The folder the tests' rules files are parsed from, with the statements their sql_file entries name written
// beside them in dq/ (removed at exit).
struct RulesFolder {
    fs::path path = fs::temp_directory_path() / ("dq_rules_test_" + std::to_string(getpid()));
    RulesFolder() {
        fs::remove_all(path);
        const std::map<std::string, std::string> statements{
            {"orders_validity", "-- a percent\nselect 91.2\nwhere $1::date is not null\n"},
            {"r", "select 1\n"},
            {"dq_landed_orders", "select count(*) as raw_rows\nfrom raw.orders where load_date = $1::date\n"},
            {"dq_other", "select 1 as one"},
            {"landed", "select raw_rows from dq_landed_orders\n"},
            {"blank", " \n\n"},
        };
        for (const auto& [name, sql] : statements) write_file(path / "dq" / (name + ".sql"), sql);
    }
    ~RulesFolder() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

const fs::path& rules_folder() {
    static const RulesFolder folder;
    return folder.path;
}

// Parses json as the rules file <rules folder>/<name>, so its sql_file paths are read from there.
DqRuleSet parse(const std::string& json, const std::string& name = "test.json") {
    return parse_dq_rules(json, (rules_folder() / name).string());
}

// The UsageError parsing json as <rules folder>/bad.json gives, or "no error".
std::string parse_error(const std::string& json) {
    try {
        parse(json, "bad.json");
    } catch (const UsageError& e) {
        return std::string(e.what());
    }
    return std::string("no error");
}

const char* one_rule = R"({
  "version": "7",
  "rules": [
    {"name": "orders_validity", "dimension": "validity", "feed": "orders", "sql_file": "dq/orders_validity.sql",
     "comparison": ">=", "threshold": 97, "unit": "percent", "severity": "error",
     "requires": ["raw.orders"]}
  ]
})";

std::string with_rule_field(const std::string& field, const std::string& value) {
    return R"({"version": "1", "rules": [{"name": "r", "dimension": "volume", "feed": "orders",
              "sql_file": "dq/r.sql", "comparison": ">=", "threshold": 1, "unit": "count", "severity": "error", ")" +
           field + "\": " + value + "}]}";
}

TEST(DqRules, ParsesEveryField) {
    DqRuleSet set = parse(one_rule);
    EXPECT_EQ(set.version, "7");
    ASSERT_EQ(set.rules.size(), 1u);
    const DqRule& r = set.rules[0];
    EXPECT_EQ(r.name, "orders_validity");
    EXPECT_EQ(r.dimension, "validity");
    EXPECT_EQ(r.feed, "orders");
    EXPECT_EQ(r.sql, "-- a percent\nselect 91.2\nwhere $1::date is not null\n");  // the file's text, as it is
    EXPECT_EQ(r.comparison, DqComparison::ge);
    EXPECT_DOUBLE_EQ(r.threshold, 97);
    EXPECT_EQ(r.unit, DqUnit::percent);
    EXPECT_EQ(r.severity, DqSeverity::error);
    EXPECT_FALSE(r.applies_without_drop);  // default
    EXPECT_EQ(r.requires_relations, std::vector<std::string>{"raw.orders"});
}

TEST(DqRules, ParsesSharedInputs) {
    const char* json = R"({
      "version": "1",
      "inputs": [
        {"name": "dq_landed_orders", "sql_file": "dq/dq_landed_orders.sql", "requires": ["raw.orders"]},
        {"name": "dq_other", "sql_file": "dq/dq_other.sql"}
      ],
      "rules": [{"name": "r", "dimension": "volume", "feed": "orders", "sql_file": "dq/landed.sql",
                 "comparison": ">=", "threshold": 1, "unit": "count", "severity": "error",
                 "requires": ["raw.orders", "dq_landed_orders"]}]
    })";
    DqRuleSet set = parse(json);
    ASSERT_EQ(set.inputs.size(), 2u);
    EXPECT_EQ(set.inputs[0].name, "dq_landed_orders");
    EXPECT_EQ(set.inputs[0].sql, "select count(*) as raw_rows\nfrom raw.orders where load_date = $1::date\n");
    EXPECT_EQ(set.inputs[0].requires_relations, std::vector<std::string>{"raw.orders"});
    EXPECT_EQ(set.inputs[1].sql, "select 1 as one");
    EXPECT_TRUE(set.inputs[1].requires_relations.empty());
    EXPECT_TRUE(parse(one_rule).inputs.empty());  // optional

    auto message = [](const std::string& inputs) {
        return parse_error(R"({"version": "1", "inputs": )" + inputs +
                           R"(, "rules": [{"name": "r", "dimension": "volume", "feed": "orders", "sql_file": "dq/r.sql",
                              "comparison": ">=", "threshold": 1, "unit": "count", "severity": "error"}]})");
    };
    EXPECT_NE(message(R"({"name": "x"})").find("\"inputs\" must be an array"), std::string::npos);
    EXPECT_NE(message(R"([{"sql_file": "dq/r.sql"}])").find("input ?: missing \"name\""), std::string::npos);
    EXPECT_NE(message(R"([{"name": "x"}])").find("input \"x\": missing \"sql_file\""), std::string::npos);
    EXPECT_NE(message(R"([{"name": "x; drop", "sql_file": "dq/r.sql"}])").find("names a temporary table"),
              std::string::npos);
    EXPECT_NE(message(R"([{"name": "x", "sql_file": "dq/r.sql"}, {"name": "x", "sql_file": "dq/r.sql"}])")
                  .find("input name used twice"),
              std::string::npos);
}

DqRule rule_reading(const std::string& name, const std::string& feed, std::vector<std::string> relations) {
    DqRule r;
    r.name = name;
    r.feed = feed;
    r.requires_relations = std::move(relations);
    return r;
}

TEST(DqRules, LanesPutTheEventsInputsAndRulesApartUnlessARuleReadsAcross) {
    DqRuleSet set;
    for (const char* name : {"landed_orders", "landed_events", "staging_events", "shared", "chained"})
        set.inputs.push_back(DqInput{name, "select 1", {}});
    set.rules = {
        rule_reading("o1", "orders", {"raw.orders", "landed_orders"}),
        rule_reading("e1", "events", {"raw.events", "landed_events"}),
        rule_reading("e2", "events", {"staging_events"}),
        rule_reading("o2", "orders", {"shared"}),
        rule_reading("e3", "events", {"shared"}),          // shared is read by orders too: lane 0, with e3
        rule_reading("e4", "events", {"chained", "shared"}),  // so chained follows shared to lane 0
        rule_reading("e5", "events", {"chained"}),          // and e5 follows chained
        rule_reading("e6", "events", {"staging.events"}),   // no input: its feed's lane
        rule_reading("p1", "products", {"warehouse.dim_product"}),
    };
    const DqLanes lanes = assign_dq_lanes(set);
    EXPECT_EQ(lanes.input_lane, (std::vector<int>{0, 1, 1, 0, 0}));
    EXPECT_EQ(lanes.rule_lane, (std::vector<int>{0, 1, 1, 0, 0, 0, 0, 1, 0}));

    // the shipped rules: the events feed's inputs (the largest) on lane 1, no rule reading across the lanes
    const DqRuleSet shipped = load_dq_rules(sql_dir() + "/dq_rules.json");
    const DqLanes real = assign_dq_lanes(shipped);
    std::set<std::string> lane1_inputs;
    for (size_t i = 0; i < shipped.inputs.size(); ++i)
        if (real.input_lane[i] == 1) lane1_inputs.insert(shipped.inputs[i].name);
    EXPECT_EQ(lane1_inputs, (std::set<std::string>{"dq_landed_events", "dq_staging_events"}));
    for (size_t r = 0; r < shipped.rules.size(); ++r)
        EXPECT_EQ(real.rule_lane[r], shipped.rules[r].feed == "events" ? 1 : 0) << shipped.rules[r].name;
}

TEST(DqRules, RejectsBadFilesNamingTheProblem) {
    auto message = parse_error;
    EXPECT_NE(message("{not json").find("bad.json: not valid JSON"), std::string::npos);
    EXPECT_NE(message(R"({"rules": []})").find("missing \"version\""), std::string::npos);
    EXPECT_NE(message(R"({"version": "1"})").find("missing \"rules\""), std::string::npos);
    EXPECT_EQ(message(with_rule_field("note", "\"unknown fields are ignored\"")), "no error");
    std::string bad_severity = with_rule_field("x", "1");
    bad_severity.replace(bad_severity.find("\"error\""), 7, "\"fatal\"");
    EXPECT_NE(message(bad_severity).find("rule \"r\": unknown severity \"fatal\""), std::string::npos);
    std::string bad_cmp = with_rule_field("x", "1");
    bad_cmp.replace(bad_cmp.find("\">=\""), 4, "\"=>\"");
    EXPECT_NE(message(bad_cmp).find("unknown comparison \"=>\""), std::string::npos);
    std::string bad_dim = with_rule_field("x", "1");
    bad_dim.replace(bad_dim.find("\"volume\""), 8, "\"beauty\"");
    EXPECT_NE(message(bad_dim).find("unknown dimension \"beauty\""), std::string::npos);
    EXPECT_NE(message(with_rule_field("applies_without_drop", "\"yes\"")).find("must be true or false"),
              std::string::npos);
    std::string no_threshold = with_rule_field("x", "1");
    no_threshold.replace(no_threshold.find("\"threshold\": 1"), 14, "\"threshold\": \"1\"");
    EXPECT_NE(message(no_threshold).find("\"threshold\" must be a number"), std::string::npos);
    const std::string rule = R"({"name": "r", "dimension": "volume", "feed": "orders", "sql_file": "dq/r.sql",
        "comparison": ">=", "threshold": 1, "unit": "count", "severity": "error"})";
    const std::string twice = R"({"version": "1", "rules": [)" + rule + ", " + rule + "]}";
    EXPECT_NE(message(twice).find("rule name used twice"), std::string::npos) << twice;
}

TEST(DqRules, AppliesWithoutDropFlag) {
    DqRuleSet set = parse(with_rule_field("applies_without_drop", "true"));
    EXPECT_TRUE(set.rules[0].applies_without_drop);
}

// sql_file is relative to the folder of the rules file being read: two rules files naming the same "dq/r.sql"
// each get their own folder's statement, wherever the process runs (a user's rules file brings its own SQL).
TEST(DqRules, SqlFileIsRelativeToTheRulesFilesFolder) {
    const fs::path own = rules_folder() / "elsewhere";
    write_file(own / "dq" / "r.sql", "select 2\n");
    write_file(own / "checks" / "nested" / "r.sql", "select 3\n");
    const std::string json = with_rule_field("x", "1");
    write_file(own / "rules.json", json);
    EXPECT_EQ(load_dq_rules((own / "rules.json").string()).rules[0].sql, "select 2\n");
    EXPECT_EQ(parse(json).rules[0].sql, "select 1\n");  // the same entry beside the other folder's file
    std::string nested = json;
    nested.replace(nested.find("dq/r.sql"), 8, "checks/nested/r.sql");
    EXPECT_EQ(parse(nested, "elsewhere/rules.json").rules[0].sql, "select 3\n");

    // a relative rules path: its folder, relative to the working directory, not the sql dir
    const fs::path cwd = fs::current_path();
    fs::current_path(rules_folder());
    DqRuleSet set;
    EXPECT_NO_THROW(set = load_dq_rules("elsewhere/rules.json"));
    fs::current_path(cwd);
    ASSERT_EQ(set.rules.size(), 1u);
    EXPECT_EQ(set.rules[0].sql, "select 2\n");
}

// A missing, unreadable or empty sql_file is a configuration error (exit 2) naming the rules file, the rule and
// the path, raised while the file is read: before any rule runs.
TEST(DqRules, AnSqlFileThatCannotBeReadIsAConfigurationError) {
    const std::string bad = (rules_folder() / "bad.json").string();
    auto message = [](const std::string& file) {
        std::string json = with_rule_field("x", "1");
        json.replace(json.find("dq/r.sql"), 8, file);
        return parse_error(json);
    };
    const std::string missing = message("dq/nope.sql");
    EXPECT_NE(missing.find(bad + ": rule \"r\": cannot read sql_file \"dq/nope.sql\""), std::string::npos) << missing;
    EXPECT_NE(missing.find("(" + (rules_folder() / "dq" / "nope.sql").string() + ")"), std::string::npos) << missing;
    EXPECT_NE(message("dq").find("cannot read sql_file \"dq\""), std::string::npos);  // a folder
    EXPECT_NE(message("dq/blank.sql").find("rule \"r\": sql_file \"dq/blank.sql\""), std::string::npos);
    EXPECT_NE(message("dq/blank.sql").find("is empty"), std::string::npos);
    EXPECT_NE(message("").find("\"sql_file\" must be a non-empty string"), std::string::npos);
    std::string no_file = with_rule_field("x", "1");
    no_file.replace(no_file.find("\"sql_file\": \"dq/r.sql\","), 23, "");
    EXPECT_NE(parse_error(no_file).find("rule \"r\": missing \"sql_file\""), std::string::npos) << no_file;
    EXPECT_THROW(load_dq_rules(bad), UsageError);  // the rules file itself missing

    const fs::path unreadable = rules_folder() / "dq" / "unreadable.sql";
    write_file(unreadable, "select 1\n");
    fs::permissions(unreadable, fs::perms::none);
    if (!std::ifstream(unreadable)) {  // root reads it anyway
        EXPECT_NE(message("dq/unreadable.sql").find("cannot read sql_file"), std::string::npos);
    }
    fs::permissions(unreadable, fs::perms::owner_all);
}

// One way only: a rules file still carrying a statement inline in "sql" is refused, naming the file and the
// entry, and saying where the statement goes.
TEST(DqRules, AnInlineSqlIsRejected) {
    const std::string bad = (rules_folder() / "bad.json").string();
    std::string inline_rule = with_rule_field("x", "1");
    inline_rule.replace(inline_rule.find("\"sql_file\": \"dq/r.sql\""), 22, "\"sql\": \"select 1\"");
    std::string m = parse_error(inline_rule);
    EXPECT_NE(m.find(bad + ": rule \"r\": \"sql\" is no longer read: move the statement into a file and name it "
                           "with \"sql_file\""),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("\"dq/r.sql\""), std::string::npos) << m;
    // also beside a sql_file, and as the old array of lines
    EXPECT_NE(parse_error(with_rule_field("sql", "[\"select 1\"]")).find("\"sql\" is no longer read"),
              std::string::npos);
    m = parse_error(R"({"version": "1", "inputs": [{"name": "dq_in", "sql": ["select 1 as one"]}],
                      "rules": [{"name": "r", "dimension": "volume", "feed": "orders", "sql_file": "dq/r.sql",
                                 "comparison": ">=", "threshold": 1, "unit": "count", "severity": "error"}]})");
    EXPECT_NE(m.find("input \"dq_in\": \"sql\" is no longer read"), std::string::npos) << m;
}

TEST(DqRules, ThresholdComparison) {
    EXPECT_TRUE(dq_passes(DqComparison::ge, 97.0, 97.0));
    EXPECT_FALSE(dq_passes(DqComparison::ge, 96.9999, 97.0));
    EXPECT_FALSE(dq_passes(DqComparison::gt, 97.0, 97.0));
    EXPECT_TRUE(dq_passes(DqComparison::le, 0, 0));
    EXPECT_FALSE(dq_passes(DqComparison::le, 1, 0));
    EXPECT_TRUE(dq_passes(DqComparison::lt, 4.99, 5));
    EXPECT_FALSE(dq_passes(DqComparison::lt, 5, 5));
    EXPECT_TRUE(dq_passes(DqComparison::eq, 0, 0));
    EXPECT_FALSE(dq_passes(DqComparison::eq, 1, 0));
}

TEST(DqRules, FailureMessageNamesRuleObservedAndThreshold) {
    DqRuleSet set = parse(one_rule);
    EXPECT_EQ(dq_failure_message(set.rules[0], 91.2), "dq rule orders_validity failed: observed 91.20% < threshold 97.00%");
    DqRule dup = set.rules[0];
    dup.name = "orders_unique_order_id";
    dup.unit = DqUnit::count;
    dup.comparison = DqComparison::le;
    dup.threshold = 0;
    EXPECT_EQ(dq_failure_message(dup, 3), "dq rule orders_unique_order_id failed: observed 3 > threshold 0");
    dup.unit = DqUnit::hours;
    dup.threshold = 24;
    EXPECT_EQ(dq_failure_message(dup, 30.5), "dq rule orders_unique_order_id failed: observed 30.50 h > threshold 24.00 h");
    EXPECT_EQ(format_dq_value(2.5, DqUnit::count), "2.50");
}

TEST(DqRules, ThresholdOverrides) {
    DqRuleSet set = parse(one_rule);
    apply_threshold_overrides(set, {"orders_validity=90.5"});
    EXPECT_DOUBLE_EQ(set.rules[0].threshold, 90.5);
    EXPECT_THROW(apply_threshold_overrides(set, {"nope=1"}), UsageError);
    EXPECT_THROW(apply_threshold_overrides(set, {"orders_validity=abc"}), UsageError);
    EXPECT_THROW(apply_threshold_overrides(set, {"orders_validity"}), UsageError);
}

TEST(DqRules, RulesPathPrecedence) {
    unsetenv("ECOMM_DQ_RULES");
    EXPECT_EQ(dq_rules_path(""), sql_dir() + "/dq_rules.json");
    setenv("ECOMM_DQ_RULES", "/tmp/env-rules.json", 1);
    EXPECT_EQ(dq_rules_path(""), "/tmp/env-rules.json");
    EXPECT_EQ(dq_rules_path("/tmp/opt.json"), "/tmp/opt.json");
    unsetenv("ECOMM_DQ_RULES");
}

// The shipped rules file parses, covers every dimension, and volume rules never fire on a no-drop day.
TEST(DqRules, ShippedRulesFileIsValid) {
    DqRuleSet set = load_dq_rules(sql_dir() + "/dq_rules.json");
    EXPECT_FALSE(set.version.empty());
    std::set<std::string> dims;
    for (const auto& r : set.rules) {
        dims.insert(r.dimension);
        if (r.dimension == "volume") {
            EXPECT_FALSE(r.applies_without_drop) << r.name;
        }
        // the load date reaches a rule directly or through a shared input it requires
        bool dated = r.sql.find("$1") != std::string::npos;
        for (const auto& input : set.inputs)
            if (std::find(r.requires_relations.begin(), r.requires_relations.end(), input.name) !=
                r.requires_relations.end())
                dated = dated || input.sql.find("$1") != std::string::npos;
        EXPECT_TRUE(dated) << r.name << " ignores the load date";
    }
    for (const auto& input : set.inputs) EXPECT_NE(input.sql.find("$1"), std::string::npos) << input.name;
    // every statement in sql/dq/ is one of the file's inputs or rules, named after it (none left behind)
    std::set<std::string> names, files;
    for (const auto& input : set.inputs) names.insert(input.name);
    for (const auto& r : set.rules) names.insert(r.name);
    for (const auto& f : fs::directory_iterator(sql_dir() + "/dq"))
        if (f.path().extension() == ".sql") files.insert(f.path().stem().string());
    EXPECT_EQ(files, names);
    EXPECT_EQ(dims, (std::set<std::string>{"completeness", "accuracy", "consistency", "validity", "volume", "freshness"}));
    EXPECT_THROW(load_dq_rules("/nonexistent/rules.json"), UsageError);
}

}  // namespace
}  // namespace ecomm
