// rank_customers: the customer summary's ntile(5) scores, as PostgreSQL's ntile() assigns them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "customer_ranks.hpp"

namespace ecomm {
namespace {

TEST(Ntile, TheFirstBucketsHoldTheRemainder) {
    // 12 rows in 5 buckets: 3 3 2 2 2
    std::vector<int> got;
    for (size_t i = 0; i < 12; ++i) got.push_back(ntile(i, 12, 5));
    EXPECT_EQ(got, (std::vector<int>{1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 5}));
    // fewer rows than buckets: one row each
    EXPECT_EQ(ntile(0, 3, 5), 1);
    EXPECT_EQ(ntile(2, 3, 5), 3);
    EXPECT_EQ(ntile(9, 10, 5), 5);
    EXPECT_EQ(ntile(0, 1, 5), 1);
}

TEST(RankCustomers, ScoresByEachMeasureWithTiesBrokenByUserKeyBytes) {
    std::vector<CustomerTotals> c(5);
    const char* keys[] = {"b", "a", "\xC3\xA9", "B", "c"};  // byte order: B a b c é
    for (int i = 0; i < 5; ++i) c[i].user_key = keys[i];
    // last order dates: a tie between b and a (a first); orders: all tied (the key order alone);
    // revenue: é lowest, then the rest tied
    c[0].last_order_date = 100, c[1].last_order_date = 100, c[2].last_order_date = 90;
    c[3].last_order_date = 101, c[4].last_order_date = 102;
    for (auto& x : c) x.orders = 1, x.cents = 500;
    c[2].cents = -1;
    rank_customers(c);
    // by date: é(90) a(100) b(100) B(101) c(102)
    EXPECT_EQ(c[2].r_score, 1);
    EXPECT_EQ(c[1].r_score, 2);
    EXPECT_EQ(c[0].r_score, 3);
    EXPECT_EQ(c[3].r_score, 4);
    EXPECT_EQ(c[4].r_score, 5);
    // by orders, all tied: B a b c é
    EXPECT_EQ(c[3].f_score, 1);
    EXPECT_EQ(c[1].f_score, 2);
    EXPECT_EQ(c[0].f_score, 3);
    EXPECT_EQ(c[4].f_score, 4);
    EXPECT_EQ(c[2].f_score, 5);
    // by revenue: é, then B a b c
    EXPECT_EQ(c[2].m_score, 1);
    EXPECT_EQ(c[3].m_score, 2);
    EXPECT_EQ(c[1].m_score, 3);
    EXPECT_EQ(c[0].m_score, 4);
    EXPECT_EQ(c[4].m_score, 5);
}

TEST(RankCustomers, NoCustomersNoScores) {
    std::vector<CustomerTotals> none;
    rank_customers(none);
    EXPECT_TRUE(none.empty());
}

}  // namespace
}  // namespace ecomm
