// COPY rows: text format streamed to the server (CopyIn) or spooled to a temporary file (CopySpool) when the
// connection is busy with another COPY, binary format streamed (BinaryCopyIn, relay_copy). All buffer rows and
// flush in large blocks.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/db.hpp"

namespace ecomm {

// Builds COPY text rows into a buffer; subclasses decide where full buffers go.
class CopyRowWriter {
public:
    explicit CopyRowWriter(size_t flush_bytes) : flush_bytes_(flush_bytes) { buf_.reserve(flush_bytes + (64 << 10)); }
    virtual ~CopyRowWriter() = default;
    CopyRowWriter(const CopyRowWriter&) = delete;
    CopyRowWriter& operator=(const CopyRowWriter&) = delete;

    CopyRowWriter& field(std::string_view text);      // escaped
    CopyRowWriter& raw_field(std::string_view text);  // caller guarantees no tab, newline, backslash
    CopyRowWriter& field(long long v);
    CopyRowWriter& null_field();
    CopyRowWriter& cents_field(long long cents);      // numeric(12,2) text from exact cents
    CopyRowWriter& timestamp_field(long long micros); // timestamptz text, UTC
    CopyRowWriter& date_field(long long days);
    CopyRowWriter& bool_field(bool v) { return raw_field(v ? "t" : "f"); }
    void end_row();
    // Appends bytes already in the COPY's format (a relayed stream), buffered like rows.
    void bytes(std::string_view data);
    long long rows() const { return rows_; }

protected:
    virtual void flush_buffer() = 0;
    std::string buf_;

private:
    void flush_if_full() {
        if (buf_.size() >= flush_bytes_) {
            flush_buffer();
            buf_.clear();
        }
    }
    void separator() {
        if (row_open_) buf_.push_back('\t');
        row_open_ = true;
    }
    size_t flush_bytes_;
    bool row_open_ = false;
    long long rows_ = 0;
};

// Streams rows into `COPY ... FROM STDIN`. finish() ends the COPY and checks the server's result;
// a CopyIn destroyed without finish() aborts the COPY, so the transaction fails instead of half-loading.
class CopyIn : public CopyRowWriter {
public:
    CopyIn(Connection& conn, const std::string& copy_sql, size_t flush_bytes = 1 << 20);
    ~CopyIn() override;
    // Appends pre-formatted COPY text (whole rows).
    void write_raw(std::string_view rows_text);
    // Ends the COPY; returns the server's row count.
    long long finish();

protected:
    void flush_buffer() override;

private:
    Connection& conn_;
    std::string sql_;
    bool done_ = false;
};

// Streams rows into `COPY ... FROM STDIN with (format binary)` (copy_sql says so itself, with freeze or not).
// Values go in PostgreSQL's binary formats: the server parses no text and unescapes nothing (a third less
// server time than text rows for five million events of typed columns). Each value's method must match its
// column's type exactly: text (text), int8 (bigint), timestamp (timestamptz), date (date), boolean (boolean).
class BinaryCopyIn {
public:
    BinaryCopyIn(Connection& conn, const std::string& copy_sql);
    BinaryCopyIn& text(std::string_view v);
    BinaryCopyIn& null();
    BinaryCopyIn& int8(long long v);
    BinaryCopyIn& timestamp(long long unix_micros);
    BinaryCopyIn& date(long long unix_days);
    BinaryCopyIn& boolean(bool v);
    void end_row();
    long long rows() const { return rows_; }
    // Ends the COPY; returns the server's row count. Destroyed without finish(), the COPY is abandoned.
    long long finish();

private:
    template <typename Int>
    void put_int(Int v);
    CopyIn copy_;
    std::string row_;  // the row being built: its fields, after the field count end_row writes
    uint16_t fields_ = 0;
    long long rows_ = 0;
};

// Spools rows to an anonymous temporary file; load() later streams them into a COPY. Memory stays flat.
class CopySpool : public CopyRowWriter {
public:
    explicit CopySpool(size_t flush_bytes = 1 << 20);
    ~CopySpool() override;
    long long load(Connection& conn, const std::string& copy_sql);

protected:
    void flush_buffer() override;

private:
    std::FILE* file_;
};

// Streams `copy (select ...) to stdout with (format binary)` on `from` into `copy ... from stdin with (format
// binary)` on `to`, byte for byte: the query runs on one server process and the load on another (two cores),
// no value is printed as text and parsed back, and only `to` writes, so the load stays in its one
// transaction. The query's column types must be the table columns' exactly (binary formats are per type).
// `every_64k_rows` runs every 65,536 rows (a task checks for SIGTERM there). Returns the rows loaded.
// With `freeze`, the load is `with (format binary, freeze)`: for a table created or truncated in this transaction.
long long relay_copy(Connection& from, const std::string& copy_out_sql, Connection& to, const std::string& copy_in_sql,
                     const std::function<void()>& every_64k_rows, bool freeze = false);

// COPY text-format escaping of one field, appended to out.
void append_copy_escaped(std::string& out, std::string_view text);
// Reverses COPY text-format escaping (for rows read with Connection::copy_out).
void copy_unescape(std::string_view in, std::string& out);
// Splits a COPY text row into its fields (still escaped). A null field is "\N".
void split_copy_row(std::string_view row, std::vector<std::string_view>& fields);

}  // namespace ecomm
