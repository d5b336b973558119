// CategorySales: sales_by_category's sums and distinct orders, counted in the task.
#include "category_sales.hpp"

#include <algorithm>

#include "common/big_endian.hpp"

namespace ecomm {

uint32_t CategorySales::category_index(std::string_view category) {
    if (last_category_ != UINT32_MAX && categories_[last_category_] == category) return last_category_;
    auto it = category_indexes_.find(category);
    if (it == category_indexes_.end()) {
        it = category_indexes_.emplace(std::string(category), static_cast<uint32_t>(categories_.size())).first;
        categories_.emplace_back(category);
    }
    return last_category_ = it->second;
}

void CategorySales::add(int64_t date, std::string_view order_id, std::string_view category, long long quantity,
                        long long cents, std::optional<int64_t> inferred_product) {
    ++lines_;
    const uint32_t c = category_index(category);
    Sums& s = sums_[{date, c}];
    s.units += quantity;
    s.cents += cents;
    if (inferred_product) inferred_.emplace(date, *inferred_product);
    key_.clear();
    append_be32(key_, static_cast<uint32_t>(date));
    append_be32(key_, c);
    key_.append(order_id);
    if (key_ == last_key_) return;
    orders_.add(key_, {});
    last_key_.swap(key_);
}

std::vector<CategorySales::Row> CategorySales::rows() {
    std::map<std::pair<int64_t, uint32_t>, long long> orders;
    std::string previous;
    bool first = true;
    orders_.for_each([&](std::string_view key, std::string_view) {
        if (!first && key == previous) return;
        first = false;
        previous.assign(key);
        ++orders[{static_cast<int32_t>(read_be32(key.data())), read_be32(key.data() + 4)}];
    });
    std::vector<Row> out;
    out.reserve(sums_.size());
    for (const auto& [at, s] : sums_) {
        const auto o = orders.find(at);
        out.push_back({at.first, categories_[at.second], o == orders.end() ? 0 : o->second, s.units, s.cents});
    }
    std::sort(out.begin(), out.end(), [](const Row& a, const Row& b) {
        return a.date != b.date ? a.date < b.date : a.category < b.category;
    });
    return out;
}

}  // namespace ecomm
