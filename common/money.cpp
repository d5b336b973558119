// Exact money parsing and formatting.
#include "common/money.hpp"

#include <cstdlib>

namespace ecomm {

std::optional<long long> parse_cents(std::string_view t) {
    size_t i = 0;
    bool negative = false;
    if (i < t.size() && t[i] == '-') {
        negative = true;
        ++i;
    }
    // integer part
    __int128 units = 0;
    size_t digits = 0;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
        units = units * 10 + (t[i] - '0');
        if (units > max_cents) return std::nullopt;
        ++i;
        ++digits;
    }
    if (digits == 0) return std::nullopt;
    // fraction: keep exactly the digits (up to 18) to scale by the exponent later
    __int128 frac = 0;
    int frac_digits = 0;
    if (i < t.size() && t[i] == '.') {
        ++i;
        size_t start = i;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
            if (frac_digits < 18) {
                frac = frac * 10 + (t[i] - '0');
                ++frac_digits;
            } else if (t[i] != '0') {
                return std::nullopt;  // more precision than money has
            }
            ++i;
        }
        if (i == start) return std::nullopt;
    }
    int exponent = 0;
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
        ++i;
        bool eneg = false;
        if (i < t.size() && (t[i] == '+' || t[i] == '-')) eneg = t[i++] == '-';
        size_t start = i;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
            exponent = exponent * 10 + (t[i] - '0');
            if (exponent > 40) return std::nullopt;
            ++i;
        }
        if (i == start) return std::nullopt;
        if (eneg) exponent = -exponent;
    }
    if (i != t.size()) return std::nullopt;
    // value = (units * 10^frac_digits + frac) * 10^(exponent - frac_digits); we want value * 100
    __int128 mantissa = units;
    for (int k = 0; k < frac_digits; ++k) mantissa *= 10;
    mantissa += frac;
    int scale = exponent - frac_digits + 2;  // power of ten to apply to mantissa to get cents
    if (scale >= 0) {
        for (int k = 0; k < scale; ++k) {
            mantissa *= 10;
            if (mantissa > max_cents) return std::nullopt;
        }
    } else {
        for (int k = 0; k < -scale; ++k) {
            if (mantissa % 10 != 0) return std::nullopt;  // sub-cent precision
            mantissa /= 10;
        }
    }
    if (mantissa > max_cents) return std::nullopt;
    long long cents = static_cast<long long>(mantissa);
    return negative ? -cents : cents;
}

void append_cents(std::string& out, long long cents) {
    if (cents < 0) {
        out.push_back('-');
        cents = -cents;
    }
    out.append(std::to_string(cents / 100));
    out.push_back('.');
    long long c = cents % 100;
    out.push_back(static_cast<char>('0' + c / 10));
    out.push_back(static_cast<char>('0' + c % 10));
}

std::string format_cents(long long cents) {
    std::string s;
    append_cents(s, cents);
    return s;
}

}  // namespace ecomm
