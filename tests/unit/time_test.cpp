// Strict RFC 3339 and date parsing, normalised to UTC.
#include <gtest/gtest.h>

#include "common/timeutil.hpp"

using namespace ecomm;

TEST(Time, ParsesZuluAndOffsets) {
    auto z = parse_rfc3339("2025-12-13T09:15:02Z");
    ASSERT_TRUE(z);
    EXPECT_EQ(format_timestamp(*z), "2025-12-13T09:15:02Z");
    auto off = parse_rfc3339("2025-12-13T11:15:02+02:00");
    ASSERT_TRUE(off);
    EXPECT_EQ(*off, *z);
    auto neg = parse_rfc3339("2025-12-12T23:15:02-10:00");
    ASSERT_TRUE(neg);
    EXPECT_EQ(format_timestamp(*neg), "2025-12-13T09:15:02Z");
    auto frac = parse_rfc3339("2025-12-13T09:15:02.25Z");
    ASSERT_TRUE(frac);
    EXPECT_EQ(*frac - *z, 250000);
    EXPECT_EQ(format_timestamp(*frac), "2025-12-13T09:15:02.250000Z");
}

TEST(Time, RejectsMalformedAndImpossible) {
    EXPECT_FALSE(parse_rfc3339("2025-12-13T09:15:02"));  // no offset
    EXPECT_FALSE(parse_rfc3339("2025-02-30T09:15:02Z"));
    EXPECT_FALSE(parse_rfc3339("2025-12-13T24:00:00Z"));
    EXPECT_FALSE(parse_rfc3339("2025-12-13 09:15"));
    EXPECT_FALSE(parse_rfc3339("yesterday"));
    EXPECT_FALSE(parse_rfc3339("2025-12-13T09:15:02Zjunk"));
    EXPECT_FALSE(parse_date("2025-13-01"));
    EXPECT_FALSE(parse_date("2025-1-01"));
    EXPECT_TRUE(parse_date("2024-02-29"));
    EXPECT_FALSE(parse_date("2025-02-29"));
}

TEST(Time, DatesRoundTripAndFutureRule) {
    auto d = parse_date("2025-12-13");
    ASSERT_TRUE(d);
    EXPECT_EQ(format_date(*d), "2025-12-13");
    EXPECT_EQ(format_date(*d + 19), "2026-01-01");
    // the contract: later than the end of the load date plus one hour is in the future
    EXPECT_FALSE(is_future(*parse_rfc3339("2025-12-14T01:00:00Z"), *d));
    EXPECT_TRUE(is_future(*parse_rfc3339("2025-12-14T01:00:00.000001Z"), *d));
    EXPECT_EQ(utc_day(*parse_rfc3339("2025-12-13T23:59:59-01:00")), *d + 1);
}
