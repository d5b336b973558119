// The rules file: parsing (simdjson DOM: a small config read once) and its statements' files, comparison
// and messages.
#include "dq_rules.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/errors.hpp"
#include "common/task.hpp"

namespace ecomm {

namespace {

constexpr std::string_view dimensions[] = {"completeness", "accuracy", "consistency",
                                           "validity",     "volume",   "freshness"};
constexpr std::string_view feeds[] = {"orders", "events", "products", "customers"};

template <typename List>
bool one_of(const List& list, std::string_view v) {
    return std::find(std::begin(list), std::end(list), v) != std::end(list);
}

class RuleReader {
public:
    RuleReader(const std::string& source, simdjson::dom::object obj, std::string name, const char* kind)
        : source_(source), obj_(obj), name_(std::move(name)), kind_(kind) {}

    [[noreturn]] void fail(const std::string& what) const {
        throw UsageError(source_ + ": " + kind_ + " " + (name_.empty() ? "?" : "\"" + name_ + "\"") + ": " + what);
    }

    std::string string(const char* key, bool required = true) const {
        std::string_view v;
        auto err = obj_[key].get_string().get(v);
        if (err == simdjson::NO_SUCH_FIELD && !required) return {};
        if (err) fail(std::string("\"") + key + "\" must be a string");
        return std::string(v);
    }

    // The statement: the text of the file "sql_file" names, relative to the rules file's folder (a rules file
    // kept elsewhere brings its own folder of SQL). Read here, so a missing file stops the task before any
    // rule runs.
    std::string statement() const {
        simdjson::dom::element e;
        if (!obj_["sql"].get(e))
            fail("\"sql\" is no longer read: move the statement into a file and name it with \"sql_file\" "
                 "(relative to this file's folder, e.g. \"dq/" + name_ + ".sql\")");
        if (obj_["sql_file"].get(e)) fail("missing \"sql_file\"");
        std::string_view file;
        if (e.get_string().get(file) || file.empty()) fail("\"sql_file\" must be a non-empty string");
        const std::string path = (std::filesystem::path(source_).parent_path() / file).string();
        std::error_code ec;
        std::ifstream in(path, std::ios::binary);
        if (!std::filesystem::is_regular_file(path, ec) || !in)
            fail("cannot read sql_file \"" + std::string(file) + "\" (" + path + ")");
        std::stringstream text;
        text << in.rdbuf();
        std::string sql = text.str();
        if (sql.find_first_not_of(" \t\r\n") == std::string::npos)
            fail("sql_file \"" + std::string(file) + "\" (" + path + ") is empty");
        return sql;
    }

    double number(const char* key) const {
        double v;
        if (obj_[key].get_double().get(v)) fail(std::string("\"") + key + "\" must be a number");
        return v;
    }

    bool boolean(const char* key, bool fallback) const {
        simdjson::dom::element e;
        if (obj_[key].get(e)) return fallback;
        bool v;
        if (e.get_bool().get(v)) fail(std::string("\"") + key + "\" must be true or false");
        return v;
    }

    std::vector<std::string> strings(const char* key) const {
        std::vector<std::string> out;
        simdjson::dom::element e;
        if (obj_[key].get(e)) return out;
        simdjson::dom::array arr;
        if (e.get_array().get(arr)) fail(std::string("\"") + key + "\" must be an array of strings");
        for (auto item : arr) {
            std::string_view s;
            if (item.get_string().get(s)) fail(std::string("\"") + key + "\" must be an array of strings");
            out.emplace_back(s);
        }
        return out;
    }

