// One pass over an order's fields collects what is there; the contract's rules are then checked in order,
// so a record is quarantined for the first rule it breaks whatever the order of its fields.
#include "order_record.hpp"

#include <algorithm>
#include <array>
#include <utility>

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

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

// What one pass found for a field.
enum class State { absent, null, ok, wrong_type };

struct Text {
    State state = State::absent;
    std::string_view value;  // unescaped; valid until the parser's next document
};

struct Number {
    State state = State::absent;
    std::string_view token;  // the number's exact text
};

struct ItemSlots {
    Text product_id;
    Number quantity, unit_price, discount;
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
    // required: absent or null is missing; wrong type is invalid
    bool require(State s, std::string_view path, std::string_view expected) {
        if (s == State::absent || s == State::null) {
            miss(path);
            return false;
        }
        if (s == State::wrong_type) {
            bad("invalid value for \"" + std::string(path) + "\": expected " + std::string(expected));
            return false;
        }
        return true;
    }
};

simdjson::error_code read_text(ondemand::value& v, Text& out) {
    ondemand::json_type t;
    if (auto e = v.type().get(t)) return e;
    if (t == ondemand::json_type::null) {
        out.state = State::null;
    } else if (t != ondemand::json_type::string) {
        out.state = State::wrong_type;
    } else {
        if (auto e = v.get_string().get(out.value)) return e;
        out.state = State::ok;
    }
    return simdjson::SUCCESS;
}

simdjson::error_code read_number(ondemand::value& v, Number& out) {
    ondemand::json_type t;
    if (auto e = v.type().get(t)) return e;
    if (t == ondemand::json_type::null) {
        out.state = State::null;
    } else if (t != ondemand::json_type::number) {
        out.state = State::wrong_type;
    } else {
        out.token = trim(v.raw_json_token());
        out.state = State::ok;
    }
    return simdjson::SUCCESS;
}

// An object field's value as an object; state tells absent/null/wrong type.
simdjson::error_code open_object(ondemand::value& v, State& state, ondemand::object& obj) {
    ondemand::json_type t;
    if (auto e = v.type().get(t)) return e;
    if (t == ondemand::json_type::null) {
        state = State::null;
        return simdjson::SUCCESS;
    }
    if (t != ondemand::json_type::object) {
        state = State::wrong_type;
        return simdjson::SUCCESS;
    }
    state = State::ok;
    return v.get_object().get(obj);
}

bool parse_quantity(std::string_view token, long long& out) {
    if (token.empty() || token.size() > 9) return false;
    out = 0;
    for (char c : token) {
        if (c < '0' || c > '9') return false;  // no sign, fraction or exponent: an integer >= 0
        out = out * 10 + (c - '0');
    }
    return true;
}

struct Slots {
    Text order_id, user_id, order_ts, updated_at, status, currency, channel;
    State items = State::absent;
    size_t item_count = 0;
    State payment = State::absent;
    Text payment_method;
    Number payment_amount;
    State shipping = State::absent;
    Text country, region, city, postal_code;
};

}  // namespace

