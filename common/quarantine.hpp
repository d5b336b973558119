// Quarantine: every rejected record goes to audit.bad_records with its reason, detail and raw text.
// Rows are spooled to a temporary file while the task's main COPY streams, then loaded in one COPY.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "common/copy.hpp"

namespace ecomm {

// docs/DATA_CONTRACT.md's reasons, in the order a record is checked: it is quarantined for the first rule it breaks.
enum class Reason { invalid_utf8, malformed, missing_field, unsupported_currency, invalid_value, future_timestamp };
constexpr std::array<std::string_view, 6> reason_names = {"invalid_utf8",         "malformed",     "missing_field",
                                                          "unsupported_currency", "invalid_value", "future_timestamp"};
inline std::string_view name_of(Reason r) { return reason_names[static_cast<size_t>(r)]; }

// Why a record is quarantined: the first rule it breaks and what a person needs to find it.
struct RecordProblem {
    Reason reason;
    std::string detail;
};

class Quarantine {
public:
    Quarantine(std::string feed, std::string load_date) : feed_(std::move(feed)), load_date_(std::move(load_date)) {}

    void add(Reason reason, const std::string& source_file, long line_no, std::string_view detail,
             std::string_view record);
    long long count() const { return spool_.rows(); }
    // Replaces this load date's rows of the feed for the given stage ("extract" or "transform") and loads
    // the spooled ones, in the caller's transaction. Returns the rows written.
    long long store(Connection& db, std::string_view stage);

private:
    std::string feed_;
    std::string load_date_;
    CopySpool spool_;
    std::string scratch_;
};

// True when text is valid UTF-8 that PostgreSQL can store (no NUL byte).
bool is_valid_utf8(std::string_view text);
// Text safe to store in a UTF-8 column: invalid bytes shown as \xNN (the detail says so).
std::string utf8_escaped(std::string_view text);
// Offset of the first invalid UTF-8 byte, or npos.
size_t first_invalid_utf8(std::string_view text);

}  // namespace ecomm