    const std::string& name() const { return name_; }

private:
    const std::string& source_;
    simdjson::dom::object obj_;
    std::string name_;
    const char* kind_;
};

// An entry of the "inputs" or "rules" array: a JSON object with a non-empty name.
RuleReader named_entry(const std::string& source, simdjson::dom::element item, const char* kind) {
    simdjson::dom::object obj;
    if (item.get_object().get(obj)) throw UsageError(source + ": every " + kind + " must be a JSON object");
    std::string_view name;
    if (obj["name"].get_string().get(name)) name = {};
    RuleReader r(source, obj, std::string(name), kind);
    if (name.empty()) r.fail("missing \"name\"");
    return r;
}

}  // namespace

std::optional<DqComparison> parse_comparison(std::string_view t) {
    if (t == ">=") return DqComparison::ge;
    if (t == ">") return DqComparison::gt;
    if (t == "<=") return DqComparison::le;
    if (t == "<") return DqComparison::lt;
    if (t == "=") return DqComparison::eq;
    return std::nullopt;
}

std::string_view comparison_text(DqComparison c) {
    switch (c) {
        case DqComparison::ge: return ">=";
        case DqComparison::gt: return ">";
        case DqComparison::le: return "<=";
        case DqComparison::lt: return "<";
        case DqComparison::eq: return "=";
    }
    return "?";
}

std::string_view violation_text(DqComparison c) {
    switch (c) {
        case DqComparison::ge: return "<";
        case DqComparison::gt: return "<=";
        case DqComparison::le: return ">";
        case DqComparison::lt: return ">=";
        case DqComparison::eq: return "!=";
    }
    return "?";
}

std::string_view unit_text(DqUnit u) {
    switch (u) {
        case DqUnit::percent: return "percent";
        case DqUnit::count: return "count";
        case DqUnit::hours: return "hours";
    }
    return "?";
}

std::string_view severity_text(DqSeverity s) { return s == DqSeverity::error ? "error" : "warn"; }

DqLanes assign_dq_lanes(const DqRuleSet& set) {
    constexpr const char* lane1_feed = "events";  // the largest feed: its inputs cost as much as all the others
    std::map<std::string, size_t> input_index;
    for (size_t i = 0; i < set.inputs.size(); ++i) input_index.emplace(set.inputs[i].name, i);
    auto inputs_of = [&](const DqRule& rule) {
        std::vector<size_t> found;
        for (const auto& rel : rule.requires_relations)
            if (auto it = input_index.find(rel); it != input_index.end()) found.push_back(it->second);
        return found;
    };

    DqLanes lanes{std::vector<int>(set.inputs.size(), 0), std::vector<int>(set.rules.size(), 0)};
    std::vector<bool> read_by_lane1_feed(set.inputs.size(), false), read_by_other(set.inputs.size(), false);
    for (const auto& rule : set.rules)
        for (size_t i : inputs_of(rule)) (rule.feed == lane1_feed ? read_by_lane1_feed : read_by_other)[i] = true;
    for (size_t i = 0; i < set.inputs.size(); ++i) lanes.input_lane[i] = read_by_lane1_feed[i] && !read_by_other[i];

    for (bool moved = true; moved;) {
        moved = false;
        for (const auto& rule : set.rules) {
            const auto inputs = inputs_of(rule);
            const bool any0 = std::any_of(inputs.begin(), inputs.end(), [&](size_t i) { return !lanes.input_lane[i]; });
            const bool any1 = std::any_of(inputs.begin(), inputs.end(), [&](size_t i) { return lanes.input_lane[i]; });
            if (!any0 || !any1) continue;
            for (size_t i : inputs) lanes.input_lane[i] = 0;
            moved = true;
        }
    }
    for (size_t r = 0; r < set.rules.size(); ++r) {
        const auto inputs = inputs_of(set.rules[r]);
        lanes.rule_lane[r] = inputs.empty() ? set.rules[r].feed == lane1_feed : lanes.input_lane[inputs.front()];
    }
    return lanes;
}

bool dq_passes(DqComparison c, double observed, double threshold) {
    switch (c) {
        case DqComparison::ge: return observed >= threshold;
        case DqComparison::gt: return observed > threshold;
        case DqComparison::le: return observed <= threshold;
        case DqComparison::lt: return observed < threshold;
        case DqComparison::eq: return observed == threshold;
    }
    return false;
}

std::string format_dq_value(double v, DqUnit unit) {
    switch (unit) {
        case DqUnit::percent: return fmt::format("{:.2f}%", v);
        case DqUnit::hours: return fmt::format("{:.2f} h", v);
        case DqUnit::count:
            if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
            return fmt::format("{:.2f}", v);
    }
    return fmt::format("{}", v);
}

std::string dq_failure_message(const DqRule& rule, double observed) {
    return fmt::format("dq rule {} failed: observed {} {} threshold {}", rule.name, format_dq_value(observed, rule.unit),
                       violation_text(rule.comparison), format_dq_value(rule.threshold, rule.unit));
}

DqRuleSet parse_dq_rules(std::string_view json, const std::string& source) {
    simdjson::dom::parser parser;
    simdjson::padded_string padded(json);
    simdjson::dom::element root;
    if (auto err = parser.parse(padded).get(root))
        throw UsageError(source + ": not valid JSON (" + simdjson::error_message(err) + ")");
    simdjson::dom::object top;
    if (root.get_object().get(top)) throw UsageError(source + ": the rules file must be a JSON object");

    DqRuleSet set;
    set.source = source;
    simdjson::dom::element version;
    if (top["version"].get(version)) throw UsageError(source + ": missing \"version\"");
    std::string_view vs;
    int64_t vi;
    if (!version.get_string().get(vs) && !vs.empty())
        set.version = std::string(vs);
    else if (!version.get_int64().get(vi))
        set.version = std::to_string(vi);
    else
        throw UsageError(source + ": \"version\" must be a non-empty string or an integer");

    simdjson::dom::element inputs_element;
    if (!top["inputs"].get(inputs_element)) {
        simdjson::dom::array inputs;
        if (inputs_element.get_array().get(inputs)) throw UsageError(source + ": \"inputs\" must be an array");
        std::set<std::string> input_names;
        for (auto item : inputs) {
            RuleReader r = named_entry(source, item, "input");
            const std::string& name = r.name();
            if (name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos ||
                std::isdigit(static_cast<unsigned char>(name[0])))
                r.fail("the name must be lower-case letters, digits and _ (it names a temporary table)");
            if (!input_names.insert(name).second) r.fail("input name used twice");
            set.inputs.push_back(DqInput{name, r.statement(), r.strings("requires")});
        }
    }

    simdjson::dom::array rules;
    if (top["rules"].get_array().get(rules)) throw UsageError(source + ": missing \"rules\" array");
    std::set<std::string> names;
    for (auto item : rules) {
        RuleReader r = named_entry(source, item, "rule");
        const std::string& name = r.name();
        if (!names.insert(name).second) r.fail("rule name used twice");

        DqRule rule;
        rule.name = name;
        rule.dimension = r.string("dimension");
        if (!one_of(dimensions, rule.dimension))
            r.fail("unknown dimension \"" + rule.dimension +
                   "\" (completeness, accuracy, consistency, validity, volume, freshness)");
        rule.feed = r.string("feed");
        if (!one_of(feeds, rule.feed)) r.fail("unknown feed \"" + rule.feed + "\" (orders, events, products, customers)");
        rule.description = r.string("description", false);
        rule.sql = r.statement();
        const std::string cmp = r.string("comparison");
        auto c = parse_comparison(cmp);
        if (!c) r.fail("unknown comparison \"" + cmp + "\" (>=, >, <=, <, =)");
        rule.comparison = *c;
        rule.threshold = r.number("threshold");
        const std::string unit = r.string("unit");
        if (unit == "percent")
            rule.unit = DqUnit::percent;
        else if (unit == "count")
            rule.unit = DqUnit::count;
        else if (unit == "hours")
            rule.unit = DqUnit::hours;
        else
            r.fail("unknown unit \"" + unit + "\" (percent, count, hours)");
        const std::string severity = r.string("severity");
        if (severity == "error")
            rule.severity = DqSeverity::error;
        else if (severity == "warn")
            rule.severity = DqSeverity::warn;
        else
            r.fail("unknown severity \"" + severity + "\" (warn, error)");
        rule.applies_without_drop = r.boolean("applies_without_drop", false);
        rule.requires_relations = r.strings("requires");
        set.rules.push_back(std::move(rule));
    }
    if (set.rules.empty()) throw UsageError(source + ": no rules");
    return set;
}

DqRuleSet load_dq_rules(const std::string& path) {
    simdjson::padded_string text;
    if (auto err = simdjson::padded_string::load(path).get(text))
        throw UsageError("cannot read dq rules file " + path + ": " + simdjson::error_message(err));
    return parse_dq_rules(std::string_view(text.data(), text.size()), path);
}

std::string dq_rules_path(const std::string& option_path) {
    if (!option_path.empty()) return option_path;
    if (const char* env = std::getenv("ECOMM_DQ_RULES"); env && *env) return env;
    return sql_dir() + "/dq_rules.json";
}

void apply_threshold_overrides(DqRuleSet& set, const std::vector<std::string>& overrides) {
    for (const auto& o : overrides) {
        const auto eq = o.find('=');
        if (eq == std::string::npos || eq == 0) throw UsageError("--threshold must be RULE=VALUE, got \"" + o + "\"");
        const std::string name = o.substr(0, eq);
        const std::string value = o.substr(eq + 1);
        char* end = nullptr;
        const double v = std::strtod(value.c_str(), &end);
        if (value.empty() || *end != '\0' || !std::isfinite(v))
            throw UsageError("--threshold " + name + ": \"" + value + "\" is not a number");
        auto it = std::find_if(set.rules.begin(), set.rules.end(), [&](const DqRule& r) { return r.name == name; });
        if (it == set.rules.end()) throw UsageError("--threshold: no rule named \"" + name + "\" in " + set.source);
        it->threshold = v;
    }
}

}  // namespace ecomm
