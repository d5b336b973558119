// PostgreSQL text[] literals (see text_array.hpp).
#include "common/text_array.hpp"

namespace ecomm {

void append_text_array_element(std::string& out, std::string_view v) {
    out += '"';
    for (char c : v) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    out += '"';
}

}  // namespace ecomm
