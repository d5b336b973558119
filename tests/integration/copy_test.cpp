// The binary COPY writer against a real server: every value must read back exactly as its text form would
// load (money to the cent, timestamps to the microsecond), whether streamed or spooled.
#include "common/copy.hpp"
#include "common/sql_names.hpp"
#include "common/errors.hpp"
#include "common/timeutil.hpp"
#include "harness.hpp"

namespace ecomm::testing {

namespace {

const char* kTable = R"sql(
    create temporary table binary_values (
        label text, amount numeric(12,2), at timestamptz, day date, n integer, big bigint, flag boolean
    ))sql";

struct Value {
    const char* label;
    long long cents;
    const char* at;  // RFC 3339, UTC
    int n;
    long long big;
    bool flag;
};

// Cents on every side of a base-10000 digit boundary, the numeric(12,2) extremes, signs and zero.
const Value kValues[] = {
    {"zero", 0, "2000-01-01T00:00:00Z", 0, 0, false},
    {"one cent", 1, "1999-12-31T23:59:59.999999Z", 1, 1, true},
    {"half", 50, "1970-01-01T00:00:00Z", -1, -1, true},
    {"one", 100, "2025-12-15T19:48:58Z", 2147483647, 9223372036854775807LL, false},
    {"price", 1999, "2025-12-15T00:00:00.000001Z", -2147483647, -9223372036854775807LL, true},
    {"ten thousand", 1000000, "2038-01-19T03:14:08Z", 10000, 10000, false},
    {"ten thousand and a cent", 1000001, "2025-02-28T12:00:00Z", 9999, 9999, false},
    {"big", 12345678901, "2025-03-01T00:00:00Z", 42, 4294967296LL, true},
    {"max", 999999999999, "2100-12-31T23:59:59Z", 7, 7, true},
    {"minus a cent", -1, "2025-12-15T00:00:00Z", 7, 7, true},
    {"min", -999999999999, "2025-12-15T00:00:00Z", 7, 7, true},
    {"minus 1.50", -150, "2025-12-15T00:00:00Z", 7, 7, true},
};

const char* kExpected = R"sql(
    values ('zero', 0.00, '2000-01-01T00:00:00Z'::timestamptz, 0, 0::bigint, false),
           ('one cent', 0.01, '1999-12-31T23:59:59.999999Z', 1, 1, true),
           ('half', 0.50, '1970-01-01T00:00:00Z', -1, -1, true),
           ('one', 1.00, '2025-12-15T19:48:58Z', 2147483647, 9223372036854775807, false),
           ('price', 19.99, '2025-12-15T00:00:00.000001Z', -2147483647, -9223372036854775807, true),
           ('ten thousand', 10000.00, '2038-01-19T03:14:08Z', 10000, 10000, false),
           ('ten thousand and a cent', 10000.01, '2025-02-28T12:00:00Z', 9999, 9999, false),
           ('big', 123456789.01, '2025-03-01T00:00:00Z', 42, 4294967296, true),
           ('max', 9999999999.99, '2100-12-31T23:59:59Z', 7, 7, true),
           ('minus a cent', -0.01, '2025-12-15T00:00:00Z', 7, 7, true),
           ('min', -9999999999.99, '2025-12-15T00:00:00Z', 7, 7, true),
           ('minus 1.50', -1.50, '2025-12-15T00:00:00Z', 7, 7, true)
)sql";

void write_values(BinaryRowWriter& out) {
    for (const auto& v : kValues) {
        const long long at = *parse_rfc3339(v.at);
        out.text(v.label).cents(v.cents).timestamp(at).date(utc_day(at)).int4(v.n).int8(v.big).boolean(v.flag);
        out.end_row();
    }
    out.text("nulls").null().null().null().null().null().null();
    out.end_row();
}

}  // namespace

class CopyTest : public WarehouseTest {
protected:
    void expect_values_loaded() {
        EXPECT_EQ(diff("select label, amount, at, n, big, flag from binary_values where label <> 'nulls'", kExpected),
                  "");
        // numeric's text form keeps the two decimals (display scale 2), as a text COPY would store it
        EXPECT_EQ(scalar("select string_agg(amount::text, ' ' order by amount) from binary_values"),
                  "-9999999999.99 -1.50 -0.01 0.00 0.01 0.50 1.00 19.99 10000.00 10000.01 123456789.01 9999999999.99");
        EXPECT_EQ(count("select count(*) from binary_values where day <> (at at time zone 'UTC')::date"), 0);
        EXPECT_EQ(count("select count(*) from binary_values where label = 'nulls' and amount is null and at is null "
                        "and day is null and n is null and big is null and flag is null"),
                  1);
    }
};

TEST_F(CopyTest, BinaryRowsStreamedReadBackExactly) {
    db().exec(kTable);
    BinaryCopyIn copy(db(), "copy binary_values from stdin with (format binary)");
    write_values(copy);
    EXPECT_EQ(copy.rows(), 13);
    EXPECT_EQ(copy.finish(), 13);
    expect_values_loaded();
}

TEST_F(CopyTest, BinaryRowsSpooledReadBackExactly) {
    db().exec(kTable);
    CopySpool spool;
    BinaryRowWriter rows(spool);
    write_values(rows);
    rows.end();
    EXPECT_EQ(spool.load(db(), "copy binary_values from stdin with (format binary)"), 13);
    expect_values_loaded();
}

// A COPY takes no bind parameters: every $1 of the query becomes the value as a quoted literal, so a value with a
// quote in it is data, not SQL, and a query without $1 is refused by name rather than run unfiltered.
TEST_F(CopyTest, QueryWithAValuePutsItInAsALiteralEverywhere) {
    const std::string value = "2026-12-01' or 'x";
    std::vector<std::string> got;
    const std::string copy = copy_query_with(db(), "select $1::text, $1::text || '!'", value, "test");
    const long long rows = copy_out_binary(db(), copy, [&](const std::vector<std::string_view>& f) {
        for (auto field : f) got.emplace_back(field);
    });
    EXPECT_EQ(rows, 1);
    EXPECT_EQ(got, (std::vector<std::string>{value, value + "!"}));
    EXPECT_THROW(copy_query_with(db(), "select 1", value, "some.sql"), UsageError);
}

}  // namespace ecomm::testing
