// COPY streaming: rows in large buffers, PQputCopyEnd and PQgetResult both checked.
#include "common/copy.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <type_traits>

#include "common/big_endian.hpp"
#include "common/errors.hpp"
#include "common/money.hpp"
#include "common/timeutil.hpp"

namespace ecomm {

namespace {

// COPY text-format escaping of one field, appended to out.
void append_copy_escaped(std::string& out, std::string_view text) {
    const char* p = text.data();
    const char* end = p + text.size();
    while (p < end) {
        const char* run = p;
        while (p < end && *p != '\\' && *p != '\t' && *p != '\n' && *p != '\r') ++p;
        out.append(run, p);
        if (p == end) break;
        switch (*p) {
            case '\\': out.append("\\\\"); break;
            case '\t': out.append("\\t"); break;
            case '\n': out.append("\\n"); break;
            case '\r': out.append("\\r"); break;
        }
        ++p;
    }
}

}  // namespace

CopyRowWriter& CopyRowWriter::field(std::string_view text) {
    separator();
    append_copy_escaped(buf_, text);
    return *this;
}

CopyRowWriter& CopyRowWriter::raw_field(std::string_view text) {
    separator();
    buf_.append(text);
    return *this;
}

CopyRowWriter& CopyRowWriter::field(long long v) {
    separator();
    char tmp[24];
    auto [p, ec] = std::to_chars(tmp, tmp + sizeof tmp, v);
    buf_.append(tmp, p);
    return *this;
}

CopyRowWriter& CopyRowWriter::null_field() {
    separator();
    buf_.append("\\N");
    return *this;
}

CopyRowWriter& CopyRowWriter::cents_field(long long cents) {
    separator();
    append_cents(buf_, cents);
    return *this;
}

CopyRowWriter& CopyRowWriter::timestamp_field(long long micros) {
    separator();
    append_timestamp(buf_, micros);
    return *this;
}

void CopyRowWriter::bytes(std::string_view data) {
    buf_.append(data);
    flush_if_full();
}

void CopyRowWriter::end_row() {
    buf_.push_back('\n');
    row_open_ = false;
    ++rows_;
    flush_if_full();
}

// ---------------------------------------------------------------- CopyIn

CopyIn::CopyIn(Connection& conn, const std::string& copy_sql, size_t flush_bytes)
    : CopyRowWriter(flush_bytes), conn_(conn), sql_(copy_sql) {
    PGresult* r = PQexec(conn_.raw(), copy_sql.c_str());
    if (!r || PQresultStatus(r) != PGRES_COPY_IN) conn_.throw_error(r, copy_sql);
    PQclear(r);
}

CopyIn::~CopyIn() {
    if (!done_) {
        PQputCopyEnd(conn_.raw(), "copy abandoned by the client");
        while (PGresult* r = PQgetResult(conn_.raw())) PQclear(r);
    }
}

void CopyIn::write_raw(std::string_view rows_text) {
    if (PQputCopyData(conn_.raw(), rows_text.data(), static_cast<int>(rows_text.size())) != 1)
        conn_.throw_error(nullptr, sql_);
}

void CopyIn::flush_buffer() {
    if (!buf_.empty()) write_raw(buf_);
}

long long CopyIn::finish() {
    flush_buffer();
    buf_.clear();
    done_ = true;
    if (PQputCopyEnd(conn_.raw(), nullptr) != 1) conn_.throw_error(nullptr, sql_);
    Result r = conn_.check(PQgetResult(conn_.raw()), sql_);
    while (PGresult* rest = PQgetResult(conn_.raw())) PQclear(rest);
    return r.affected();
}

// ---------------------------------------------------------------- BinaryRowWriter

namespace {

// PostgreSQL's binary dates and timestamps count from 2000-01-01.
constexpr long long pg_epoch_days = 10957;  // 1970-01-01 to 2000-01-01
constexpr long long pg_epoch_micros = pg_epoch_days * 86400LL * 1000000LL;

}  // namespace

BinaryRowWriter::BinaryRowWriter(CopyRowWriter& sink) : sink_(&sink), row_(2, '\0') {
    static constexpr char header[] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";  // signature, flags, extension
    sink_->bytes(std::string_view(header, sizeof header - 1));
}

BinaryRowWriter::BinaryRowWriter() : sink_(nullptr), row_(2, '\0') {}

template <typename Int>
void BinaryRowWriter::put_int(Int v) {
    using U = std::make_unsigned_t<Int>;
    U u = static_cast<U>(v);
    char bytes[sizeof(Int)];
    for (size_t i = 0; i < sizeof(Int); ++i) bytes[i] = static_cast<char>(u >> (8 * (sizeof(Int) - 1 - i)));
    row_.append(bytes, sizeof bytes);
}

BinaryRowWriter& BinaryRowWriter::text(std::string_view v) {
    put_int<int32_t>(static_cast<int32_t>(v.size()));
    row_.append(v);
    ++fields_;
    return *this;
}

BinaryRowWriter& BinaryRowWriter::null() {
    put_int<int32_t>(-1);
    ++fields_;
    return *this;
}

BinaryRowWriter& BinaryRowWriter::int4(int32_t v) {
    put_int<int32_t>(4);
    put_int<int32_t>(v);
    ++fields_;
    return *this;
}

BinaryRowWriter& BinaryRowWriter::int8(long long v) {
    put_int<int32_t>(8);
    put_int<int64_t>(v);
    ++fields_;
    return *this;
}

// numeric's binary form: base-10000 digits, most significant first, with the weight (power of 10000) of the
// first, a sign and the display scale; two decimals are the first fractional digit's top half (cents * 100).
BinaryRowWriter& BinaryRowWriter::cents(long long cents) {
    const bool negative = cents < 0;
    unsigned long long units = negative ? 0ULL - static_cast<unsigned long long>(cents) : cents;
    const int16_t fraction = static_cast<int16_t>((units % 100) * 100);
    units /= 100;
    int16_t digits[8];  // up to 5 integer digits for 2^63, plus the fraction
    int n = 0;
    for (; units > 0; units /= 10000) digits[n++] = static_cast<int16_t>(units % 10000);
    const int16_t weight = static_cast<int16_t>(n - 1);  // -1 when the integer part is 0
    std::reverse(digits, digits + n);
    if (fraction != 0) digits[n++] = fraction;
    while (n > 0 && digits[n - 1] == 0) --n;  // trailing zero digits are implied by the weight
    put_int<int32_t>(8 + 2 * n);
    put_int<int16_t>(static_cast<int16_t>(n));
    put_int<int16_t>(n == 0 ? 0 : weight);
    put_int<int16_t>(negative && n > 0 ? 0x4000 : 0);
    put_int<int16_t>(2);  // dscale: numeric(12,2)
    for (int i = 0; i < n; ++i) put_int<int16_t>(digits[i]);
    ++fields_;
    return *this;
}

BinaryRowWriter& BinaryRowWriter::timestamp(long long unix_micros) { return int8(unix_micros - pg_epoch_micros); }

BinaryRowWriter& BinaryRowWriter::date(long long unix_days) {
    put_int<int32_t>(4);
    put_int<int32_t>(static_cast<int32_t>(unix_days - pg_epoch_days));
    ++fields_;
    return *this;
}

BinaryRowWriter& BinaryRowWriter::boolean(bool v) {
    put_int<int32_t>(1);
    row_.push_back(v ? 1 : 0);
    ++fields_;
    return *this;
}

void BinaryRowWriter::end_row() {
    row_[0] = static_cast<char>(fields_ >> 8);
    row_[1] = static_cast<char>(fields_ & 0xFF);
    if (sink_)
        sink_->bytes(row_);
    else
        captured_.append(row_);
    ++rows_;
    row_.resize(2);
    fields_ = 0;
}

void BinaryRowWriter::end() {
    if (sink_) sink_->bytes(std::string_view("\xFF\xFF", 2));  // a field count of -1
}

// ---------------------------------------------------------------- CopySpool

CopySpool::CopySpool(size_t flush_bytes) : CopyRowWriter(flush_bytes), file_(std::tmpfile()) {
    if (!file_) throw RetryableError(std::string("cannot create a temporary spool file: ") + std::strerror(errno));
}

CopySpool::~CopySpool() {
    if (file_) std::fclose(file_);
}

void CopySpool::flush_buffer() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size())
        throw RetryableError(std::string("cannot write the temporary spool file: ") + std::strerror(errno));
}

