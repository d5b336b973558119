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
    if (pending_next_ < pending_count_) {
        const PendingLine& p = pending_[pending_next_++];
        text = p.text;
        number = p.number;
        return true;
    }
    if (pending_count_ > 0) {  // every pushed-back line read again: the reader's own lines come next
        pending_.clear();
        pending_next_ = pending_count_ = 0;
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

    // A quoted field goes on past the end of the line: the record ends where the quote state closes, whatever
    // the lines in between look like (a line inside the field is never a record of its own). The lines read
    // ahead are kept (the reader's buffer moves on), so when the quote never closes cleanly the open line is
    // returned alone and those lines are read again as records of their own.
    std::vector<PendingLine> ahead;  // small: at most max_joined_lines, and only for a line left open
    ahead.swap(scratch_);
    ahead.clear();
    joined_.assign(text.data(), text.size());
    bool closed = false;
    for (int n = 1; n < max_joined_lines; ++n) {
        std::string_view more;
        long more_no;
        if (!next_line(more, more_no)) break;  // end of file inside a quoted field
        ahead.push_back(PendingLine{std::string(more), more_no});
        QuoteScan cont = scan_quotes(more, true);
        if (cont.open) continue;
        closed = !cont.bad_quote;  // the field closed and the rest of the line is well-formed
        break;
    }
    if (closed) {
        for (const auto& line : ahead) {
            joined_.push_back('\n');
            joined_.append(line.text);
        }
        r.lines = static_cast<int>(ahead.size()) + 1;
        r.text = joined_;
    } else {
        r.unclosed_quote = true;
        r.text = joined_;
        // read the lines again after this record, before any still pending from an earlier look-ahead
        std::vector<PendingLine> rest(std::make_move_iterator(pending_.begin() + static_cast<long>(pending_next_)),
                                      std::make_move_iterator(pending_.begin() + static_cast<long>(pending_count_)));
        pending_.clear();
        for (auto& line : ahead) pending_.push_back(std::move(line));
        for (auto& line : rest) pending_.push_back(std::move(line));
        pending_next_ = 0;
        pending_count_ = pending_.size();
    }
    scratch_.swap(ahead);
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
