// The events CSV feed: header mapping and field splitting by fast-cpp-csv-parser, record assembly and a
// strict quote scan of our own (see events_csv.hpp for why).
#include "common/events_csv.hpp"

#include <algorithm>
#include <cstring>

#include "common/errors.hpp"
#include "common/fccp.hpp"

namespace ecomm::events {

namespace {

using header_trim = io::trim_chars<' ', '\t'>;  // " event_id" still names event_id
using field_trim = io::trim_chars<>;            // field text is kept exactly
using quoting = io::double_quote_escape<',', '"'>;

}  // namespace

HeaderMap parse_header(std::string_view header_line, const std::string& file_name) {
    std::string names[column_count];
    for (size_t i = 0; i < column_count; ++i) names[i] = column_names[i];
    std::string line(header_line);
    HeaderMap map;
    try {
        io::detail::parse_header_line<column_count, header_trim, quoting>(
            line.data(), map.col_order, names, io::ignore_extra_column | io::ignore_missing_column);
    } catch (const io::error::duplicated_column_in_header& e) {
        throw DataError(file_name, 1, std::string("column \"") + e.column_name + "\" appears twice in the header");
    } catch (const io::error::base& e) {
        throw DataError(file_name, 1, std::string("header is not a well-formed CSV row: ") + e.what());
    }
    for (int c : map.col_order)
        if (c >= 0) map.present[static_cast<size_t>(c)] = true;
    for (Column c : required_columns)
        if (!map.present[c])
            throw DataError(file_name, 1, "missing required column \"" + std::string(column_names[c]) + "\"");
    return map;
}

QuoteScan scan_quotes(std::string_view t, bool in_quotes) {
    QuoteScan s;
    s.fields = 1;
    if (!in_quotes && std::memchr(t.data(), '"', t.size()) == nullptr) {
        s.fields += static_cast<size_t>(std::count(t.begin(), t.end(), ','));
        return s;
    }
    enum { field_start, unquoted, quoted, quote_seen } state = in_quotes ? quoted : field_start;
    for (char c : t) {
        switch (state) {
            case field_start:
                if (c == '"')
                    state = quoted;
                else if (c == ',')
                    ++s.fields;
                else
                    state = unquoted;
                break;
            case unquoted:
                if (c == ',') {
                    ++s.fields;
                    state = field_start;
                } else if (c == '"') {
                    s.bad_quote = true;  // RFC 4180: a field with a quote must be quoted as a whole
                }
                break;
            case quoted:
                if (c == '"') state = quote_seen;
                break;
            case quote_seen:
                if (c == '"') {
                    state = quoted;  // a doubled quote
                } else if (c == ',') {
                    ++s.fields;
                    state = field_start;
                } else {
                    s.bad_quote = true;  // text after the closing quote
                    state = unquoted;
                }
                break;
        }
    }
    s.open = state == quoted;
    return s;
}

bool RecordReader::next_line(std::string_view& text, long& number) {
    if (has_pending_) {
        has_pending_ = false;
        text = pending_;
        number = pending_no_;
        return true;
    }
    Line line;
    if (!lines_.next(line)) return false;
    text = without_cr(line.text);
    number = line.number;
    return true;
}

bool RecordReader::next(Record& r) {
    std::string_view text;
    long number;
    if (!next_line(text, number)) return false;
    QuoteScan scan = scan_quotes(text);
    r = Record{text, number, 1, false, scan.bad_quote};
    if (!scan.open) return true;

    // A quoted field goes on past the end of the line: read on, keeping the text (the reader's buffer
    // moves on with the next line).
    joined_.assign(text.data(), text.size());
    r.unclosed_quote = true;
    for (;;) {
        std::string_view more;
        long more_no;
        if (!next_line(more, more_no)) break;  // end of file inside a quoted field
        QuoteScan cont = scan_quotes(more, true);
        if (!cont.bad_quote && !cont.open) {  // the quote closes on this line: one record of several lines
            joined_.push_back('\n');
            joined_.append(more);
            ++r.lines;
            r.unclosed_quote = false;
            break;
        }
        QuoteScan fresh = scan_quotes(more);
        bool fresh_row = !fresh.open && !fresh.bad_quote && fresh.fields == expected_fields_;
        if (cont.bad_quote || fresh_row || r.lines >= max_joined_lines) {
            // more is a record of its own: the open line was a quote never closed
            pending_.assign(more.data(), more.size());
            pending_no_ = more_no;
            has_pending_ = true;
            break;
        }
        joined_.push_back('\n');
        joined_.append(more);
        ++r.lines;
    }
    r.text = joined_;
    return true;
}

bool FieldSplitter::split(std::string_view record, std::string& error) {
    work_.assign(record.data(), record.size());
    try {
        io::detail::parse_line<field_trim, quoting>(work_.data(), fields_.data(), header_.col_order);
        return true;
    } catch (const io::error::too_few_columns&) {
    } catch (const io::error::too_many_columns&) {
    } catch (const io::error::escaped_string_not_closed&) {
        error = "quoted field not closed";
        return false;
    }
    error = "expected " + std::to_string(header_.file_columns()) + " fields, found " +
            std::to_string(scan_quotes(record).fields);
    return false;
}

}  // namespace ecomm::events
