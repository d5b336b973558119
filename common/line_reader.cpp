// Chunked line reading over zlib (which reads plain files unchanged).
#include "common/line_reader.hpp"

#include <cerrno>
#include <cstring>

#include "common/errors.hpp"
#include "common/landing.hpp"

namespace ecomm {

LineReader::LineReader(const std::string& path, size_t chunk_bytes)
    : path_(path), buf_(new char[chunk_bytes + padding]), capacity_(chunk_bytes) {
    gz_ = gzopen(path.c_str(), "rb");
    if (!gz_) throw RetryableError("cannot open " + path + ": " + std::strerror(errno));
    gzbuffer(gz_, 1 << 20);
    std::memset(buf_.get(), ' ', capacity_ + padding);
}

LineReader::~LineReader() {
    if (gz_) gzclose(gz_);
}

bool LineReader::fill() {
    if (eof_) return false;
    // keep the unread tail, grow when one line fills the whole buffer
    if (begin_ > 0) {
        std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (end_ == capacity_) {
        size_t grown = capacity_ * 2;
        std::unique_ptr<char[]> bigger(new char[grown + padding]);
        std::memcpy(bigger.get(), buf_.get(), end_);
        std::memset(bigger.get() + end_, ' ', grown + padding - end_);
        buf_ = std::move(bigger);
        capacity_ = grown;
    }
    int n = gzread(gz_, buf_.get() + end_, static_cast<unsigned>(capacity_ - end_));
    if (n < 0) {
        int errnum = 0;
        const char* msg = gzerror(gz_, &errnum);
        throw DataError(lineage_name(path_), line_no_ + 1, std::string("cannot read: ") + msg);
    }
    if (n == 0) {
        eof_ = true;
        return false;
    }
    end_ += static_cast<size_t>(n);
    bytes_read_ += n;
    return true;
}

namespace {

// A UTF-8 byte order mark opening a file (spreadsheet and Windows exports write one) is not part of the first
// record: docs/DATA_CONTRACT.md says it is ignored.
void strip_byte_order_mark(Line& line) {
    if (line.number == 1 && line.text.starts_with("\xEF\xBB\xBF")) line.text.remove_prefix(3);
}

}  // namespace

bool LineReader::next(Line& line) {
    for (;;) {
        char* start = buf_.get() + begin_;
        auto* nl = static_cast<char*>(std::memchr(start, '\n', end_ - begin_));
        if (nl) {
            line.text = std::string_view(start, static_cast<size_t>(nl - start));
            line.number = ++line_no_;
            line.terminated = true;
            begin_ = static_cast<size_t>(nl - buf_.get()) + 1;
            strip_byte_order_mark(line);
            return true;
        }
        if (!fill()) {
            if (begin_ == end_) return false;
            // last line without a newline: pad after it so a parser may read past its end
            line.text = std::string_view(buf_.get() + begin_, end_ - begin_);
            std::memset(buf_.get() + end_, ' ', padding);
            line.number = ++line_no_;
            line.terminated = false;
            begin_ = end_;
            strip_byte_order_mark(line);
            return true;
        }
    }
}

}  // namespace ecomm
