// transform_customers: raw.customers of a date -> staging.customers_changes (no personal data) and
// private.customer_pii (personal data, newest change wins).
#pragma once

#include <simdjson.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/json_fields.hpp"
#include "common/quarantine.hpp"
#include "common/task.hpp"

namespace ecomm {

struct CustomerChange {
    enum Text { email, first_name, last_name, phone, region, city };
    bool is_delete = false;
    std::string user_id, segment, country;
    // optional text: email, first_name, last_name, phone, region, city (a null or absent value is "not set")
    std::array<std::string, 6> text;
    std::array<bool, 6> has_text{};
    std::optional<int64_t> signup_ts;
    std::optional<bool> marketing_opt_in;
    int64_t updated_at = 0;
};

// Parses and validates one change line (one long-lived On-Demand parser over a reused padded buffer).
class CustomerParser {
public:
    std::optional<RecordProblem> parse(std::string_view json, int64_t load_day, CustomerChange& out);

private:
    simdjson::ondemand::parser parser_;
    PaddedText text_;
    std::array<JsonField, 13> fields_;
};

void transform_customers(TaskContext& ctx);

}  // namespace ecomm
