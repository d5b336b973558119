// A PostgreSQL text[] literal of a list of values, to pass as one parameter (`= any($2::text[])`): a probe of a
// table's key by a handful of values without a temporary table whose size the planner must guess.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ecomm {

// Appends v as one element: quoted, '"' and '\' escaped.
void append_text_array_element(std::string& out, std::string_view v);

// Sets out to '{"a","b\"c"}' for the values proj(*it) of [first, last); '{}' for none. Reuses out's buffer.
template <typename It, typename Proj>
void assign_text_array_literal(std::string& out, It first, It last, Proj proj) {
    out = "{";
    for (It it = first; it != last; ++it) {
        if (it != first) out += ',';
        append_text_array_element(out, proj(*it));
    }
    out += '}';
}

inline std::string text_array_literal(const std::vector<std::string>& values) {
    std::string out;
    assign_text_array_literal(out, values.begin(), values.end(), [](const std::string& v) -> std::string_view { return v; });
    return out;
}

}  // namespace ecomm
