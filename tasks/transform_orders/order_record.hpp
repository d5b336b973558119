// Parsing and validating one order record against the data contract, without touching the database.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/quarantine.hpp"

namespace ecomm {

struct OrderLine {
    std::string product_id;
    long long quantity = 0;
    long long unit_price_cents = 0;
    long long discount_cents = 0;
    long long revenue_cents() const { return quantity * unit_price_cents - discount_cents; }
};

// A valid order, typed. Strings are copies: the parser's buffers die at the next record.
struct Order {
    std::string order_id, user_id, status, currency, channel, payment_method;
    int64_t order_ts = 0, updated_at = 0;  // microseconds since epoch, UTC
    long long payment_cents = 0;
    std::string ship_country;
    std::optional<std::string> ship_region, ship_city, ship_postal_code;
    std::vector<OrderLine> lines;  // reused between records: clear, not reallocate
    long long revenue_cents() const;
    long long units() const;
};

// Parses `json` (with SIMDJSON_PADDING readable bytes after it) into `out`, checking the contract's rules in
// its order: malformed, missing_field, unsupported_currency, invalid_value, future_timestamp (against
// `load_day`). Returns the first rule broken, or nullopt when the order is valid.
std::optional<RecordProblem> parse_order(simdjson::ondemand::parser& parser, std::string_view json, size_t capacity,
                                        int64_t load_day, Order& out);

}  // namespace ecomm
