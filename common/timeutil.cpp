// Strict date and RFC 3339 parsing (Howard Hinnant's civil-date algorithms).
#include "common/timeutil.hpp"

#include <cstdio>

namespace ecomm {

int64_t days_from_civil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int& y, unsigned& m, unsigned& d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<int>(yoe + era * 400) + (m <= 2);
}

namespace {

bool digits(std::string_view t, size_t pos, size_t n, int& out) {
    if (pos + n > t.size()) return false;
    out = 0;
    for (size_t i = pos; i < pos + n; ++i) {
        if (t[i] < '0' || t[i] > '9') return false;
        out = out * 10 + (t[i] - '0');
    }
    return true;
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int y, int m) {
    static const unsigned dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

bool parse_ymd(std::string_view t, int& y, int& m, int& d) {
    if (!digits(t, 0, 4, y) || t.size() < 10 || t[4] != '-' || !digits(t, 5, 2, m) || t[7] != '-' ||
        !digits(t, 8, 2, d))
        return false;
    return y >= 1 && m >= 1 && m <= 12 && d >= 1 && static_cast<unsigned>(d) <= days_in_month(y, m);
}

void append2(std::string& out, unsigned v) {
    out.push_back(static_cast<char>('0' + v / 10));
    out.push_back(static_cast<char>('0' + v % 10));
}

}  // namespace

std::optional<int64_t> parse_date(std::string_view t) {
    int y, m, d;
    if (t.size() != 10 || !parse_ymd(t, y, m, d)) return std::nullopt;
    return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::string format_date(int64_t days) {
    int y;
    unsigned m, d;
    civil_from_days(days, y, m, d);
    std::string s = std::to_string(y);
    while (s.size() < 4) s.insert(s.begin(), '0');
    s.push_back('-');
    append2(s, m);
    s.push_back('-');
    append2(s, d);
    return s;
}

std::optional<int64_t> parse_rfc3339(std::string_view t) {
    int y, mo, d, h, mi, s;
    if (t.size() < 20 || !parse_ymd(t, y, mo, d)) return std::nullopt;
    if (t[10] != 'T' && t[10] != 't' && t[10] != ' ') return std::nullopt;
    if (!digits(t, 11, 2, h) || t[13] != ':' || !digits(t, 14, 2, mi) || t[16] != ':' || !digits(t, 17, 2, s))
        return std::nullopt;
    if (h > 23 || mi > 59 || s > 59) return std::nullopt;  // leap seconds are not accepted
    size_t i = 19;
    int64_t frac_micros = 0;
    if (i < t.size() && t[i] == '.') {
        ++i;
        size_t start = i;
        int64_t scale = 100000;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
            frac_micros += (t[i] - '0') * scale;
            scale /= 10;
            ++i;
        }
        if (i == start) return std::nullopt;
    }
    if (i >= t.size()) return std::nullopt;  // an offset is required
    int64_t offset_minutes = 0;
    if (t[i] == 'Z' || t[i] == 'z') {
        ++i;
    } else if (t[i] == '+' || t[i] == '-') {
        int oh, om;
        if (!digits(t, i + 1, 2, oh) || i + 3 >= t.size() || t[i + 3] != ':' || !digits(t, i + 4, 2, om))
            return std::nullopt;
        if (oh > 23 || om > 59) return std::nullopt;
        offset_minutes = (oh * 60 + om) * (t[i] == '-' ? -1 : 1);
        i += 6;
    } else {
        return std::nullopt;
    }
    if (i != t.size()) return std::nullopt;
    int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + s - offset_minutes * 60;
    return secs * 1'000'000 + frac_micros;
}

void append_timestamp(std::string& out, int64_t micros) {
    int64_t day = utc_day(micros);
    int64_t rem = micros - day * micros_per_day;
    out.append(format_date(day));
    out.push_back('T');
    int64_t secs = rem / 1'000'000;
    append2(out, static_cast<unsigned>(secs / 3600));
    out.push_back(':');
    append2(out, static_cast<unsigned>(secs / 60 % 60));
    out.push_back(':');
    append2(out, static_cast<unsigned>(secs % 60));
    int64_t frac = rem % 1'000'000;
    if (frac) {
        char buf[16];
        std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
        out.append(buf);
    }
    out.push_back('Z');
}

std::string format_timestamp(int64_t micros) {
    std::string s;
    append_timestamp(s, micros);
    return s;
}

}  // namespace ecomm
