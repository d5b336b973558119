// The external merge sort behind KeySortedSpool: sorted runs in an anonymous temporary file, merged by a heap.
#include "common/key_sorted_spool.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "common/errors.hpp"

namespace ecomm {

namespace {

constexpr size_t lengths_bytes = 8;        // a record's key and bytes lengths, uint32 each, native byte order
constexpr size_t write_bytes = 1 << 20;    // a sorted run goes to the file in writes of about this size
constexpr size_t merge_block = 64 << 10;   // read from each run at a time while merging

[[noreturn]] void spool_failed(const char* what) {
    throw RetryableError(std::string("sorted spool: ") + what + ": " + std::strerror(errno));
}

uint32_t length_at(const char* p) {
    uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

size_t record_size(const char* record) { return lengths_bytes + length_at(record) + length_at(record + 4); }

std::string_view key_of(const char* record) { return {record + lengths_bytes, length_at(record)}; }

std::string_view bytes_of(const char* record) {
    return {record + lengths_bytes + length_at(record), length_at(record + 4)};
}

}  // namespace

// One written run, read back a block at a time. A record's views stay valid until the next call to next().
class KeySortedSpool::RunReader {
public:
    RunReader(int fd, uint64_t begin, uint64_t end) : fd_(fd), read_at_(begin), end_(end) {}

    bool next(const char*& record) {
        if (!available(lengths_bytes)) {
            if (chunk_.size() > pos_) spool_failed("a run ends inside a record");
            return false;
        }
        const size_t size = record_size(chunk_.data() + pos_);
        if (!available(size)) spool_failed("a run ends inside a record");
        record = chunk_.data() + pos_;
        pos_ += size;
        return true;
    }

private:
    // Whether n bytes from pos_ are in chunk_, reading on as needed; false only near the run's end.
    bool available(size_t n) {
        if (chunk_.size() - pos_ >= n) return true;
        chunk_.erase(0, pos_);
        pos_ = 0;
        while (chunk_.size() < n && read_at_ < end_) {
            const size_t have = chunk_.size();
            const uint64_t left = end_ - read_at_;
            const size_t want = static_cast<size_t>(std::min<uint64_t>(std::max(merge_block, n - have), left));
            chunk_.resize(have + want);
            const ssize_t got = ::pread(fd_, chunk_.data() + have, want, static_cast<off_t>(read_at_));
            if (got <= 0) spool_failed("cannot read back");
            chunk_.resize(have + static_cast<size_t>(got));
            read_at_ += static_cast<uint64_t>(got);
        }
        return chunk_.size() >= n;
    }

    int fd_;
    uint64_t read_at_, end_;
    std::string chunk_;
    size_t pos_ = 0;
};

KeySortedSpool::KeySortedSpool(size_t run_bytes) : run_bytes_(run_bytes) {}

KeySortedSpool::~KeySortedSpool() {
    if (file_) std::fclose(file_);
}

void KeySortedSpool::add(std::string_view key, std::string_view bytes) {
    const auto key_len = static_cast<uint32_t>(key.size()), bytes_len = static_cast<uint32_t>(bytes.size());
    if (run_.empty()) run_.reserve(run_bytes_ + (64 << 10));
    starts_.push_back(run_.size());
    run_.append(reinterpret_cast<const char*>(&key_len), sizeof key_len);
    run_.append(reinterpret_cast<const char*>(&bytes_len), sizeof bytes_len);
    run_.append(key).append(bytes);
    run_sorted_ = false;
    ++records_;
    if (run_.size() >= run_bytes_) write_run();
}

void KeySortedSpool::sort_run() {
    if (run_sorted_) return;
    const char* base = run_.data();
    std::stable_sort(starts_.begin(), starts_.end(),
                     [base](size_t a, size_t b) { return key_of(base + a) < key_of(base + b); });
    run_sorted_ = true;
}

void KeySortedSpool::write_run() {
    if (starts_.empty()) return;
    sort_run();
    if (!file_ && !(file_ = std::tmpfile())) spool_failed("cannot create a temporary file");
    const int fd = fileno(file_);
    const uint64_t begin = file_size_;
    std::string out;
    out.reserve(write_bytes + (64 << 10));
    auto write_out = [&] {
        if (::pwrite(fd, out.data(), out.size(), static_cast<off_t>(file_size_)) != static_cast<ssize_t>(out.size()))
            spool_failed("cannot write");
        file_size_ += out.size();
        out.clear();
    };
    for (size_t s : starts_) {
        out.append(run_, s, record_size(run_.data() + s));
        if (out.size() >= write_bytes) write_out();
    }
    write_out();
    runs_.emplace_back(begin, file_size_);
    run_.clear();
    starts_.clear();
}

void KeySortedSpool::for_each(const std::function<void(std::string_view, std::string_view)>& on_record) {
    if (runs_.empty()) {  // everything fits in one run: sorted in memory, nothing written
        sort_run();
        for (size_t s : starts_) on_record(key_of(run_.data() + s), bytes_of(run_.data() + s));
        return;
    }
    write_run();
    std::string().swap(run_);
    std::vector<size_t>().swap(starts_);

    std::vector<std::unique_ptr<RunReader>> readers;
    std::vector<const char*> current(runs_.size());
    // least key first; of equal keys, the earlier run's (records were added in run order)
    auto later = [&](size_t a, size_t b) {
        const auto ka = key_of(current[a]), kb = key_of(current[b]);
        return ka != kb ? ka > kb : a > b;
    };
    std::vector<size_t> heap;
    for (size_t i = 0; i < runs_.size(); ++i) {
        readers.push_back(std::make_unique<RunReader>(fileno(file_), runs_[i].first, runs_[i].second));
        if (readers[i]->next(current[i])) heap.push_back(i);
    }
    std::make_heap(heap.begin(), heap.end(), later);
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), later);
        const size_t i = heap.back();
        on_record(key_of(current[i]), bytes_of(current[i]));
        if (readers[i]->next(current[i]))
            std::push_heap(heap.begin(), heap.end(), later);
        else
            heap.pop_back();
    }
}

}  // namespace ecomm
