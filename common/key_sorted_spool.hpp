// Records (a sort key and bytes) handed back in the keys' byte order, with memory that does not grow with the
// records: an external merge sort. Records gather in a run of about `run_bytes`; a full run is sorted in
// memory and written to an anonymous temporary file; for_each merges the runs (a block of each in memory).
// Used to write a day's rows in a table's key order (collate "C"), so that each leaf of a primary key larger
// than the buffer cache (random ids: UUIDs) is visited once, in turn, instead of once per row.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecomm {

class KeySortedSpool {
public:
    explicit KeySortedSpool(size_t run_bytes = 4 << 20);
    ~KeySortedSpool();
    KeySortedSpool(const KeySortedSpool&) = delete;
    KeySortedSpool& operator=(const KeySortedSpool&) = delete;

    void add(std::string_view key, std::string_view bytes);
    // Every record, least key first; records of equal keys in the order they were added. Call after the last
    // add(); may be called again (each call reads the runs anew).
    void for_each(const std::function<void(std::string_view key, std::string_view bytes)>& on_record);
    long long records() const { return records_; }
    // Runs written to the temporary file so far (0: everything is still in memory).
    size_t spilled_runs() const { return runs_.size(); }

private:
    class RunReader;
    void sort_run();
    void write_run();

    size_t run_bytes_;
    std::string run_;             // the current run's records: key length, bytes length (uint32 each), key, bytes
    std::vector<size_t> starts_;  // of the current run's records in run_
    bool run_sorted_ = false;
    std::FILE* file_ = nullptr;   // the written runs, created with the first
    std::vector<std::pair<uint64_t, uint64_t>> runs_;  // [begin, end) in file_
    uint64_t file_size_ = 0;
    long long records_ = 0;
};

}  // namespace ecomm
