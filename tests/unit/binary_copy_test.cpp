// The binary COPY field readers and the script splitter of common/.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "common/copy.hpp"
#include "common/db.hpp"
#include "common/errors.hpp"

namespace ecomm {
namespace {

void append16(std::string& s, int v) {
    s.push_back(static_cast<char>((v >> 8) & 0xFF));
    s.push_back(static_cast<char>(v & 0xFF));
}

// A numeric as PostgreSQL sends it: base-10000 digits, the first worth 10000^weight.
std::string numeric(int weight, bool negative, int dscale, std::initializer_list<int> digits) {
    std::string s;
    append16(s, static_cast<int>(digits.size()));
    append16(s, weight);
    append16(s, negative ? 0x4000 : 0);
    append16(s, dscale);
    for (int d : digits) append16(s, d);
    return s;
}

TEST(ReadNumericCents, ReadsExactCentsOfEveryShape) {
    EXPECT_EQ(read_numeric_cents(numeric(0, false, 2, {})), 0);                 // 0.00
    EXPECT_EQ(read_numeric_cents(numeric(0, false, 2, {12, 3000})), 1230);     // 12.30
    EXPECT_EQ(read_numeric_cents(numeric(-1, false, 2, {500})), 5);            // 0.05
    EXPECT_EQ(read_numeric_cents(numeric(-1, true, 2, {9900})), -99);          // -0.99
    EXPECT_EQ(read_numeric_cents(numeric(1, false, 2, {1})), 1000000);         // 10000.00
    EXPECT_EQ(read_numeric_cents(numeric(2, true, 2, {12, 3456, 7890, 1200})),
              -1234567890'12);                                                  // -1234567890.12
    EXPECT_EQ(read_numeric_cents(numeric(3, false, 0, {9999, 9999, 9999, 9999})), 9999999999999999'00);
}

TEST(ReadNumericCents, RefusesWhatIsNotCents) {
    EXPECT_THROW(read_numeric_cents(numeric(-1, false, 3, {1230})), RetryableError);  // 0.123
    EXPECT_THROW(read_numeric_cents(numeric(-2, false, 4, {5})), RetryableError);     // 0.0005
    EXPECT_THROW(read_numeric_cents(numeric(4, false, 0, {1})), RetryableError);      // 10^16 beyond 18 digits
    EXPECT_THROW(read_numeric_cents(numeric(0, false, 0, {}).replace(4, 2, "\xC0\x00", 2)), RetryableError);  // NaN
    EXPECT_THROW(read_numeric_cents(std::string("\x00\x01", 2)), RetryableError);     // cut short
    EXPECT_THROW(read_numeric_cents(numeric(0, false, 0, {1}).substr(0, 9)), RetryableError);
}

TEST(ReadBinaryFields, IntegersDatesAndBooleans) {
    EXPECT_EQ(read_int4(std::string("\xFF\xFF\xFF\xFE", 4)), -2);
    EXPECT_EQ(read_date_days(std::string("\x00\x00\x00\x00", 4)), 10957);  // 2000-01-01
    EXPECT_EQ(read_date_days(std::string("\xFF\xFF\xFF\xFF", 4)), 10956);
    EXPECT_TRUE(read_bool(std::string("\x01", 1)));
    EXPECT_FALSE(read_bool(std::string("\x00", 1)));
    EXPECT_THROW(read_int4("abc"), RetryableError);
    EXPECT_THROW(read_bool(""), RetryableError);
}

TEST(SplitScript, SplitsAtLineEndSemicolonsOutsideComments) {
    const auto s = split_script("-- a comment that ends in one;\n"
                                "select 1;\n"
                                "\n"
                                "-- only comments here;\n"
                                "-- and here\n"
                                ";\n"
                                "insert into t\n"
                                "-- a comment inside a statement;\n"
                                "select 2; -- not the end of a line\n"
                                "select 3;\n"
                                "select 4");
    ASSERT_EQ(s.size(), 3u) << ::testing::PrintToString(s);
    EXPECT_EQ(s[0], "-- a comment that ends in one;\nselect 1");
    EXPECT_EQ(s[1], "\ninsert into t\n-- a comment inside a statement;\nselect 2; -- not the end of a line\nselect 3");
    EXPECT_EQ(s[2], "\nselect 4");
    EXPECT_TRUE(split_script("\n  -- nothing;\n").empty());
}

}  // namespace
}  // namespace ecomm
