// The extract path of the JSON feeds: every record of a day's files is either copied to raw.<feed> as it is
// (load_date, source_file, line_no, record) or quarantined with its reason; a rerun replaces the date.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

#include "common/copy.hpp"
#include "common/quarantine.hpp"
#include "common/task.hpp"

namespace ecomm {

class RawJsonLanding {
public:
    // Deletes the date's raw.<feed> rows and opens the COPY, in the task's transaction.
    RawJsonLanding(TaskContext& ctx, const std::string& feed);

    // One record starting at `line` of `file` (its lineage name): valid UTF-8 and one JSON object is copied,
    // anything else quarantined. `text` must be followed by simdjson::SIMDJSON_PADDING readable bytes;
    // `terminated` false marks a file's last line that has no newline (a possible truncation).
    void add(const std::string& file, long line, std::string_view text, bool terminated = true);

    // Every line of an NDJSON file (plain or gzip) but blank ones; a CRLF line end is accepted.
    void add_ndjson_file(const std::string& path);

    // Records seen so far (copied or quarantined; blank lines are not records).
    long long records() const { return records_; }

    // Ends the COPY and stores the quarantine; sets the task's counts (records read, rows written, quarantined).
    void finish();

private:
    TaskContext& ctx_;
    Quarantine quarantine_;
    simdjson::dom::parser parser_;
    std::optional<CopyIn> copy_;
    long long records_ = 0;
};

}  // namespace ecomm
