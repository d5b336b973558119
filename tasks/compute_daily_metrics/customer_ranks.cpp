// rank_customers: the customer summary's ntile scores.
#include "customer_ranks.hpp"

#include <algorithm>
#include <numeric>

namespace ecomm {

int ntile(size_t position, size_t rows, int buckets) {
    const size_t n = static_cast<size_t>(buckets), per = rows / n, remainder = rows % n;
    const size_t in_big = remainder * (per + 1);  // the rows of the first `remainder` buckets
    if (position < in_big) return static_cast<int>(position / (per + 1)) + 1;
    return static_cast<int>(remainder + (position - in_big) / per) + 1;
}

namespace {

// Scores each row by its position in the order of `key`, then user_key (std::string compares bytes unsigned,
// as collate "C" does).
template <typename Key, typename Score>
void score_by(std::vector<CustomerTotals>& customers, std::vector<size_t>& order, Key key, Score score) {
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const auto ka = key(customers[a]), kb = key(customers[b]);
        return ka != kb ? ka < kb : customers[a].user_key < customers[b].user_key;
    });
    for (size_t i = 0; i < order.size(); ++i) score(customers[order[i]]) = ntile(i, order.size(), 5);
}

}  // namespace

void rank_customers(std::vector<CustomerTotals>& customers) {
    std::vector<size_t> order(customers.size());
    std::iota(order.begin(), order.end(), size_t{0});
    score_by(customers, order, [](const CustomerTotals& c) { return c.last_order_date; },
             [](CustomerTotals& c) -> int& { return c.r_score; });
    score_by(customers, order, [](const CustomerTotals& c) { return c.orders; },
             [](CustomerTotals& c) -> int& { return c.f_score; });
    score_by(customers, order, [](const CustomerTotals& c) { return c.cents; },
             [](CustomerTotals& c) -> int& { return c.m_score; });
}

}  // namespace ecomm
