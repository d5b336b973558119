// CategorySales: sales_by_category's sums and distinct orders, counted in compute_daily_metrics.
#include <gtest/gtest.h>

#include <string>

#include "category_sales.hpp"

namespace ecomm {
namespace {

TEST(CategorySales, CountsEachOrderOncePerDateAndCategoryWhereverItsLinesCome) {
    CategorySales s(64);  // tiny runs: the distinct orders spill and merge
    s.add(20000, "o1", "Shoes", 1, 1999, std::nullopt);
    s.add(20000, "o2", "Shoes", 2, 500, std::nullopt);
    s.add(20000, "o1", "Bags", 1, 1001, std::nullopt);
    s.add(20000, "o1", "Shoes", 3, 1, std::nullopt);   // o1 again, not next to its first Shoes line
    s.add(20001, "o1", "Shoes", 1, 100, std::nullopt);  // the same id on another date counts there
    s.add(20000, "o3", "Unknown", 1, 5, 42);
    s.add(20000, "o4", "Unknown", 1, 5, 42);            // the same inferred product: one pair
    s.add(20000, "o4", "Unknown", 1, 5, 43);
    for (int i = 0; i < 50; ++i) s.add(20002, "o" + std::to_string(i % 10), "Bags", 1, -3, std::nullopt);

    const auto rows = s.rows();
    ASSERT_EQ(rows.size(), 5u);
    EXPECT_EQ(rows[0].date, 20000);
    EXPECT_EQ(rows[0].category, "Bags");
    EXPECT_EQ(rows[0].orders, 1);
    EXPECT_EQ(rows[0].cents, 1001);
    EXPECT_EQ(rows[1].category, "Shoes");
    EXPECT_EQ(rows[1].orders, 2);
    EXPECT_EQ(rows[1].units, 6);
    EXPECT_EQ(rows[1].cents, 2500);
    EXPECT_EQ(rows[2].category, "Unknown");
    EXPECT_EQ(rows[2].orders, 2);
    EXPECT_EQ(rows[2].units, 3);
    EXPECT_EQ(rows[3].date, 20001);
    EXPECT_EQ(rows[3].orders, 1);
    EXPECT_EQ(rows[4].date, 20002);
    EXPECT_EQ(rows[4].orders, 10);
    EXPECT_EQ(rows[4].units, 50);
    EXPECT_EQ(rows[4].cents, -150);  // a refund line's negative revenue sums as it is
    EXPECT_EQ(s.lines(), 58);
    const std::set<std::pair<int64_t, int64_t>> inferred{{20000, 42}, {20000, 43}};
    EXPECT_EQ(s.inferred_products(), inferred);
}

TEST(CategorySales, NoLinesNoRows) {
    CategorySales s;
    EXPECT_TRUE(s.rows().empty());
    EXPECT_TRUE(s.inferred_products().empty());
}

}  // namespace
}  // namespace ecomm
