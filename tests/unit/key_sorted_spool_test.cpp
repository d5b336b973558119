// KeySortedSpool: every record back once, in key byte order, equal keys in the order added, whether the
// records stayed in memory or went through many written runs.
#include "common/key_sorted_spool.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace ecomm {
namespace {

using Records = std::vector<std::pair<std::string, std::string>>;

Records read_back(KeySortedSpool& spool) {
    Records out;
    spool.for_each([&](std::string_view key, std::string_view bytes) { out.emplace_back(key, bytes); });
    return out;
}

// keys with repeats, shared prefixes, bytes above 0x7f (compared unsigned, as collate "C" does) and the empty key
Records shuffled_records(size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    Records records;
    for (size_t i = 0; i < n; ++i) {
        std::string key = std::to_string(rng() % (n / 2 + 1));
        if (i % 7 == 0) key += "\xC3\xA9";
        if (i % 11 == 0) key.clear();
        std::string bytes(rng() % 300, static_cast<char>('a' + i % 26));
        bytes += std::to_string(i);  // which record this is: equal keys must keep this order
        records.emplace_back(key, bytes);
    }
    return records;
}

Records expected_order(Records records) {
    std::stable_sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
        return std::string_view(a.first) < std::string_view(b.first);
    });
    return records;
}

TEST(KeySortedSpool, InMemoryRecordsComeBackInKeyOrderAndEqualKeysInTheirOrder) {
    KeySortedSpool spool;
    const Records records = shuffled_records(2000, 1);
    for (const auto& [key, bytes] : records) spool.add(key, bytes);
    EXPECT_EQ(spool.spilled_runs(), 0u);
    EXPECT_EQ(read_back(spool), expected_order(records));
    EXPECT_EQ(read_back(spool), expected_order(records)) << "a second pass reads the same";
}

TEST(KeySortedSpool, WrittenRunsMergeInKeyOrderAndEqualKeysInTheirOrder) {
    KeySortedSpool spool(4096);  // a run every few dozen records
    const Records records = shuffled_records(20000, 2);
    for (const auto& [key, bytes] : records) spool.add(key, bytes);
    EXPECT_GT(spool.spilled_runs(), 100u);
    EXPECT_EQ(spool.records(), 20000);
    EXPECT_EQ(read_back(spool), expected_order(records));
    EXPECT_EQ(read_back(spool), expected_order(records)) << "a second pass reads the same";
}

TEST(KeySortedSpool, ARecordLargerThanARunOrAReadBlockSurvives) {
    KeySortedSpool spool(1024);
    const std::string big(1 << 20, 'x');  // sixteen times the merge's read block
    spool.add("m", "small");
    spool.add("b", big);
    spool.add("z", std::string(3000, 'y'));
    spool.add("a", "");
    EXPECT_GT(spool.spilled_runs(), 1u);
    const Records expected{{"a", ""}, {"b", big}, {"m", "small"}, {"z", std::string(3000, 'y')}};
    EXPECT_EQ(read_back(spool), expected);
}

TEST(KeySortedSpool, AnEmptySpoolCallsNothing) {
    KeySortedSpool spool;
    EXPECT_TRUE(read_back(spool).empty());
}

}  // namespace
}  // namespace ecomm
