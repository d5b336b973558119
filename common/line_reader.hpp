// Streams the lines of a plain or gzip file through one reusable buffer, with simdjson padding after
// every line, so memory stays flat however large the file (a single line can be as long as it is).
#pragma once

#include <zlib.h>

#include <memory>
#include <string>
#include <string_view>

namespace ecomm {

struct Line {
    std::string_view text;  // without the '\n' (nor, on line 1, a UTF-8 byte order mark); valid until next()
    long number = 0;        // 1-based physical line number
    bool terminated = true; // false for a last line with no '\n' (a possibly truncated file)
};

class LineReader {
public:
    explicit LineReader(const std::string& path, size_t chunk_bytes = 8 << 20);
    ~LineReader();
    LineReader(const LineReader&) = delete;
    LineReader& operator=(const LineReader&) = delete;

    // The next line; false at end of file. Throws RetryableError on a read error and DataError on a
    // corrupt gzip stream (with the line reached so far).
    bool next(Line& line);
    // Bytes of padding readable after every returned line (simdjson needs SIMDJSON_PADDING).
    static constexpr size_t padding = 64;
    long long bytes_read() const { return bytes_read_; }

private:
    bool fill();

    std::string path_;
    gzFile gz_ = nullptr;
    std::unique_ptr<char[]> buf_;
    size_t capacity_;
    size_t begin_ = 0, end_ = 0;
    long line_no_ = 0;
    bool eof_ = false;
    long long bytes_read_ = 0;
};

}  // namespace ecomm
