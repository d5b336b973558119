// EventCounts: the event marts' distinct counts, hashed in the task instead of in a grouping on the server.
#include "event_counts.hpp"

#include <algorithm>
#include <cstring>
#include <map>

#include "common/errors.hpp"

namespace ecomm {

std::string_view EventCounts::keep(std::string_view key) {
    if (chunk_used_ + key.size() > chunk_size_) {
        chunk_size_ = std::max<size_t>(1 << 20, key.size());
        chunks_.push_back(std::make_unique<char[]>(chunk_size_));
        chunk_used_ = 0;
    }
    char* at = chunks_.back().get() + chunk_used_;
    std::memcpy(at, key.data(), key.size());
    chunk_used_ += key.size();
    return {at, key.size()};
}

size_t EventCounts::type_index(std::string_view type) {
    for (size_t i = 0; i < types_.size(); ++i)
        if (types_[i] == type) return i;
    // a session's types are bits of one word
    if (types_.size() == 64) throw DataQualityError("warehouse.fact_events: more than 64 event types on the refreshed dates");
    types_.emplace_back(type);
    for (auto& d : days_) d->events.push_back(0);
    return types_.size() - 1;
}

EventCounts::Day& EventCounts::day(std::string_view date) {
    if (last_day_ && last_day_->date == date) return *last_day_;  // rows come date by date, partition by partition
    for (auto& d : days_)
        if (d->date == date) return *(last_day_ = d.get());
    days_.push_back(std::make_unique<Day>());
    last_day_ = days_.back().get();
    last_day_->date = date;
    last_day_->events.assign(types_.size(), 0);
    return *last_day_;
}

void EventCounts::add(std::string_view date, std::string_view type, std::string_view session, std::string_view user) {
    const size_t t = type_index(type);
    Day& d = day(date);
    const uint64_t bit = uint64_t{1} << t;
    ++d.events[t];
    auto mark = [&](std::unordered_map<std::string_view, uint64_t>& seen, std::string_view key) {
        auto it = seen.find(key);
        if (it == seen.end()) seen.emplace(keep(key), bit);
        else it->second |= bit;
    };
    mark(d.session_types, session);
    if (user.data() != nullptr) mark(d.user_types, user);
}

std::vector<EventCounts::TypeRow> EventCounts::type_rows() const {
    std::vector<TypeRow> rows;
    for (const auto& d : days_) {
        std::vector<long long> users(types_.size(), 0);
        for (const auto& [user, bits] : d->user_types)
            for (size_t t = 0; t < types_.size(); ++t) users[t] += (bits >> t) & 1;
        for (size_t t = 0; t < types_.size(); ++t)
            if (d->events[t] > 0) rows.push_back({d->date, types_[t], d->events[t], users[t]});
    }
    return rows;
}

std::vector<EventCounts::SessionSetRow> EventCounts::session_set_rows() const {
    std::vector<SessionSetRow> rows;
    for (const auto& d : days_) {
        std::map<uint64_t, long long> by_set;
        for (const auto& [session, bits] : d->session_types) ++by_set[bits];
        for (const auto& [bits, sessions] : by_set) {
            SessionSetRow row{d->date, {}, sessions};
            for (size_t t = 0; t < types_.size(); ++t)
                if ((bits >> t) & 1) row.types.push_back(types_[t]);
            rows.push_back(std::move(row));
        }
    }
    return rows;
}

size_t EventCounts::distinct_keys() const {
    size_t n = 0;
    for (const auto& d : days_) n += d->session_types.size() + d->user_types.size();
    return n;
}

}  // namespace ecomm
