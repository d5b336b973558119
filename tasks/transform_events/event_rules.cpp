// The events contract's record rules.
#include "event_rules.hpp"

#include "common/timeutil.hpp"

namespace ecomm::events {

bool is_event_type(std::string_view v) {
    return v == "page_view" || v == "product_view" || v == "add_to_cart" || v == "remove_from_cart" ||
           v == "begin_checkout" || v == "purchase";
}

bool is_device(std::string_view v) { return v == "desktop" || v == "mobile" || v == "tablet"; }

bool needs_product(std::string_view t) { return t == "product_view" || t == "add_to_cart" || t == "remove_from_cart"; }

namespace {

RecordProblem problem(Reason r, std::string_view what, Column c, std::string_view value = {}) {
    std::string d(what);
    d += " \"";
    d += column_names[c];
    d += '"';
    if (!value.empty()) {
        d += ": \"";
        d += value.substr(0, 200);
        d += '"';
    }
    return {r, std::move(d)};
}

}  // namespace

std::optional<RecordProblem> check_event(const std::array<std::string_view, column_count>& f, int64_t load_day,
                                        int64_t& ts) {
    for (Column c : required_columns)
        if (f[c].empty()) return problem(Reason::missing_field, "missing field", c);
    const bool known_type = is_event_type(f[event_type]);
    if (known_type && needs_product(f[event_type]) && f[product_id].empty())
        return RecordProblem{Reason::missing_field,
                            "missing field \"product_id\" (required for " + std::string(f[event_type]) + ")"};
    if (!known_type) return problem(Reason::invalid_value, "unknown value of", event_type, f[event_type]);
    if (!f[device].empty() && !is_device(f[device]))
        return problem(Reason::invalid_value, "unknown value of", device, f[device]);
    auto parsed = parse_rfc3339(f[event_ts]);
    if (!parsed) return problem(Reason::invalid_value, "not an RFC 3339 timestamp:", event_ts, f[event_ts]);
    if (is_future(*parsed, load_day))
        return problem(Reason::future_timestamp, "later than the end of the load date plus one hour:", event_ts,
                       f[event_ts]);
    ts = *parsed;
    return std::nullopt;
}

}  // namespace ecomm::events