long long CopySpool::load(Connection& conn, const std::string& copy_sql) {
    flush_buffer();
    buf_.clear();
    std::fflush(file_);
    std::rewind(file_);
    CopyIn copy(conn, copy_sql);
    std::string chunk(1 << 20, '\0');
    size_t n;
    while ((n = std::fread(chunk.data(), 1, chunk.size(), file_)) > 0) copy.write_raw({chunk.data(), n});
    return copy.finish();
}

// ---------------------------------------------------------------- binary COPY out

namespace {

// A field of the wrong size for its type: the query's columns are not what the reader expects.
[[noreturn]] void throw_field_size(std::string_view type, std::string_view field) {
    throw RetryableError("a binary COPY " + std::string(type) + " field of " + std::to_string(field.size()) +
                         " bytes");
}

}  // namespace

int64_t read_int8(std::string_view field) {
    if (field.size() != 8) throw_field_size("bigint", field);
    return static_cast<int64_t>(uint64_t{read_be32(field.data())} << 32 | read_be32(field.data() + 4));
}

int32_t read_int4(std::string_view field) {
    if (field.size() != 4) throw_field_size("integer", field);
    return static_cast<int32_t>(read_be32(field.data()));
}

int64_t read_date_days(std::string_view field) {
    constexpr int64_t postgres_epoch_days = 10957;  // 2000-01-01, where a binary date counts from
    return read_int4(field) + postgres_epoch_days;
}

