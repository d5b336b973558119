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

// Streams raw.<feed> rows of one load date to on_record (the same RawRecord object, refilled each time: no
// allocation per row once the buffers have grown), in the partition's physical order: no sort of the day on
// the server, since every transform decides between versions by their (file, line) keys, not by arrival order.
// Returns the rows read.
long long for_each_raw_record(Connection& conn, const std::string& feed, const std::string& load_date,
                              const std::function<void(const RawRecord&)>& on_record);

// raw.orders and raw.events hold one list partition per load date. begin_raw_load returns the date's partition,
// empty and created or truncated in this transaction, ready for `COPY <partition> ... with (freeze)`;
// end_raw_load attaches it when this run created it. A failed run rolls both back: the day is unchanged.
std::string begin_raw_load(Connection& db, const std::string& feed, const std::string& load_date);
void end_raw_load(Connection& db, const std::string& feed, const std::string& load_date);

}  // namespace ecomm
