// EventCounts: the event marts' distinct counts, hashed in the task instead of in a grouping on the server.
#include "event_counts.hpp"

#include <algorithm>
#include <cstring>
#include <map>

#include "common/errors.hpp"

namespace ecomm {

const char* KeyBits::keep(std::string_view key) {
    if (chunks_.empty() || chunk_used_ + key.size() > chunk_size_) {
        chunk_size_ = std::max<size_t>(1 << 20, key.size());
        chunks_.push_back(std::make_unique<char[]>(chunk_size_));
        chunk_used_ = 0;
    }
    char* at = chunks_.back().get() + chunk_used_;
    std::memcpy(at, key.data(), key.size());
    chunk_used_ += key.size();
    return at;
}

void KeyBits::grow() {
    std::vector<Slot> bigger(std::max<size_t>(1024, slots_.size() * 2));
    const size_t mask = bigger.size() - 1;
    for (const Slot& s : slots_) {
        if (!s.data) continue;
        size_t i = s.hash & mask;
        while (bigger[i].data) i = (i + 1) & mask;
        bigger[i] = s;
    }
    slots_.swap(bigger);
}

void KeyBits::mark(std::string_view key, uint64_t bit) {
    if ((used_ + 1) * 4 > slots_.size() * 3) grow();
    const uint64_t hash = std::hash<std::string_view>{}(key);
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        Slot& s = slots_[i];
        if (!s.data) {
            s = Slot{hash, keep(key), key.size(), bit};
            ++used_;
            return;
        }
        if (s.hash == hash && s.size == key.size() && std::memcmp(s.data, key.data(), key.size()) == 0) {
            s.bits |= bit;
            return;
        }
    }
}

size_t EventCounts::type_index(std::string_view type) {
    for (size_t i = 0; i < types_.size(); ++i)
        if (types_[i] == type) return i;
    // a session's types are bits of one word
    if (types_.size() == 64)
        throw DataQualityError("warehouse.fact_events: more than 64 event types on the refreshed dates");
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
    d.session_types.mark(session, bit);
    if (user.data() != nullptr) d.user_types.mark(user, bit);
}

std::vector<EventCounts::TypeRow> EventCounts::type_rows() const {
    std::vector<TypeRow> rows;
    for (const auto& d : days_) {
        std::vector<long long> users(types_.size(), 0);
        d->user_types.for_each_bits([&](uint64_t bits) {
            for (size_t t = 0; t < types_.size(); ++t) users[t] += (bits >> t) & 1;
        });
        for (size_t t = 0; t < types_.size(); ++t)
            if (d->events[t] > 0) rows.push_back({d->date, types_[t], d->events[t], users[t]});
    }
    return rows;
}

std::vector<EventCounts::SessionSetRow> EventCounts::session_set_rows() const {
    std::vector<SessionSetRow> rows;
    for (const auto& d : days_) {
        std::map<uint64_t, long long> by_set;
        d->session_types.for_each_bits([&](uint64_t bits) { ++by_set[bits]; });
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
