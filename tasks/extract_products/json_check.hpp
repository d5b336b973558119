// Well-formedness check of one JSON record for the extract tasks: a full validating parse (DOM), because
// extract decides "is this JSON at all?" and On-Demand only validates what it touches. Header-only: the
// customers extract uses it too.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

namespace ecomm::dims {

// Empty when `text` (followed by SIMDJSON_PADDING readable bytes) is one well-formed JSON object,
// else why not.
inline std::string check_json_object(simdjson::dom::parser& parser, std::string_view text) {
    simdjson::dom::element element;
    if (auto err = parser.parse(text.data(), text.size(), false).get(element)) return simdjson::error_message(err);
    if (!element.is_object()) return "not a JSON object";
    return {};
}

}  // namespace ecomm::dims
