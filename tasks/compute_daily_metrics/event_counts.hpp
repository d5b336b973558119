// The event marts' counts from one pass over the queued dates' events: per date and type the events and the
// distinct known users, and per date the sessions by the set of types they had (the funnel and the per-type
// session counts are sums over those sets). Memory: the dates' distinct sessions and users, not the events.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ecomm {

// Keys (a session or a user) to the set of event types seen with them, as bits of one word: open addressing
// with linear probing in one array, a 32-bit hash compared before the bytes, each key's bytes copied once,
// after their length, into chunks that never move. (std::unordered_map walked a chain of nodes per lookup:
// half of the task's time at 1,000,000 events.) Memory: 16 bytes a slot (1.33 to 2.67 slots a key) and the
// keys' bytes: about 60 MiB a date of 1,500,000 sessions.
class KeyBits {
public:
    void mark(std::string_view key, uint32_t bit);
    size_t size() const { return used_; }
    template <class F>
    void for_each_bits(F&& f) const {
        for (const Slot& s : slots_)
            if (s.key) f(s.bits);
    }

private:
    struct Slot {
        const char* key = nullptr;  // its length (LEB128), then its bytes; null: empty
        uint32_t hash = 0;
        uint32_t bits = 0;
    };
    void grow();
    const char* keep(std::string_view key);

    std::vector<Slot> slots_;
    size_t used_ = 0;
    std::vector<std::unique_ptr<char[]>> chunks_;
    size_t chunk_used_ = 0, chunk_size_ = 0;
};

class EventCounts {
public:
    // One event: its date as text, its type, its session and its user (empty view with null data: anonymous).
    void add(std::string_view date, std::string_view type, std::string_view session, std::string_view user);

    struct TypeRow {
        std::string date, type;
        long long events = 0, users = 0;
    };
    struct SessionSetRow {
        std::string date;
        std::vector<std::string> types;  // in the order first met
        long long sessions = 0;
    };
    std::vector<TypeRow> type_rows() const;
    std::vector<SessionSetRow> session_set_rows() const;
    size_t distinct_keys() const;

private:
    size_t type_index(std::string_view type);

    struct Day {
        std::string date;
        std::vector<long long> events;  // by type index
        KeyBits session_types, user_types;
    };
    Day& day(std::string_view date);

    std::vector<std::string> types_;
    std::vector<std::unique_ptr<Day>> days_;
    Day* last_day_ = nullptr;
};

}  // namespace ecomm
