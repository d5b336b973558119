// The extract path of every JSON feed (orders, customers, products): each record of a day's files is either
// copied to raw.<feed> as it is (load_date, source_file, line_no, record) or quarantined with its reason; a
// rerun replaces the date, in the task's transaction. raw.orders has a partition per load date
// (docs/DESIGN.md, "The raw layer"): the day goes by COPY FREEZE into its fresh or truncated partition.
// The other feeds' tables are small: the date's rows are deleted and copied again.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/copy.hpp"
#include "common/quarantine.hpp"
#include "common/task.hpp"

namespace ecomm {

class RawJsonLanding {
public:
    // Empties the date of raw.<feed> and opens the COPY (binary).
    RawJsonLanding(TaskContext& ctx, const std::string& feed);

    // One record starting at `line` of `file` (its lineage name): valid UTF-8 and one JSON object is copied,
    // anything else quarantined. `text` must be followed by simdjson::SIMDJSON_PADDING readable bytes;
    // `terminated` false marks a file's last line that has no newline (a possible truncation).
    void add(const std::string& file, long line, std::string_view text, bool terminated = true);

    // Every line of an NDJSON file (plain or gzip) but blank ones; a CRLF line end is accepted. Logs the
    // file's records and bytes.
    void add_ndjson_file(const std::string& path);

    // Records seen so far (copied or quarantined; blank lines are not records).
    long long records() const { return records_; }

    // Ends the COPY (attaching a new day partition) and stores the quarantine; sets the task's counts
    // (records read, rows written, quarantined).
    void finish();

private:
    TaskContext& ctx_;
    std::string feed_;
    bool day_partitions_;
    Quarantine quarantine_;
    simdjson::dom::parser parser_;
    std::optional<BinaryCopyIn> copy_;
    long long records_ = 0;
};

// The whole extract of an NDJSON feed (orders, customers): the day's files ending with one of `extensions`
// (find_day_drop) landed by RawJsonLanding, then erased users redacted in what was landed.
void extract_ndjson_feed(TaskContext& ctx, const std::string& feed, const std::vector<std::string>& extensions);

}  // namespace ecomm
