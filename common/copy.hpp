// COPY rows: text format streamed to the server (CopyIn) or spooled to a temporary file (CopySpool) when the
// connection is busy with another COPY, binary format streamed (BinaryCopyIn). All buffer rows and
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

// Builds COPY binary-format rows into `sink` (a CopyIn, or a CopySpool loaded later `with (format binary)`):
// values go in PostgreSQL's binary formats, so the server parses no text and unescapes nothing (a third less
// server time than text rows for five million events of typed columns). Each value's method must match its
// column's type exactly: text (text), int4 (integer), int8 (bigint), cents (numeric, from exact cents),
// timestamp (timestamptz), date (date), boolean (boolean). Binary formats are not self-describing: a value of
// the wrong method may fail the COPY or may load as a wrong value (eight bytes of int8 read as numeric are a
// valid zero), so every table loaded this way has its values checked by a test. The constructor writes the
// stream's header, end() its trailer.
class BinaryRowWriter {
public:
    explicit BinaryRowWriter(CopyRowWriter& sink);
    // Without a sink: no stream header, and each row stays in memory until the caller takes it (captured(),
    // then clear_captured()) to put it somewhere first, such as a KeySortedSpool that writes rows in key order.
    BinaryRowWriter();
    BinaryRowWriter(const BinaryRowWriter&) = delete;
    BinaryRowWriter& operator=(const BinaryRowWriter&) = delete;
    BinaryRowWriter& text(std::string_view v);
    BinaryRowWriter& null();
    BinaryRowWriter& int4(int32_t v);
    BinaryRowWriter& int8(long long v);
    BinaryRowWriter& cents(long long cents);
    BinaryRowWriter& timestamp(long long unix_micros);
    BinaryRowWriter& date(long long unix_days);
    BinaryRowWriter& boolean(bool v);
    void end_row();
    void end();
    long long rows() const { return rows_; }
    // The rows ended since the last clear_captured(), whole, in COPY's binary format (sinkless writers only).
    std::string_view captured() const { return captured_; }
    void clear_captured() { captured_.clear(); }

private:
    template <typename Int>
    void put_int(Int v);
    CopyRowWriter* sink_;
    std::string captured_;
    std::string row_;  // the row being built: two bytes for its field count, then its fields
    uint16_t fields_ = 0;
    long long rows_ = 0;
};

// Streams binary rows into `COPY ... FROM STDIN with (format binary)` (copy_sql says so, with freeze or not).
// finish() ends the COPY and returns the server's row count; destroyed without it, the COPY is abandoned.
class BinaryCopyIn : private CopyIn, public BinaryRowWriter {
public:
    BinaryCopyIn(Connection& conn, const std::string& copy_sql)
        : CopyIn(conn, copy_sql), BinaryRowWriter(static_cast<CopyIn&>(*this)) {}
    using BinaryRowWriter::end_row;
    using BinaryRowWriter::rows;
    // Whole rows already in the binary format (a sinkless BinaryRowWriter's captured()).
    void write_rows(std::string_view rows) { CopyIn::bytes(rows); }
    long long finish() {
        end();
        return CopyIn::finish();
    }
};

// Streams `copy (select ...) to stdout with (format binary)` (copy_sql without the WITH clause) on `conn`,
// calling on_row with each row's fields in the columns' binary formats: text as its bytes, bigint as eight
// bytes (read_int8). A null field is a view with a null data(); an empty text is not. Nothing is unescaped,
// and the server prints no value as text (half the server time of a text COPY for raw rows). Returns the rows.
long long copy_out_binary(Connection& conn, const std::string& copy_sql,
                          const std::function<void(const std::vector<std::string_view>&)>& on_row);
// A bigint field of copy_out_binary.
int64_t read_int8(std::string_view field);
// An integer field.
int32_t read_int4(std::string_view field);
// A date field, as days since 1970-01-01 (format_date's days).
int64_t read_date_days(std::string_view field);
// A boolean field.
bool read_bool(std::string_view field);
// A numeric field of at most two decimals (numeric(12,2), numeric(14,2)), as exact cents; throws RetryableError
// for NaN, a third decimal or an amount beyond 18 digits.
long long read_numeric_cents(std::string_view field);

}  // namespace ecomm
