// The events contract's record rules: which fields are required, which values are known, and when an
// event is in the future. Pure functions over field texts, so unit tests need no database.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/quarantine.hpp"
#include "common/events_columns.hpp"

namespace ecomm::events {

bool is_event_type(std::string_view v);
bool is_device(std::string_view v);
// product_view, add_to_cart and remove_from_cart name the product they are about.
bool needs_product(std::string_view event_type);

// Checks one event's field texts (null and empty alike: absent) in the contract's order: missing_field,
// invalid_value, future_timestamp. On success sets event_ts_micros (UTC) and returns nullopt.
std::optional<RecordProblem> check_event(const std::array<std::string_view, column_count>& fields, int64_t load_day,
                                        int64_t& event_ts_micros);

}  // namespace ecomm::events
