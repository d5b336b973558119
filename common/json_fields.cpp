// The malformed details of the JSON field-capture engine.
#include "common/json_fields.hpp"

namespace ecomm {

std::string JsonCaptureError::message() const {
    switch (at) {
        case At::none:
            return {};
        case At::root:
            return std::string("not a JSON object: ") + simdjson::error_message(code);
        case At::value:
            return "field \"" + std::string(key) + "\" is not well-formed JSON";
        case At::document:
        case At::field:
            break;
    }
    return simdjson::error_message(code);
}

}  // namespace ecomm
