// The events feed's known CSV columns (the order of the fields transform_events checks and writes).
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace ecomm::events {

enum Column : int { event_id, user_id, session_id, event_type, event_ts, product_id, page_url, device, country };
constexpr size_t column_count = 9;
constexpr std::array<std::string_view, column_count> column_names = {
    "event_id", "user_id", "session_id", "event_type", "event_ts", "product_id", "page_url", "device", "country"};
// A file whose header lacks one of these is rejected whole.
constexpr std::array<Column, 4> required_columns = {event_id, session_id, event_type, event_ts};

}  // namespace ecomm::events
