// The first two quarantine rules every JSON record passes: valid UTF-8, then well-formed JSON.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

#include "common/line_reader.hpp"
#include "common/quarantine.hpp"

namespace ecomm {

struct RecordProblem {
    Reason reason;
    std::string detail;
};

// Records larger than this are quarantined as malformed rather than parsed (bounds parser memory).
constexpr size_t max_record_bytes = 16u << 20;

// Checks a JSON record (a line with `padding` readable bytes after it) for invalid_utf8 and malformed.
// A record that is valid JSON but not an object is malformed too.
std::optional<RecordProblem> check_json_record(simdjson::dom::parser& parser, const Line& line, size_t padding);

// True for a line of only spaces, tabs and carriage returns: not a record.
bool is_blank(std::string_view text);

}  // namespace ecomm