std::optional<RecordProblem> parse_order(ondemand::parser& parser, std::string_view json, size_t capacity,
                                        int64_t load_day, Order& out) {
    auto malformed = [](simdjson::error_code e) {
        return RecordProblem{Reason::malformed, std::string("not valid JSON: ") + simdjson::error_message(e)};
    };
    Slots s;
    thread_local std::vector<ItemSlots> items;
    items.clear();

    ondemand::document doc;
    if (auto e = parser.iterate(json.data(), json.size(), capacity).get(doc)) return malformed(e);
    ondemand::object obj;
    if (doc.get_object().get(obj) != simdjson::SUCCESS) return RecordProblem{Reason::malformed, "record is not a JSON object"};

    for (auto field_result : obj) {
        ondemand::field field;
        std::string_view key;
        if (auto e = std::move(field_result).get(field)) return malformed(e);
        if (auto e = field.unescaped_key().get(key)) return malformed(e);
        ondemand::value v = field.value();
        simdjson::error_code e = simdjson::SUCCESS;
        if (key == "order_id") e = read_text(v, s.order_id);
        else if (key == "user_id") e = read_text(v, s.user_id);
        else if (key == "order_ts") e = read_text(v, s.order_ts);
        else if (key == "updated_at") e = read_text(v, s.updated_at);
        else if (key == "status") e = read_text(v, s.status);
        else if (key == "currency") e = read_text(v, s.currency);
        else if (key == "channel") e = read_text(v, s.channel);
        else if (key == "items") {
            ondemand::json_type t;
            if ((e = v.type().get(t))) return malformed(e);
            if (t == ondemand::json_type::null) {
                s.items = State::null;
            } else if (t != ondemand::json_type::array) {
                s.items = State::wrong_type;
            } else {
                s.items = State::ok;
                ondemand::array arr;
                if ((e = v.get_array().get(arr))) return malformed(e);
                for (auto elem_result : arr) {
                    ondemand::value elem;
                    if ((e = std::move(elem_result).get(elem))) return malformed(e);
                    ItemSlots& item = items.emplace_back();
                    State st;
                    ondemand::object io;
                    if ((e = open_object(elem, st, io))) return malformed(e);
                    if (st != State::ok) {
                        item.product_id.state = State::wrong_type;  // reported as an invalid line below
                        item.quantity.state = State::wrong_type;
                        continue;
                    }
                    for (auto item_field_result : io) {
                        ondemand::field f;
                        std::string_view k;
                        if ((e = std::move(item_field_result).get(f))) return malformed(e);
                        if ((e = f.unescaped_key().get(k))) return malformed(e);
                        ondemand::value iv = f.value();
                        if (k == "product_id") e = read_text(iv, item.product_id);
                        else if (k == "quantity") e = read_number(iv, item.quantity);
                        else if (k == "unit_price") e = read_number(iv, item.unit_price);
                        else if (k == "discount") e = read_number(iv, item.discount);
                        if (e) return malformed(e);
                    }
                }
                s.item_count = items.size();
            }
        } else if (key == "payment") {
            ondemand::object po;
            if ((e = open_object(v, s.payment, po))) return malformed(e);
            if (s.payment == State::ok) {
                for (auto pf_result : po) {
                    ondemand::field f;
                    std::string_view k;
                    if ((e = std::move(pf_result).get(f))) return malformed(e);
                    if ((e = f.unescaped_key().get(k))) return malformed(e);
                    ondemand::value pv = f.value();
                    if (k == "method") e = read_text(pv, s.payment_method);
                    else if (k == "amount") e = read_number(pv, s.payment_amount);
                    if (e) return malformed(e);
                }
            }
        } else if (key == "shipping") {
            ondemand::object so;
            if ((e = open_object(v, s.shipping, so))) return malformed(e);
            if (s.shipping == State::ok) {
                for (auto sf_result : so) {
                    ondemand::field f;
                    std::string_view k;
                    if ((e = std::move(sf_result).get(f))) return malformed(e);
                    if ((e = f.unescaped_key().get(k))) return malformed(e);
                    ondemand::value sv = f.value();
                    if (k == "country") e = read_text(sv, s.country);
                    else if (k == "region") e = read_text(sv, s.region);
                    else if (k == "city") e = read_text(sv, s.city);
                    else if (k == "postal_code") e = read_text(sv, s.postal_code);
                    if (e) return malformed(e);
                }
            }
        }
        if (e) return malformed(e);
    }

    // Rules in the contract's order. First: required fields present (absent or null is missing).
    Findings f;
    f.require(s.order_id.state, "order_id", "a string");
    f.require(s.user_id.state, "user_id", "a string");
    f.require(s.order_ts.state, "order_ts", "an RFC 3339 string");
    f.require(s.updated_at.state, "updated_at", "an RFC 3339 string");
    f.require(s.status.state, "status", "a string");
    bool currency_ok = f.require(s.currency.state, "currency", "a string");
    f.require(s.channel.state, "channel", "a string");
    if (f.require(s.items, "items", "an array")) {
        for (size_t i = 0; i < items.size(); ++i) {
            const std::string p = "items[" + std::to_string(i) + "]";
            const ItemSlots& it = items[i];
            if (it.product_id.state == State::wrong_type && it.quantity.state == State::wrong_type &&
                it.unit_price.state == State::absent) {
                f.bad("invalid value for \"" + p + "\": expected an object");
                continue;
            }
            f.require(it.product_id.state, p + ".product_id", "a string");
            f.require(it.quantity.state, p + ".quantity", "an integer");
            f.require(it.unit_price.state, p + ".unit_price", "a number");
            if (it.discount.state == State::wrong_type) f.bad("invalid value for \"" + p + ".discount\": expected a number");
        }
    }
    if (f.require(s.payment, "payment", "an object")) {
        f.require(s.payment_method.state, "payment.method", "a string");
        f.require(s.payment_amount.state, "payment.amount", "a number");
    }
    if (f.require(s.shipping, "shipping", "an object")) {
        f.require(s.country.state, "shipping.country", "a string");
        for (auto [slot, name] : {std::pair{&s.region, "shipping.region"}, std::pair{&s.city, "shipping.city"},
                                  std::pair{&s.postal_code, "shipping.postal_code"}})
            if (slot->state == State::wrong_type) f.bad("invalid value for \"" + std::string(name) + "\": expected a string");
    }
    if (!f.missing.empty()) return RecordProblem{Reason::missing_field, f.missing};

    // Second: currency.
    if (currency_ok && s.currency.value != "USD")
        return RecordProblem{Reason::unsupported_currency,
                            "unsupported currency \"" + std::string(s.currency.value) + "\" (only USD is accepted)"};

    // Third: values.
    auto invalid = [&](std::string_view field, std::string_view value, std::string_view why) {
        f.bad("invalid value for \"" + std::string(field) + "\": \"" + std::string(value) + "\" " + std::string(why));
    };
    if (s.order_id.state == State::ok && s.order_id.value.empty()) invalid("order_id", "", "is empty");
    if (s.user_id.state == State::ok && s.user_id.value.empty()) invalid("user_id", "", "is empty");
    std::optional<int64_t> order_ts, updated_at;
    if (s.order_ts.state == State::ok && !(order_ts = parse_rfc3339(s.order_ts.value)))
        invalid("order_ts", s.order_ts.value, "is not an RFC 3339 timestamp with an offset");
    if (s.updated_at.state == State::ok && !(updated_at = parse_rfc3339(s.updated_at.value)))
        invalid("updated_at", s.updated_at.value, "is not an RFC 3339 timestamp with an offset");
    if (s.status.state == State::ok && !one_of(s.status.value, statuses))
        invalid("status", s.status.value, "is not one of " + list(statuses));
    if (s.channel.state == State::ok && !one_of(s.channel.value, channels))
        invalid("channel", s.channel.value, "is not one of " + list(channels));
    if (s.items == State::ok && items.empty()) f.bad("invalid value for \"items\": an order needs at least one line");
    out.lines.resize(items.size());
    for (size_t i = 0; i < items.size() && f.invalid.empty(); ++i) {
        const ItemSlots& it = items[i];
        OrderLine& line = out.lines[i];
        const std::string p = "items[" + std::to_string(i) + "]";
        if (it.product_id.value.empty()) invalid(p + ".product_id", "", "is empty");
        if (!parse_quantity(it.quantity.token, line.quantity) || line.quantity < 1)
            invalid(p + ".quantity", it.quantity.token, "is not an integer >= 1");
        auto price = parse_cents(it.unit_price.token);
        if (!price || *price < 0)
            invalid(p + ".unit_price", it.unit_price.token, "is not an amount >= 0 with at most 2 decimals");
        std::optional<long long> discount = 0LL;
        if (it.discount.state == State::ok) {
            discount = parse_cents(it.discount.token);
            if (!discount || *discount < 0)
                invalid(p + ".discount", it.discount.token, "is not an amount >= 0 with at most 2 decimals");
        }
        if (!f.invalid.empty()) break;
        // quantity (< 10^9) * unit_price (< 10^12 cents) can pass a 64-bit integer, and staging keeps amounts
        // as numeric(12,2): a larger line would fail the whole day's COPY instead of this one record
        long long gross = 0;
        if (__builtin_mul_overflow(line.quantity, *price, &gross) || gross - *discount > max_cents) {
            invalid(p + ".quantity", it.quantity.token, "times unit_price exceeds the largest amount, 9999999999.99");
            break;
        }
        if (*discount > gross) invalid(p + ".discount", it.discount.token, "exceeds quantity * unit_price");
        line.product_id.assign(it.product_id.value);
        line.unit_price_cents = *price;
        line.discount_cents = *discount;
    }
    if (f.invalid.empty() && s.items == State::ok && !items.empty()) {
        // the order's totals have the same bounds (revenue numeric(12,2), units integer)
        long long revenue = 0, units = 0;
        for (const auto& l : out.lines) {
            revenue += l.revenue_cents();  // each at most max_cents: no overflow over any realistic line count
            units += l.quantity;
        }
        if (revenue > max_cents) invalid("items", std::to_string(items.size()) + " lines",
                                         "add up to more than the largest amount, 9999999999.99");
        else if (units > INT32_MAX) invalid("items", std::to_string(items.size()) + " lines",
                                            "add up to more than 2147483647 units");
    }
    if (s.payment_method.state == State::ok && !one_of(s.payment_method.value, payment_methods))
        invalid("payment.method", s.payment_method.value, "is not one of " + list(payment_methods));
    std::optional<long long> amount;
    if (s.payment_amount.state == State::ok) {
        amount = parse_cents(s.payment_amount.token);
        if (!amount || *amount < 0)
            invalid("payment.amount", s.payment_amount.token, "is not an amount >= 0 with at most 2 decimals");
    }
    auto c = s.country.value;
    if (s.country.state == State::ok && !(c.size() == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'))
        invalid("shipping.country", c, "is not two upper-case letters");
    if (!f.invalid.empty()) return RecordProblem{Reason::invalid_value, f.invalid};

    // Fourth: business timestamps not in the future of the load date.
    if (is_future(*order_ts, load_day))
        return RecordProblem{Reason::future_timestamp, "order_ts " + std::string(s.order_ts.value) +
                                                          " is after the end of load date " + format_date(load_day) +
                                                          " plus one hour"};
    if (is_future(*updated_at, load_day))
        return RecordProblem{Reason::future_timestamp, "updated_at " + std::string(s.updated_at.value) +
                                                          " is after the end of load date " + format_date(load_day) +
                                                          " plus one hour"};

    out.order_id.assign(s.order_id.value);
    out.user_id.assign(s.user_id.value);
    out.status.assign(s.status.value);
    out.currency.assign(s.currency.value);
    out.channel.assign(s.channel.value);
    out.payment_method.assign(s.payment_method.value);
    out.order_ts = *order_ts;
    out.updated_at = *updated_at;
    out.payment_cents = *amount;
    out.ship_country.assign(c);
    auto opt = [](const Text& t, std::optional<std::string>& dst) {
        if (t.state == State::ok)
            dst.emplace(t.value);
        else
            dst.reset();
    };
    opt(s.region, out.ship_region);
    opt(s.city, out.ship_city);
    opt(s.postal_code, out.ship_postal_code);
    return std::nullopt;
}

}  // namespace ecomm
