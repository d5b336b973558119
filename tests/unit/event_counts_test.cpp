// EventCounts: the event marts' distinct counts, hashed in compute_daily_metrics.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "common/errors.hpp"
#include "event_counts.hpp"

namespace ecomm {
namespace {

constexpr std::string_view anonymous{};  // a null field of the COPY: no data pointer

TEST(EventCounts, CountsEventsDistinctKnownUsersAndSessionsByTheirSetOfTypes) {
    EventCounts c;
    c.add("2026-01-01", "page_view", "s1", "u1");
    c.add("2026-01-01", "page_view", "s1", "u1");      // same session and user twice: one of each
    c.add("2026-01-01", "add_to_cart", "s1", "u1");
    c.add("2026-01-01", "page_view", "s2", anonymous);  // anonymous: a session, no user
    c.add("2026-01-01", "page_view", "s3", "u2");
    c.add("2026-01-01", "add_to_cart", "s3", "u2");
    c.add("2026-01-02", "page_view", "s1", "u1");       // a session of another date counts again there

    auto types = c.type_rows();
    ASSERT_EQ(types.size(), 3u);
    EXPECT_EQ(types[0].date, "2026-01-01");
    EXPECT_EQ(types[0].type, "page_view");
    EXPECT_EQ(types[0].events, 4);
    EXPECT_EQ(types[0].users, 2);
    EXPECT_EQ(types[1].type, "add_to_cart");
    EXPECT_EQ(types[1].events, 2);
    EXPECT_EQ(types[1].users, 2);
    EXPECT_EQ(types[2].date, "2026-01-02");
    EXPECT_EQ(types[2].events, 1);

    auto sets = c.session_set_rows();
    ASSERT_EQ(sets.size(), 3u);
    // 2026-01-01: s2 saw page_view only; s1 and s3 page_view and add_to_cart
    auto day1_set = [&](size_t n) {
        return std::find_if(sets.begin(), sets.end(),
                            [&](const auto& r) { return r.date == "2026-01-01" && r.types.size() == n; });
    };
    ASSERT_NE(day1_set(1), sets.end());
    EXPECT_EQ(day1_set(1)->sessions, 1);
    EXPECT_EQ(day1_set(1)->types, std::vector<std::string>{"page_view"});
    ASSERT_NE(day1_set(2), sets.end());
    EXPECT_EQ(day1_set(2)->sessions, 2);
    EXPECT_EQ(sets.back().date, "2026-01-02");
    EXPECT_EQ(sets.back().sessions, 1);
    EXPECT_EQ(c.distinct_keys(), 3u + 2u + 1u + 1u);  // day 1: 3 sessions, 2 users; day 2: 1 and 1
}

TEST(EventCounts, KeysOutliveTheRowsTheyCameFrom) {
    EventCounts c;
    std::string session = "session-a", user = "user-a";
    c.add("2026-01-01", "purchase", session, user);
    session.assign("session-b");  // the COPY buffer is reused for the next row
    user.assign("user-b");
    c.add("2026-01-01", "purchase", session, user);
    c.add("2026-01-01", "purchase", "session-a", "user-a");
    auto types = c.type_rows();
    ASSERT_EQ(types.size(), 1u);
    EXPECT_EQ(types[0].events, 3);
    EXPECT_EQ(types[0].users, 2);
    EXPECT_EQ(c.session_set_rows().at(0).sessions, 2);
}

TEST(EventCounts, KeyBitsStaysExactAcrossGrowthLongKeysAndTheEmptyKey) {
    KeyBits keys;
    const std::string long_key(300, 'k');  // a length of two LEB128 bytes
    keys.mark("", 1);
    keys.mark(long_key, 1);
    keys.mark(long_key.substr(0, 299), 2);  // a prefix is another key
    for (int i = 0; i < 100000; ++i) keys.mark("session-" + std::to_string(i), 1);  // grows the table many times
    for (int i = 0; i < 100000; i += 2) keys.mark("session-" + std::to_string(i), 4);
    keys.mark("", 2);
    keys.mark(long_key, 8);
    EXPECT_EQ(keys.size(), 3u + 100000u);
    std::map<uint32_t, long long> by_bits;
    keys.for_each_bits([&](uint32_t bits) { ++by_bits[bits]; });
    // "" 1|2, long_key 1|8, its prefix 2, the sessions 1 or 1|4
    EXPECT_EQ(by_bits, (std::map<uint32_t, long long>{{1, 50000}, {2, 1}, {3, 1}, {5, 50000}, {9, 1}}));
}

TEST(EventCounts, MoreThan32EventTypesIsADataQualityError) {
    EventCounts c;
    for (int t = 0; t < 32; ++t) c.add("2026-01-01", "type-" + std::to_string(t), "s", anonymous);
    EXPECT_THROW(c.add("2026-01-01", "type-32", "s", anonymous), DataQualityError);
}

}  // namespace
}  // namespace ecomm
