// Exact money: decimal text to integer cents and back, never through a binary float.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ecomm {

// Parses a JSON number's text ("19.99", "20", "1.5", "2.000", "1e2") into cents.
// Returns nullopt for a non-number, a negative zero is 0, more than two non-zero decimals or an
// amount beyond numeric(12,2) is rejected (nullopt): the caller quarantines it as invalid_value.
std::optional<long long> parse_cents(std::string_view text);

// Appends cents as numeric text: 1234 -> "12.34", -5 -> "-0.05".
void append_cents(std::string& out, long long cents);
std::string format_cents(long long cents);

// Largest absolute amount numeric(12,2) holds, in cents.
constexpr long long max_cents = 9'999'999'999'99LL;

}  // namespace ecomm
