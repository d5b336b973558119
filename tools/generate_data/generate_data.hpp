// generate_data: deterministic synthetic landing-zone feeds and the expected results (the test oracle).
#pragma once

#include <cstdint>
#include <string>

namespace ecomm {

struct GeneratorOptions {
    std::string start = "2025-12-13";  // first load date, YYYY-MM-DD
    int days = 7;
    std::string out = "data";  // writes <out>/incoming/... and <out>/expected/...
    uint64_t seed = 42;
    long long orders_per_day = 2000;
    long long events_per_day = 5000;
    int products = 200;
    int customers = 2000;
    double defect_rate = 0.01;  // share of extra bad records per feed and day; 0 = clean
    bool gzip = false;          // write each day's second orders file gzip-compressed
    // Records of each orders, events and customers file in random order (the file is held in memory to be
    // shuffled); records sharing an order_id or user_id keep their relative order, so arrival ties still break
    // the same way and the oracle does not change.
    bool shuffle = false;
    bool uuid_ids = false;  // order and event ids are random UUIDs instead of ids that grow with time
    // > 0: each day's customers feed holds about this many records, mostly first records of customers who
    // have already ordered (most customers of a day's orders are then unknown to the customers feed yet);
    // 0: every customer is sent on the first day, then customers / 100 changes a day.
    long long customer_changes = 0;
};

struct GeneratorTotals {
    long long records = 0;      // physical records written, all feeds
    long long quarantined = 0;  // of which deliberately bad
};

// Writes the feeds and the oracle; throws UsageError on bad options, std::runtime_error on I/O failure.
GeneratorTotals generate_data(const GeneratorOptions& options);

}  // namespace ecomm
