// The day's first arrival per event_id: a spool of the valid events and a hash table of their ids.
#include "first_arrivals.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>

#include "common/errors.hpp"
#include "common/key_sorted_spool.hpp"

namespace ecomm::events {

// A record: this header (native byte order: the file never leaves the process), then the id, the user id and
// the fields.
struct FirstArrivals::Header {
    uint8_t live;  // 0: a later record of the id arrived first (smaller source_file, line_no)
    uint32_t file;
    int64_t line_no;
    uint32_t id_len, user_len, fields_len;
};

namespace {

constexpr size_t lengths_at = 1 + 4 + 8;              // live, file, line_no; then the three lengths
constexpr size_t header_bytes = lengths_at + 4 + 4 + 4;  // id, user id and fields lengths
constexpr size_t flush_bytes = 1 << 20;

template <typename T>
void put(std::string& out, T v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <typename T>
T get(const char*& p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    p += sizeof v;
    return v;
}

[[noreturn]] void spool_failed(const char* what) {
    throw RetryableError(std::string("events spool: ") + what + ": " + std::strerror(errno));
}

}  // namespace

FirstArrivals::FirstArrivals() : file_(std::tmpfile()), slots_(1 << 16) {
    if (!file_) spool_failed("cannot create a temporary file");
    buffer_.reserve(flush_bytes + (64 << 10));
}

FirstArrivals::~FirstArrivals() { std::fclose(file_); }

uint32_t FirstArrivals::file_index(std::string_view source_file) {
    for (size_t i = files_.size(); i-- > 0;)
        if (files_[i] == source_file) return static_cast<uint32_t>(i);
    files_.emplace_back(source_file);
    return static_cast<uint32_t>(files_.size() - 1);
}

FirstArrivals::Header FirstArrivals::read_header(uint64_t offset, std::string& id) {
    char head[header_bytes];
    const char* p;
    std::string_view id_bytes;
    if (offset >= flushed_) {
        p = buffer_.data() + (offset - flushed_);
    } else {
        if (::pread(fileno(file_), head, header_bytes, static_cast<off_t>(offset)) != header_bytes)
            spool_failed("cannot read back");
        p = head;
    }
    const char* start = p;
    Header h;
    h.live = get<uint8_t>(p);
    h.file = get<uint32_t>(p);
    h.line_no = get<int64_t>(p);
    h.id_len = get<uint32_t>(p);
    h.user_len = get<uint32_t>(p);
    h.fields_len = get<uint32_t>(p);
    id.resize(h.id_len);
    if (start != head) {
        id.assign(p, h.id_len);
    } else if (h.id_len > 0 &&
               ::pread(fileno(file_), id.data(), h.id_len, static_cast<off_t>(offset + header_bytes)) !=
                   static_cast<ssize_t>(h.id_len)) {
        spool_failed("cannot read back");
    }
    return h;
}

void FirstArrivals::mark_dropped(uint64_t offset) {
    const char dropped = 0;
    if (offset >= flushed_) {
        buffer_[offset - flushed_] = dropped;
    } else if (::pwrite(fileno(file_), &dropped, 1, static_cast<off_t>(offset)) != 1) {
        spool_failed("cannot write");
    }
}

void FirstArrivals::flush() {
    if (buffer_.empty()) return;
    if (::pwrite(fileno(file_), buffer_.data(), buffer_.size(), static_cast<off_t>(flushed_)) !=
        static_cast<ssize_t>(buffer_.size()))
        spool_failed("cannot write");
    flushed_ += buffer_.size();
    buffer_.clear();
}

void FirstArrivals::grow() {
    std::vector<Slot> bigger(slots_.size() * 2);
    const uint64_t mask = bigger.size() - 1;
    for (const Slot& s : slots_) {
        if (!s.offset) continue;
        uint64_t i = s.hash & mask;
        while (bigger[i].offset) i = (i + 1) & mask;
        bigger[i] = s;
    }
    slots_.swap(bigger);
}

FirstArrivals::Added FirstArrivals::add(std::string_view event_id, std::string_view user_id, uint32_t file,
                                        int64_t line_no, std::string_view fields) {
    Added added{true, false, 0, 0};
    const uint64_t hash = std::hash<std::string_view>{}(event_id);
    const uint64_t mask = slots_.size() - 1;
    uint64_t i = hash & mask;
    std::string held_id;
    for (; slots_[i].offset; i = (i + 1) & mask) {
        if (slots_[i].hash != hash) continue;
        const uint64_t held = slots_[i].offset - 1;
        const Header h = read_header(held, held_id);
        if (held_id != event_id) continue;  // another id of the same hash
        ++repeats_;
        const int by_file = files_[file].compare(files_[h.file]);
        if (by_file > 0 || (by_file == 0 && line_no >= h.line_no)) return Added{false, false, 0, 0};  // held first
        mark_dropped(held);
        --kept_;
        added = Added{true, true, h.file, h.line_no};
        break;  // this record takes the slot over
    }
    const uint64_t offset = flushed_ + buffer_.size();
    buffer_.push_back(1);
    put<uint32_t>(buffer_, file);
    put<int64_t>(buffer_, line_no);
    put<uint32_t>(buffer_, static_cast<uint32_t>(event_id.size()));
    put<uint32_t>(buffer_, static_cast<uint32_t>(user_id.size()));
    put<uint32_t>(buffer_, static_cast<uint32_t>(fields.size()));
    buffer_.append(event_id).append(user_id).append(fields);
    ++kept_;
    if (!slots_[i].offset) ++used_;
    slots_[i] = Slot{hash, offset + 1};
    if (buffer_.size() >= flush_bytes) flush();
    if (used_ * 4 > static_cast<long long>(slots_.size()) * 3) grow();  // at most three quarters full
    return added;
}

// Reads the records of bytes [begin, end) of a spool file in order, a block at a time; a record's bytes stay
// valid until the next call.
class FirstArrivals::RecordReader {
public:
    RecordReader(int fd, uint64_t begin, uint64_t end, size_t block)
        : fd_(fd), read_at_(begin), end_(end), block_(block) {}

