// The events CSV feed: header mapping, record assembly across physical lines, and field splitting.
//
// Why not fast-cpp-csv-parser's CSVReader end to end (checked against the Debian 12 header, libfccp-dev):
//  - it reads one physical line per row and cannot tell a line break inside a quoted field: the first half
//    throws escaped_string_not_closed and the second half is parsed as a row of its own (possibly a
//    "valid" one). The contract wants the two lines quarantined together as ONE malformed record;
//  - it reads plain files only (no gzip) through its own 3 x 16 MiB buffer and reader thread;
//  - its quote handling is lenient (`ab"c,d"e` is one field, quotes kept) where RFC 4180 is strict.
//  - other checked facts: the default trim policy strips spaces and tabs from fields (we keep text exact:
//    trim_chars<>); a column missing with ignore_missing_column leaves the caller's variable untouched (check
//    has_column once); this version's line limit is 2^24-1 bytes (16 MiB), not 1 MiB.
// So common/LineReader reads the lines (plain or gzip, memory bounded by the longest line), RecordReader
// below joins the lines of a record whose quoted field spans a line break, a strict RFC 4180 quote scan
// catches stray quotes, and fccp's own parser does the header mapping (parse_header_line: by name,
// extras ignored, missing ones left out) and the field splitting and unquoting (parse_line, which throws
// too_few_columns / too_many_columns per row; we catch per row and go on).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/line_reader.hpp"
#include "common/events_columns.hpp"

namespace ecomm::events {

// How a file's header maps onto the known columns.
struct HeaderMap {
    std::vector<int> col_order;             // per file column: index of the known column, or -1 (ignored)
    std::array<bool, column_count> present{};
    size_t file_columns() const { return col_order.size(); }
};

// Parses a header line (BOM and trailing CR already removed). Throws DataError naming the file and the
// first missing required column, a duplicated known column, or a malformed header.
HeaderMap parse_header(std::string_view header_line, const std::string& file_name);

// Result of the strict RFC 4180 quote scan of one record text.
struct QuoteScan {
    bool open = false;      // ends inside a quoted field: the record continues on the next line
    bool bad_quote = false; // a quote inside an unquoted field, or text after a closing quote
    size_t fields = 0;      // fields seen (commas outside quotes + 1)
};
// Scans text; `in_quotes` says whether it starts inside a quoted field (a continuation line).
QuoteScan scan_quotes(std::string_view text, bool in_quotes = false);

// One CSV record: usually one physical line, several when a quoted field holds a line break.
struct Record {
    std::string_view text;  // the exact record text (physical lines joined with '\n', no trailing CR)
    long line_no = 0;       // its first physical line
    int lines = 1;          // how many physical lines it spans
    bool unclosed_quote = false;  // ended inside a quoted field (end of file, or the next line is a row)
    bool bad_quote = false;       // a stray quote (see QuoteScan)
    bool spans_lines() const { return lines > 1; }
};

// Reads records from a LineReader. A line that ends inside a quoted field is joined with the following
// lines until the quote state closes, whatever those lines look like: a line inside a quoted field is never a
// record of its own. When the quote does not close cleanly (end of file, max_joined_lines reached, or text
// after the closing quote that is not a field separator), the open line alone is returned (unclosed_quote,
// malformed) and the lines read ahead are read again as records of their own, so one stray quote cannot
// swallow the rest of the file.
class RecordReader {
public:
    RecordReader(LineReader& lines, size_t expected_fields) : lines_(lines), expected_fields_(expected_fields) {}
    bool next(Record& record);
    // the largest number of physical lines one record may join before it is given up as malformed
    static constexpr int max_joined_lines = 64;

private:
    struct PendingLine {
        std::string text;
        long number = 0;
    };
    bool next_line(std::string_view& text, long& number);

    LineReader& lines_;
    size_t expected_fields_;
    std::string joined_;                // reused: the text of a record spanning lines
    std::vector<PendingLine> pending_;  // lines read ahead and pushed back, read again from pending_next_
    size_t pending_next_ = 0, pending_count_ = 0;
    std::vector<PendingLine> scratch_;  // reused look-ahead buffer
};

// Splits a one-line record into the known columns with fccp's parser. `work` is a reused buffer the
// fields point into (valid until the next call). Missing known columns are left as null (nullptr).
// Returns false with `error` set ("expected 9 fields, found 7") when the row is not well-formed.
class FieldSplitter {
public:
    explicit FieldSplitter(const HeaderMap& header) : header_(header) {}
    bool split(std::string_view record, std::string& error);
    // The unquoted text of a known column; null when the file has no such column.
    const char* field(Column c) const { return fields_[c]; }

private:
    const HeaderMap& header_;
    std::string work_;
    std::array<char*, column_count> fields_{};
};

// Strips a trailing carriage return (CRLF files).
inline std::string_view without_cr(std::string_view s) {
    if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
    return s;
}

}  // namespace ecomm::events
