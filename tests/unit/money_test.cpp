// Exact money parsing: the numbers must be right to the cent, never through a binary float.
#include <gtest/gtest.h>

#include "common/money.hpp"

using ecomm::format_cents;
using ecomm::parse_cents;

TEST(Money, ParsesDecimalTextExactly) {
    EXPECT_EQ(parse_cents("19.99"), 1999);
    EXPECT_EQ(parse_cents("0.1"), 10);
    EXPECT_EQ(parse_cents("20"), 2000);
    EXPECT_EQ(parse_cents("2.000"), 200);
    EXPECT_EQ(parse_cents("1e2"), 10000);
    EXPECT_EQ(parse_cents("1.5E1"), 1500);
    EXPECT_EQ(parse_cents("1234567890.12"), 123456789012LL);
    EXPECT_EQ(parse_cents("-0.05"), -5);
    // 0.1 + 0.2 style values stay exact
    EXPECT_EQ(*parse_cents("0.10") + *parse_cents("0.20"), 30);
}

TEST(Money, RejectsSubCentAndNonNumbers) {
    EXPECT_FALSE(parse_cents("19.999"));
    EXPECT_FALSE(parse_cents("1e-3"));
    EXPECT_FALSE(parse_cents(""));
    EXPECT_FALSE(parse_cents("abc"));
    EXPECT_FALSE(parse_cents("1."));
    EXPECT_FALSE(parse_cents(".5"));
    EXPECT_FALSE(parse_cents("\"19.99\""));
    EXPECT_FALSE(parse_cents("99999999999.00"));  // beyond numeric(12,2)
}

TEST(Money, FormatsCents) {
    EXPECT_EQ(format_cents(1999), "19.99");
    EXPECT_EQ(format_cents(5), "0.05");
    EXPECT_EQ(format_cents(-5), "-0.05");
    EXPECT_EQ(format_cents(0), "0.00");
    EXPECT_EQ(format_cents(123456789012LL), "1234567890.12");
}
