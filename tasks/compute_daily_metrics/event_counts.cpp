// EventCounts: the event marts' distinct counts, hashed in the task instead of in a grouping on the server.
#include "event_counts.hpp"

#include <algorithm>
#include <cstring>
#include <map>

#include "common/errors.hpp"

namespace ecomm {

namespace {

// A kept key's bytes: its length in LEB128, then the bytes.
std::string_view kept_key(const char* at) {
    size_t size = 0;
    for (int shift = 0;; shift += 7) {
        const auto byte = static_cast<unsigned char>(*at++);
        size |= size_t{byte & 0x7Fu} << shift;
        if (!(byte & 0x80)) break;
    }
    return {at, size};
}

}  // namespace

const char* KeyBits::keep(std::string_view key) {
    char length[10];
    size_t length_bytes = 0;
    for (size_t n = key.size();; n >>= 7) {
        length[length_bytes++] = static_cast<char>((n & 0x7F) | (n > 0x7F ? 0x80 : 0));
        if (n <= 0x7F) break;
    }
    const size_t need = length_bytes + key.size();
    if (chunks_.empty() || chunk_used_ + need > chunk_size_) {
        // from 64 KiB, doubling to 1 MiB: a date with few keys (a late event's) holds little; not zero-filled,
        // so a chunk's untouched pages are not resident either
        chunk_size_ = std::max(std::min<size_t>(chunk_size_ ? 2 * chunk_size_ : 64 << 10, 1 << 20), need);
        chunks_.emplace_back(new char[chunk_size_]);
        chunk_used_ = 0;
    }
    char* at = chunks_.back().get() + chunk_used_;
    std::memcpy(at, length, length_bytes);
    std::memcpy(at + length_bytes, key.data(), key.size());
    chunk_used_ += need;
    return at;
}

void KeyBits::grow() {
    std::vector<Slot> bigger(std::max<size_t>(1024, slots_.size() * 2));
    const size_t mask = bigger.size() - 1;
    for (const Slot& s : slots_) {
        if (!s.key) continue;
        size_t i = s.hash & mask;
        while (bigger[i].key) i = (i + 1) & mask;
        bigger[i] = s;
    }
    slots_.swap(bigger);
}

void KeyBits::mark(std::string_view key, uint32_t bit) {
    if ((used_ + 1) * 4 > slots_.size() * 3) grow();
    const uint64_t full = std::hash<std::string_view>{}(key);
    const auto hash = static_cast<uint32_t>(full ^ (full >> 32));
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        Slot& s = slots_[i];
        if (!s.key) {
            s = Slot{keep(key), hash, bit};
            ++used_;
            return;
        }
        if (s.hash == hash && kept_key(s.key) == key) {
            s.bits |= bit;
            return;
        }
    }
}

size_t EventCounts::type_index(std::string_view type) {
    for (size_t i = 0; i < types_.size(); ++i)
        if (types_[i] == type) return i;
    // a session's types are bits of one 32-bit word (the data contract names 6 types)
    if (types_.size() == 32)
        throw DataQualityError("warehouse.fact_events: more than 32 event types on the refreshed dates");
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
    const uint32_t bit = uint32_t{1} << t;
    ++d.events[t];
    d.session_types.mark(session, bit);
    if (user.data() != nullptr) d.user_types.mark(user, bit);
}

std::vector<EventCounts::TypeRow> EventCounts::type_rows() const {
    std::vector<TypeRow> rows;
    for (const auto& d : days_) {
        std::vector<long long> users(types_.size(), 0);
        d->user_types.for_each_bits([&](uint32_t bits) {
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
        std::map<uint32_t, long long> by_set;
        d->session_types.for_each_bits([&](uint32_t bits) { ++by_set[bits]; });
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
