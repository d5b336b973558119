// PostgreSQL text[] literals (see text_array.hpp).
#include "common/text_array.hpp"

namespace ecomm {

std::string text_array_literal(const std::vector<std::string>& values) {
    std::string out = "{";
    for (const auto& v : values) {
        if (out.size() > 1) out += ',';
        out += '"';
        for (char c : v) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    out += '}';
    return out;
}

}  // namespace ecomm
