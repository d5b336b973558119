// OrderGroups: refresh_order_groups' sums, grouped in compute_daily_metrics.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "order_groups.hpp"

namespace ecomm {
namespace {

TEST(OrderGroups, SumsPerDateCustomerAndCancelledOrNot) {
    OrderGroups g(64);  // tiny runs: the orders spill and merge
    g.add(20000, "u1", false, 1999, 2);
    g.add(20000, "u1", false, 1, 1);
    g.add(20000, "u1", true, 500, 1);    // cancelled: its own group
    g.add(20001, "u1", false, 700, 3);   // another date
    g.add(20000, "u2", false, -250, 0);  // a refund's negative revenue sums as it is
    g.add(-1, "u\xC3\xA9", false, 5, 1); // a date before 1970, a key of any bytes
    for (int i = 0; i < 20; ++i) g.add(20001, "u1", false, 0, 0);  // more of a group, across runs

    struct Got {
        int64_t date;
        std::string user_key;
        bool cancelled;
        long long orders, cents, units;
    };
    std::vector<Got> rows;
    g.for_each([&](const OrderGroups::Row& r) {
        rows.push_back({r.date, std::string(r.user_key), r.cancelled, r.orders, r.cents, r.units});
    });
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        return std::tie(a.date, a.user_key, a.cancelled) < std::tie(b.date, b.user_key, b.cancelled);
    });
    ASSERT_EQ(rows.size(), 5u);
    EXPECT_EQ(rows[0].date, -1);
    EXPECT_EQ(rows[0].user_key, "u\xC3\xA9");
    EXPECT_EQ(rows[1].user_key, "u1");
    EXPECT_FALSE(rows[1].cancelled);
    EXPECT_EQ(rows[1].orders, 2);
    EXPECT_EQ(rows[1].cents, 2000);
    EXPECT_EQ(rows[1].units, 3);
    EXPECT_TRUE(rows[2].cancelled);
    EXPECT_EQ(rows[2].orders, 1);
    EXPECT_EQ(rows[2].cents, 500);
    EXPECT_EQ(rows[3].user_key, "u2");
    EXPECT_EQ(rows[3].cents, -250);
    EXPECT_EQ(rows[4].date, 20001);
    EXPECT_EQ(rows[4].orders, 21);
    EXPECT_EQ(rows[4].units, 3);
    EXPECT_EQ(g.orders(), 26);
}

}  // namespace
}  // namespace ecomm
