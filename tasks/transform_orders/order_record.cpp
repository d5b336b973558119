// One pass over an order's fields collects what is there; the contract's rules are then checked in order,
// so a record is quarantined for the first rule it breaks whatever the order of its fields.
#include "order_record.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "common/json_fields.hpp"
#include "common/money.hpp"
#include "common/timeutil.hpp"

namespace ecomm {

namespace ondemand = simdjson::ondemand;

long long Order::revenue_cents() const {
    long long total = 0;
    for (const auto& l : lines) total += l.revenue_cents();
    return total;
}

long long Order::units() const {
    long long total = 0;
    for (const auto& l : lines) total += l.quantity;
    return total;
}

namespace {

constexpr std::array<std::string_view, 6> statuses = {"placed", "paid", "shipped", "delivered", "cancelled", "refunded"};
constexpr std::array<std::string_view, 3> channels = {"web", "app", "marketplace"};
constexpr std::array<std::string_view, 5> payment_methods = {"credit_card", "debit_card", "paypal", "apple_pay",
                                                             "gift_card"};

template <size_t N>
bool one_of(std::string_view v, const std::array<std::string_view, N>& allowed) {
    return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

template <size_t N>
std::string list(const std::array<std::string_view, N>& allowed) {
    std::string s;
    for (auto a : allowed) s += (s.empty() ? "" : " ") + std::string(a);
    return s;
}

// What is read of an order, of each of its lines, of its payment and of its shipping: names, and enums indexing them.
enum OrderField { order_id, user_id, order_ts, updated_at, status, currency, channel, items, payment, shipping };
constexpr std::array<std::string_view, 10> order_fields = {"order_id", "user_id",  "order_ts", "updated_at",
                                                           "status",   "currency", "channel",  "items",
                                                           "payment",  "shipping"};
enum LineField { product_id, quantity, unit_price, discount };
constexpr std::array<std::string_view, 4> line_fields = {"product_id", "quantity", "unit_price", "discount"};
enum PaymentField { method, amount };
constexpr std::array<std::string_view, 2> payment_fields = {"method", "amount"};
enum ShippingField { country, region, city, postal_code };
constexpr std::array<std::string_view, 4> shipping_fields = {"country", "region", "city", "postal_code"};

struct LineSlots {
    bool object = false;  // false: the element is not an object, and its fields are all absent
    std::array<JsonField, 4> field;
};

// Collects the first missing field and the first invalid value while the record is read.
struct Findings {
    std::string missing;
    std::string invalid;
    void miss(std::string_view path) {
        if (missing.empty()) missing = "missing field \"" + std::string(path) + "\"";
    }
    void bad(std::string detail) {
        if (invalid.empty()) invalid = std::move(detail);
    }
    // required: absent or null is missing; another kind than `kind` is invalid
    bool require(const JsonField& f, JsonKind kind, std::string_view path, std::string_view expected) {
        return require(f, kind, path, {}, expected);
    }
    // The same for `name` inside `parent`: the path is only joined when reported, so a valid line of an order
    // builds no string (a generated day of 220k orders holds 351k lines)
    bool require(const JsonField& f, JsonKind kind, std::string_view parent, std::string_view name,
                 std::string_view expected) {
        if (f.present() && f.kind == kind) return true;
        std::string path(parent);
        if (!name.empty()) path.append(".").append(name);
        if (!f.present())
            miss(path);
        else
            bad("invalid value for \"" + path + "\": expected " + std::string(expected));
        return false;
    }
};

bool parse_quantity(std::string_view token, long long& out) {
    if (token.empty() || token.size() > 9) return false;
    out = 0;
    for (char c : token) {
        if (c < '0' || c > '9') return false;  // no sign, fraction or exponent: an integer >= 0
        out = out * 10 + (c - '0');
    }
    return true;
}

}  // namespace

std::optional<RecordProblem> parse_order(ondemand::parser& parser, std::string_view json, size_t capacity,
                                        int64_t load_day, Order& out) {
    std::array<JsonField, order_fields.size()> o;
    std::array<JsonField, payment_fields.size()> pay;
    std::array<JsonField, shipping_fields.size()> ship;
    thread_local std::vector<LineSlots> lines;  // reused: no allocation per record
    lines.clear();
    // items, payment and shipping are read in the same pass; another kind there is reported below
    auto descend = [&](size_t i, const JsonField& f, ondemand::value& v) -> simdjson::error_code {
        if (i == items && f.kind == JsonKind::array) {
            ondemand::array array;
            if (auto e = v.get_array().get(array)) return e;
            for (auto element_result : array) {
                ondemand::value element;
                if (auto e = std::move(element_result).get(element)) return e;
                LineSlots& line = lines.emplace_back();
                ondemand::json_type type;
                if (auto e = element.type().get(type)) return e;
                if (type != ondemand::json_type::object) continue;  // reported as an invalid line below
                line.object = true;
                if (auto e = capture_json_fields(element, line_fields, line.field).code) return e;
            }
        } else if (i == payment && f.kind == JsonKind::object) {
            return capture_json_fields(v, payment_fields, pay).code;
        } else if (i == shipping && f.kind == JsonKind::object) {
            return capture_json_fields(v, shipping_fields, ship).code;
        }
        return simdjson::SUCCESS;
    };
    if (auto error = capture_json_document(parser, json.data(), json.size(), capacity, order_fields, o, descend)) {
        if (error.at == JsonCaptureError::At::root)
            return RecordProblem{Reason::malformed, "record is not a JSON object"};
        return RecordProblem{Reason::malformed, std::string("not valid JSON: ") + simdjson::error_message(error.code)};
    }

    // Rules in the contract's order. First: required fields present (absent or null is missing).
    Findings f;
    f.require(o[order_id], JsonKind::string, "order_id", "a string");
    f.require(o[user_id], JsonKind::string, "user_id", "a string");
    f.require(o[order_ts], JsonKind::string, "order_ts", "an RFC 3339 string");
    f.require(o[updated_at], JsonKind::string, "updated_at", "an RFC 3339 string");
    f.require(o[status], JsonKind::string, "status", "a string");
    bool currency_ok = f.require(o[currency], JsonKind::string, "currency", "a string");
    f.require(o[channel], JsonKind::string, "channel", "a string");
    if (f.require(o[items], JsonKind::array, "items", "an array")) {
        for (size_t i = 0; i < lines.size(); ++i) {
            const std::string p = "items[" + std::to_string(i) + "]";
            const auto& l = lines[i].field;
            // An object line whose product_id and quantity are both wrong-typed and that has no unit_price reads
            // as a non-object too: the parser's earlier engine marked a non-object line by just those fields,
            // and its quarantine details are kept.
            const bool object = lines[i].object && !(l[product_id].wrong_type(JsonKind::string) &&
                                                     l[quantity].wrong_type(JsonKind::number) &&
                                                     l[unit_price].kind == JsonKind::absent);
            if (!object) {
                f.bad("invalid value for \"" + p + "\": expected an object");
                continue;
            }
            f.require(l[product_id], JsonKind::string, p, line_fields[product_id], "a string");
            f.require(l[quantity], JsonKind::number, p, line_fields[quantity], "an integer");
            f.require(l[unit_price], JsonKind::number, p, line_fields[unit_price], "a number");
            if (l[discount].wrong_type(JsonKind::number))
                f.bad("invalid value for \"" + p + ".discount\": expected a number");
        }
    }
    if (f.require(o[payment], JsonKind::object, "payment", "an object")) {
        f.require(pay[method], JsonKind::string, "payment.method", "a string");
        f.require(pay[amount], JsonKind::number, "payment.amount", "a number");
    }
    if (f.require(o[shipping], JsonKind::object, "shipping", "an object")) {
        f.require(ship[country], JsonKind::string, "shipping.country", "a string");
        for (ShippingField k : {region, city, postal_code})
            if (ship[k].wrong_type(JsonKind::string))
                f.bad("invalid value for \"shipping." + std::string(shipping_fields[k]) + "\": expected a string");
    }
    if (!f.missing.empty()) return RecordProblem{Reason::missing_field, f.missing};

    // Second: currency.
    if (currency_ok && o[currency].text != "USD")
        return RecordProblem{Reason::unsupported_currency,
                            "unsupported currency \"" + std::string(o[currency].text) + "\" (only USD is accepted)"};

    // Third: values.
    auto invalid = [&](std::string_view field, std::string_view value, std::string_view why) {
        f.bad("invalid value for \"" + std::string(field) + "\": \"" + std::string(value) + "\" " + std::string(why));
    };
    auto is_string = [](const JsonField& field) { return field.kind == JsonKind::string; };
    if (is_string(o[order_id]) && o[order_id].text.empty()) invalid("order_id", "", "is empty");
    if (is_string(o[user_id]) && o[user_id].text.empty()) invalid("user_id", "", "is empty");
    std::optional<int64_t> order_time, update_time;
    if (is_string(o[order_ts]) && !(order_time = parse_rfc3339(o[order_ts].text)))
        invalid("order_ts", o[order_ts].text, "is not an RFC 3339 timestamp with an offset");
    if (is_string(o[updated_at]) && !(update_time = parse_rfc3339(o[updated_at].text)))
        invalid("updated_at", o[updated_at].text, "is not an RFC 3339 timestamp with an offset");
    if (is_string(o[status]) && !one_of(o[status].text, statuses))
        invalid("status", o[status].text, "is not one of " + list(statuses));
    if (is_string(o[channel]) && !one_of(o[channel].text, channels))
        invalid("channel", o[channel].text, "is not one of " + list(channels));
    const bool items_ok = o[items].kind == JsonKind::array;
    if (items_ok && lines.empty())
        f.bad("invalid value for \"items\": an order needs at least one line");
    out.lines.resize(lines.size());
    for (size_t i = 0; i < lines.size() && f.invalid.empty(); ++i) {
        const auto& l = lines[i].field;
        OrderLine& line = out.lines[i];
        const std::string p = "items[" + std::to_string(i) + "]";
        if (l[product_id].text.empty()) invalid(p + ".product_id", "", "is empty");
        if (!parse_quantity(l[quantity].text, line.quantity) || line.quantity < 1)
            invalid(p + ".quantity", l[quantity].text, "is not an integer >= 1");
        auto price = parse_cents(l[unit_price].text);
        if (!price || *price < 0)
            invalid(p + ".unit_price", l[unit_price].text, "is not an amount >= 0 with at most 2 decimals");
        std::optional<long long> discount_cents = 0LL;
        if (l[discount].kind == JsonKind::number) {
            discount_cents = parse_cents(l[discount].text);
            if (!discount_cents || *discount_cents < 0)
                invalid(p + ".discount", l[discount].text, "is not an amount >= 0 with at most 2 decimals");
        }
        if (!f.invalid.empty()) break;
        // quantity (< 10^9) * unit_price (< 10^12 cents) can pass a 64-bit integer, and staging keeps amounts
        // as numeric(12,2): a larger line would fail the whole day's COPY instead of this one record
        long long gross = 0;
        if (__builtin_mul_overflow(line.quantity, *price, &gross) || gross - *discount_cents > max_cents) {
            invalid(p + ".quantity", l[quantity].text, "times unit_price exceeds the largest amount, 9999999999.99");
            break;
        }
        if (*discount_cents > gross) invalid(p + ".discount", l[discount].text, "exceeds quantity * unit_price");
        line.product_id.assign(l[product_id].text);
        line.unit_price_cents = *price;
        line.discount_cents = *discount_cents;
    }
    if (f.invalid.empty() && items_ok && !lines.empty()) {
        // the order's totals have the same bounds (revenue numeric(12,2), units integer)
        long long revenue = 0, units = 0;
        for (const auto& l : out.lines) {
            revenue += l.revenue_cents();  // each at most max_cents: no overflow over any realistic line count
            units += l.quantity;
        }
        if (revenue > max_cents) invalid("items", std::to_string(lines.size()) + " lines",
                                         "add up to more than the largest amount, 9999999999.99");
        else if (units > INT32_MAX) invalid("items", std::to_string(lines.size()) + " lines",
                                            "add up to more than 2147483647 units");
    }
    if (is_string(pay[method]) && !one_of(pay[method].text, payment_methods))
        invalid("payment.method", pay[method].text, "is not one of " + list(payment_methods));
    std::optional<long long> payment_cents;
    if (pay[amount].kind == JsonKind::number) {
        payment_cents = parse_cents(pay[amount].text);
        if (!payment_cents || *payment_cents < 0)
            invalid("payment.amount", pay[amount].text, "is not an amount >= 0 with at most 2 decimals");
    }
    auto c = ship[country].text;
    if (is_string(ship[country]) && !(c.size() == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'))
        invalid("shipping.country", c, "is not two upper-case letters");
    if (!f.invalid.empty()) return RecordProblem{Reason::invalid_value, f.invalid};

    // Fourth: business timestamps not in the future of the load date.
    if (is_future(*order_time, load_day))
        return RecordProblem{Reason::future_timestamp, "order_ts " + std::string(o[order_ts].text) +
                                                          " is after the end of load date " + format_date(load_day) +
                                                          " plus one hour"};
    if (is_future(*update_time, load_day))
        return RecordProblem{Reason::future_timestamp, "updated_at " + std::string(o[updated_at].text) +
                                                          " is after the end of load date " + format_date(load_day) +
                                                          " plus one hour"};

    out.order_id.assign(o[order_id].text);
    out.user_id.assign(o[user_id].text);
    out.status.assign(o[status].text);
    out.currency.assign(o[currency].text);
    out.channel.assign(o[channel].text);
    out.payment_method.assign(pay[method].text);
    out.order_ts = *order_time;
    out.updated_at = *update_time;
    out.payment_cents = *payment_cents;
    out.ship_country.assign(c);
    auto opt = [&](ShippingField k, std::optional<std::string>& dst) {
        if (is_string(ship[k]))
            dst.emplace(ship[k].text);
        else
            dst.reset();
    };
    opt(region, out.ship_region);
    opt(city, out.ship_city);
    opt(postal_code, out.ship_postal_code);
    return std::nullopt;
}

}  // namespace ecomm
