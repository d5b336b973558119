// Reading a JSON feed's raw layer back for its transform: one record at a time, streamed with COPY.
#pragma once

#include <functional>
#include <string>

#include "common/db.hpp"

namespace ecomm {

struct RawRecord {
    std::string source_file;
    long line_no = 0;
    std::string record;  // the exact text; capacity leaves simdjson's padding after it
};

// Streams raw.<feed> rows of one load date in file and line order to on_record (the same RawRecord object,
// refilled each time: no allocation per row once the buffers have grown). Returns the rows read.
long long for_each_raw_record(Connection& conn, const std::string& feed, const std::string& load_date,
                              const std::function<void(const RawRecord&)>& on_record);

}  // namespace ecomm
