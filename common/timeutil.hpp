// Calendar dates and RFC 3339 timestamps, parsed strictly and normalised to UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ecomm {

// Days since 1970-01-01 for a proleptic Gregorian date.
int64_t days_from_civil(int y, unsigned m, unsigned d);
void civil_from_days(int64_t z, int& y, unsigned& m, unsigned& d);

// "YYYY-MM-DD" -> days since epoch; nullopt when not a real date.
std::optional<int64_t> parse_date(std::string_view text);
std::string format_date(int64_t days);

// RFC 3339 timestamp with 'Z' or an offset ("2025-12-13T09:15:02Z", "2025-12-13T11:15:02.5+02:00")
// -> microseconds since the epoch, UTC. nullopt when malformed or not a real instant.
std::optional<int64_t> parse_rfc3339(std::string_view text);
// microseconds since epoch -> "2025-12-13T09:15:02Z" (fraction only when non-zero); accepted by timestamptz.
void append_timestamp(std::string& out, int64_t micros);
std::string format_timestamp(int64_t micros);

constexpr int64_t micros_per_day = 86'400'000'000LL;
constexpr int64_t micros_per_hour = 3'600'000'000LL;

// The UTC date of an instant.
inline int64_t utc_day(int64_t micros) {
    return micros >= 0 ? micros / micros_per_day : -((-micros + micros_per_day - 1) / micros_per_day);
}

// The contract's future-timestamp rule (docs/DATA_CONTRACT.md): later than the end of the load date plus one hour (UTC).
inline bool is_future(int64_t micros, int64_t load_day) {
    return micros > (load_day + 1) * micros_per_day + micros_per_hour;
}

}  // namespace ecomm