bool read_bool(std::string_view field) {
    if (field.size() != 1) throw_field_size("boolean", field);
    return field[0] != 0;
}

long long read_numeric_cents(std::string_view field) {
    // ndigits, weight, sign, dscale (int16 each), then ndigits base-10000 digits, the first worth 10000^weight
    const auto int16_at = [&](size_t i) {
        return static_cast<int16_t>(static_cast<unsigned char>(field[i]) << 8 |
                                    static_cast<unsigned char>(field[i + 1]));
    };
    if (field.size() < 8) throw_field_size("numeric", field);
    const int ndigits = int16_at(0), weight = int16_at(2);
    const auto sign = static_cast<uint16_t>(int16_at(4));
    if (ndigits < 0 || field.size() != 8 + 2 * static_cast<size_t>(ndigits))
        throw_field_size("numeric", field);
    if (sign != 0x0000 && sign != 0x4000) throw RetryableError("a numeric that is not a number (NaN or infinite)");
    long long cents = 0;
    for (int i = 0; i < ndigits; ++i) {
        const int digit = int16_at(8 + 2 * static_cast<size_t>(i)), power = weight - i;
        if (power >= 0) {
            if (power > 3) throw RetryableError("a numeric beyond 18 digits");
            long long worth = 100;
            for (int p = 0; p < power; ++p) worth *= 10000;
            cents += digit * worth;
        } else if (power == -1 && digit % 100 == 0) {
            cents += digit / 100;
        } else if (digit != 0) {
            throw RetryableError("a numeric with more than two decimals");
        }
    }
    return sign == 0x4000 ? -cents : cents;
}

long long copy_out_binary(Connection& conn, const std::string& copy_sql,
                          const std::function<void(const std::vector<std::string_view>&)>& on_row) {
    static constexpr std::string_view signature("PGCOPY\n\377\r\n\0", 11);
    const std::string sql = copy_sql + " with (format binary)";
    std::vector<std::string_view> fields;
    bool header_read = false, ended = false;
    long long rows = 0;
    auto malformed = [&](const char* what) {
        return RetryableError(std::string("unexpected binary COPY data (") + what + ") from: " + sql);
    };
    conn.copy_out_messages(sql, [&](std::string_view m) {
        if (!header_read) {  // the header comes with the first row (or the trailer, for no rows)
            if (m.size() < 19 || m.substr(0, 11) != signature) throw malformed("no header");
            const uint32_t extension = read_be32(m.data() + 15);
            if (m.size() < 19 + extension) throw malformed("short header");
            m.remove_prefix(19 + extension);
            header_read = true;
        }
        if (ended || m.size() < 2) throw malformed("short row");
        const int16_t count = static_cast<int16_t>(static_cast<unsigned char>(m[0]) << 8 | static_cast<unsigned char>(m[1]));
        m.remove_prefix(2);
        if (count == -1) {
            ended = true;
            return;
        }
        fields.clear();
        for (int16_t i = 0; i < count; ++i) {
            if (m.size() < 4) throw malformed("short field");
            const int32_t length = static_cast<int32_t>(read_be32(m.data()));
            m.remove_prefix(4);
            if (length < 0) {
                fields.emplace_back();  // null
                continue;
            }
            if (m.size() < static_cast<size_t>(length)) throw malformed("short field");
            fields.emplace_back(m.data(), static_cast<size_t>(length));
            m.remove_prefix(static_cast<size_t>(length));
        }
        ++rows;
        on_row(fields);
    });
    return rows;
}

}  // namespace ecomm
