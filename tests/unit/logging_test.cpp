// The numbers tasks print in their log lines.
#include <gtest/gtest.h>

#include <climits>

#include "common/logging.hpp"

namespace ecomm {
namespace {

TEST(WithCommas, GroupsThousandsOfEitherSign) {
    EXPECT_EQ(with_commas(0), "0");
    EXPECT_EQ(with_commas(999), "999");
    EXPECT_EQ(with_commas(1000), "1,000");
    EXPECT_EQ(with_commas(5010021), "5,010,021");
    EXPECT_EQ(with_commas(-100), "-100");
    EXPECT_EQ(with_commas(-1234567), "-1,234,567");
    EXPECT_EQ(with_commas(LLONG_MAX), "9,223,372,036,854,775,807");
    EXPECT_EQ(with_commas(LLONG_MIN), "-9,223,372,036,854,775,808");
}

}  // namespace
}  // namespace ecomm
