// The sales_by_category mart's sums from one pass over the refreshed dates' order lines, in the task instead
// of a grouping on the server: per date and category the units, the revenue in exact cents and the distinct
// orders, and the inferred products its 'Unknown' rows counted. Memory: a run of the distinct-order keys
// (the rest of them spilled to a temporary file, merged once), not the lines.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/key_sorted_spool.hpp"

namespace ecomm {

class CategorySales {
public:
    explicit CategorySales(size_t run_bytes = 32 << 20) : orders_(run_bytes) {}

    // One live line: its order date (days since 1970-01-01), order, product's category as the mart names it,
    // quantity and revenue in cents; inferred_product: the product key of a line counted as 'Unknown' because
    // its product is an inferred member.
    void add(int64_t date, std::string_view order_id, std::string_view category, long long quantity, long long cents,
             std::optional<int64_t> inferred_product);

    struct Row {
        int64_t date = 0;  // days since 1970-01-01
        std::string category;
        long long orders = 0, units = 0, cents = 0;
    };
    // The mart's rows, by date and category (in the categories' byte order). After the last add().
    std::vector<Row> rows();
    // The (date, product key) pairs of inferred products, each once.
    const std::set<std::pair<int64_t, int64_t>>& inferred_products() const { return inferred_; }
    long long lines() const { return lines_; }

private:
    uint32_t category_index(std::string_view category);

    struct Sums {
        long long units = 0, cents = 0;
    };
    std::vector<std::string> categories_;
    std::map<std::string, uint32_t, std::less<>> category_indexes_;
    uint32_t last_category_ = UINT32_MAX;
    std::map<std::pair<int64_t, uint32_t>, Sums> sums_;  // by date and category index
    // distinct orders: (date, category index, order id) keys, sorted so that equal ones meet; a line of the same
    // order and category as the line before it (an order's lines mostly come together) is not added again
    KeySortedSpool orders_;
    std::string key_, last_key_;
    std::set<std::pair<int64_t, int64_t>> inferred_;
    long long lines_ = 0;
};

}  // namespace ecomm
