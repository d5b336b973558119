// The event marts' counts from one pass over the queued dates' events: per date and type the events and the
// distinct known users, and per date the sessions by the set of types they had (the funnel and the per-type
// session counts are sums over those sets). Memory: the dates' distinct sessions and users, not the events.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ecomm {

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
    // Keys are copied once into chunks that never move, so the maps can hold views of them.
    std::string_view keep(std::string_view key);
    size_t type_index(std::string_view type);

    struct Day {
        std::string date;
        std::vector<long long> events;  // by type index
        std::unordered_map<std::string_view, uint64_t> session_types, user_types;  // type bits
    };
    Day& day(std::string_view date);

    std::vector<std::string> types_;
    std::vector<std::unique_ptr<Day>> days_;
    Day* last_day_ = nullptr;
    std::vector<std::unique_ptr<char[]>> chunks_;
    size_t chunk_used_ = 0, chunk_size_ = 0;
};

}  // namespace ecomm
