// The first two quarantine rules every JSON record passes: valid UTF-8, then one well-formed JSON object.
// Shared by the extracts of the JSON feeds (orders and customers line by line, products element by element).
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

#include "common/quarantine.hpp"

namespace ecomm {

// Records larger than this are quarantined as malformed rather than parsed (bounds parser memory).
constexpr size_t max_record_bytes = 16u << 20;

// Empty when `text` (followed by SIMDJSON_PADDING readable bytes) is one well-formed JSON object, else why
// not. A full validating (DOM) parse: extract decides "is this JSON at all?", On-Demand only checks what it reads.
std::string check_json_object(simdjson::dom::parser& parser, std::string_view text);

// invalid_utf8, then malformed (too large, not JSON, not an object). `terminated` false marks the last line of
// a file without a newline, which the detail then points out as a possible truncation.
std::optional<RecordProblem> check_json_record(simdjson::dom::parser& parser, std::string_view text,
                                               bool terminated = true);

// True for a line of only spaces, tabs and carriage returns: not a record.
bool is_blank(std::string_view text);

}  // namespace ecomm