    // The next record, header included; false after the last.
    bool next(std::string_view& record) {
        for (;;) {
            if (chunk_.size() - pos_ >= header_bytes) {
                const size_t total = record_bytes(chunk_.data() + pos_);
                if (chunk_.size() - pos_ >= total) {
                    record = std::string_view(chunk_.data() + pos_, total);
                    pos_ += total;
                    return true;
                }
            }
            if (read_at_ >= end_) {
                if (pos_ != chunk_.size()) throw RetryableError("events spool: a truncated record");
                return false;
            }
            chunk_.erase(0, pos_);  // keep the unread tail, then read the next block behind it
            pos_ = 0;
            const size_t have = chunk_.size(), want = static_cast<size_t>(std::min<uint64_t>(block_, end_ - read_at_));
            chunk_.resize(have + want);
            const ssize_t n = ::pread(fd_, chunk_.data() + have, want, static_cast<off_t>(read_at_));
            if (n <= 0) spool_failed("cannot read back");
            chunk_.resize(have + static_cast<size_t>(n));
            read_at_ += static_cast<uint64_t>(n);
        }
    }

    // A record's size from its header.
    static size_t record_bytes(const char* p) {
        p += lengths_at;
        const uint32_t id_len = get<uint32_t>(p), user_len = get<uint32_t>(p), fields_len = get<uint32_t>(p);
        return header_bytes + id_len + user_len + fields_len;
    }
    static bool live(std::string_view record) { return record[0] != 0; }
    static std::string_view id(std::string_view record) {
        const char* p = record.data() + lengths_at;
        return std::string_view(record.data() + header_bytes, get<uint32_t>(p));
    }

private:
    int fd_;
    uint64_t read_at_, end_;
    size_t block_;
    std::string chunk_;
    size_t pos_ = 0;
};

SpooledEvent FirstArrivals::event_of(const char* p) const {
    p += 1;  // live
    const uint32_t file = get<uint32_t>(p);
    const int64_t line_no = get<int64_t>(p);
    const uint32_t id_len = get<uint32_t>(p), user_len = get<uint32_t>(p), fields_len = get<uint32_t>(p);
    return SpooledEvent{std::string_view(p, id_len), files_[file], line_no, std::string_view(p + id_len, user_len),
                        std::string_view(p + id_len + user_len, fields_len)};
}

void FirstArrivals::for_each(const std::function<void(const SpooledEvent&)>& on_event) {
    flush();
    RecordReader spool(fileno(file_), 0, flushed_, flush_bytes);
    std::string_view record;
    while (spool.next(record))
        if (RecordReader::live(record)) on_event(event_of(record.data()));
}

void FirstArrivals::for_each_in_id_order(const std::function<void(const SpooledEvent&)>& on_event,
                                         size_t run_bytes) {
    flush();
    KeySortedSpool sorted(run_bytes);
    {
        RecordReader spool(fileno(file_), 0, flushed_, flush_bytes);
        std::string_view record;
        while (spool.next(record))
            if (RecordReader::live(record)) sorted.add(RecordReader::id(record), record);
    }
    sorted.for_each([&](std::string_view, std::string_view record) { on_event(event_of(record.data())); });
}

}  // namespace ecomm::events
