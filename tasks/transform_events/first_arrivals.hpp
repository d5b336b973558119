// The day's first arrival per event_id, decided in C++: valid events are spooled to a temporary file and a hash
// table of the day's ids points at each id's earliest (source_file, line_no) record.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ecomm::events {

// One spooled event as read back: its id, its user id (empty: anonymous), and the rest of its staging.events
// columns already in COPY's binary field format (event_ts through line_no, as transform_events encodes them).
struct SpooledEvent {
    std::string_view event_id;
    std::string_view source_file;
    int64_t line_no;
    std::string_view user_id;
    std::string_view fields;
};

// Memory: 16 bytes a hash slot (1.33 to 2.67 slots per distinct id: a power of two, at most 3/4 full), the file
// names, and a 1 MiB write buffer (for_each_in_id_order: one run besides); the events themselves are on disk.
// Exact: ids are compared byte for byte (a repeat's earlier record is read back), a 64-bit hash only finds the
// candidates.
class FirstArrivals {
public:
    FirstArrivals();
    ~FirstArrivals();
    FirstArrivals(const FirstArrivals&) = delete;
    FirstArrivals& operator=(const FirstArrivals&) = delete;

    // The index of a file's name, for add(); names compare byte for byte (collate "C"), as staging's do.
    uint32_t file_index(std::string_view source_file);
    const std::string& file_name(uint32_t index) const { return files_[index]; }
    // What add() did: kept the event or not, and whether it displaced an earlier-kept arrival (which one).
    struct Added {
        bool kept;
        bool displaced;
        uint32_t displaced_file;
        int64_t displaced_line_no;
    };
    // Keeps the event if it is its id's first arrival of the day so far (the smallest (source_file, line_no));
    // an earlier-kept arrival of the id it beats is dropped. `fields` as in SpooledEvent.
    Added add(std::string_view event_id, std::string_view user_id, uint32_t file, int64_t line_no,
              std::string_view fields);
    // The kept events (one per distinct id), in spool order. Call after the last add().
    void for_each(const std::function<void(const SpooledEvent&)>& on_event);
    // The same in event_id byte order (collate "C": staging.events' key order), so the final COPY writes the
    // key's leaves one after another: the kept records go through a KeySortedSpool (runs of about `run_bytes`
    // sorted in memory and written to a second temporary file, then merged: one run and a block per run).
    void for_each_in_id_order(const std::function<void(const SpooledEvent&)>& on_event,
                              size_t run_bytes = 16 << 20);
    long long kept() const { return kept_; }
    long long repeats() const { return repeats_; }

private:
    struct Slot {
        uint64_t hash = 0;
        uint64_t offset = 0;  // record offset + 1; 0: empty
    };
    struct Header;
    class RecordReader;
    Header read_header(uint64_t offset, std::string& id);
    SpooledEvent event_of(const char* record) const;
    void mark_dropped(uint64_t offset);
    void flush();
    void grow();

    std::FILE* file_;
    std::vector<std::string> files_;
    std::vector<Slot> slots_;
    std::string buffer_;    // records not yet written, from offset flushed_
    uint64_t flushed_ = 0;  // bytes written to the file
    long long kept_ = 0, repeats_ = 0, used_ = 0;
};

}  // namespace ecomm::events
