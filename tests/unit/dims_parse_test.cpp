// Products and customers parsing without a database: array splitting with line numbers, validation in the
// the contract's reason order, exact money, and broken input that must never crash.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/timeutil.hpp"
#include "extract_products.hpp"
#include "common/record_checks.hpp"
#include "transform_customers.hpp"
#include "transform_products.hpp"

namespace ecomm {
namespace {

struct Split {
    std::vector<std::pair<std::string, long>> elements;
    std::vector<std::pair<std::string, long>> malformed;  // detail, line
};

Split split(std::string_view text) {
    Split s;
    split_json_array(
        text, [&](std::string_view e, long line) { s.elements.emplace_back(std::string(e), line); },
        [&](long line, std::string_view detail, std::string_view) { s.malformed.emplace_back(std::string(detail), line); });
    return s;
}

const int64_t dec_15 = *parse_date("2025-12-15");

std::string product(const std::string& fields) {
    return R"({"product_id":"P1","name":"Trail Runner 2","category":"Shoes","subcategory":"Running",)"
           R"("brand":"Acme","supplier_id":"S017","active":true,"updated_at":"2025-12-15T00:00:00Z",)" +
           fields + "}";
}

}  // namespace

TEST(DimsSplit, ElementsKeepExactTextAndStartingLine) {
    auto s = split("[\n  {\"a\": \"x,]}\\\"\"},\n\n  {\"b\":\n [1, {\"c\": 2}]}\n  ,7, \"s\" ]\n");
    ASSERT_EQ(s.elements.size(), 4u);
    EXPECT_EQ(s.elements[0], (std::pair<std::string, long>{"{\"a\": \"x,]}\\\"\"}", 2}));
    EXPECT_EQ(s.elements[1], (std::pair<std::string, long>{"{\"b\":\n [1, {\"c\": 2}]}", 4}));
    EXPECT_EQ(s.elements[2], (std::pair<std::string, long>{"7", 6}));
    EXPECT_EQ(s.elements[3], (std::pair<std::string, long>{"\"s\"", 6}));
    EXPECT_TRUE(s.malformed.empty());
}

TEST(DimsSplit, OneLineArrayAndEmptyArray) {
    auto s = split("[{\"a\":1},{\"a\":2}]");
    ASSERT_EQ(s.elements.size(), 2u);
    EXPECT_EQ(s.elements[1].second, 1);
    EXPECT_TRUE(split("[]").elements.empty());
    EXPECT_TRUE(split(" [ ] \n").malformed.empty());
}

TEST(DimsSplit, BrokenFilesAreReportedNotFatal) {
    auto cut = split("[\n{\"a\":1},\n{\"b\": \"never closed");
    ASSERT_EQ(cut.elements.size(), 1u);
    ASSERT_EQ(cut.malformed.size(), 1u);
    EXPECT_EQ(cut.malformed[0].second, 3);
    EXPECT_EQ(split("{\"a\":1}").malformed.at(0).first, "not a JSON array");
    EXPECT_EQ(split("").malformed.at(0).first, "empty file: expected a JSON array");
    EXPECT_EQ(split("[{\"a\":1}").malformed.at(0).first, "the array is not closed (truncated file?)");
    auto trailing = split("[{\"a\":1}]\n]x");
    EXPECT_EQ(trailing.elements.size(), 1u);
    EXPECT_EQ(trailing.malformed.at(0).second, 2);
    // unbalanced brackets inside an element are caught by the well-formedness check, not the splitter
    simdjson::dom::parser parser;
    simdjson::padded_string bad(std::string_view("{\"a\":[}"));
    EXPECT_FALSE(check_json_object(parser, std::string_view(bad)).empty());
    simdjson::padded_string good(std::string_view("{\"a\":[1]}"));
    EXPECT_TRUE(check_json_object(parser, std::string_view(good)).empty());
    simdjson::padded_string scalar(std::string_view("42"));
    EXPECT_EQ(check_json_object(parser, std::string_view(scalar)), "not a JSON object");
}

TEST(DimsProduct, ParsesAValidProductWithExactPrice) {
    ProductParser parser;
    ProductRecord p;
    EXPECT_FALSE(parser.parse(product(R"("price":89.90)"), dec_15, p));
    EXPECT_EQ(p.product_id, "P1");
    EXPECT_EQ(p.price_cents, 8990);
    EXPECT_TRUE(p.active);
    EXPECT_TRUE(p.has_brand);
    EXPECT_EQ(p.updated_at, *parse_rfc3339("2025-12-15T00:00:00Z"));
    // 0.1 + 0.2 style values stay exact, and escaped text is unescaped
    EXPECT_FALSE(parser.parse(R"({"product_id":"P\u00e9","name":"a\"b","category":"c","price":0.30,"active":false,)"
                              R"("updated_at":"2025-12-14T00:00:00Z","brand":null})",
                              dec_15, p));
    EXPECT_EQ(p.product_id, "P\xC3\xA9");
    EXPECT_EQ(p.name, "a\"b");
    EXPECT_EQ(p.price_cents, 30);
    EXPECT_FALSE(p.has_brand);
    EXPECT_FALSE(p.active);
}

TEST(DimsProduct, ReasonsComeInTheSpecOrder) {
    ProductParser parser;
    ProductRecord p;
    auto reason = [&](const std::string& json) {
        auto issue = parser.parse(json, dec_15, p);
        return issue ? std::string(name_of(issue->reason)) + ": " + issue->detail : std::string("ok");
    };
    EXPECT_EQ(reason("{\"product_id\":\"P\xFF\"}"), "invalid_utf8: the record is not valid UTF-8");
    EXPECT_EQ(reason("[1,2]").substr(0, 10), "malformed:");
    EXPECT_EQ(reason(product("")).substr(0, 10), "malformed:");  // trailing comma
    EXPECT_EQ(reason(R"({"product_id":"P1","price":"x"})"), "missing_field: missing field \"name\"");
    EXPECT_EQ(reason(product(R"("price":null)")), "missing_field: missing field \"price\"");
    EXPECT_EQ(reason(product(R"("price":"9.99")")).substr(0, 14), "invalid_value:");
    EXPECT_EQ(reason(product(R"("price":-1)")).substr(0, 14), "invalid_value:");
    EXPECT_EQ(reason(product(R"("price":1.999)")).substr(0, 14), "invalid_value:");
    EXPECT_EQ(reason(product(R"("price":1, "product_id":"")")), "invalid_value: \"product_id\" must be a non-empty string");
    EXPECT_EQ(reason(product(R"("price":1, "active":"yes")")), "invalid_value: \"active\" must be true or false");
    EXPECT_EQ(reason(product(R"("price":1, "brand":3)")), "invalid_value: \"brand\" must be a string");
    EXPECT_EQ(reason(product(R"("price":1, "updated_at":"2025-12-17T00:00:00Z")")).substr(0, 17), "future_timestamp:");
    EXPECT_EQ(reason(product(R"("price":1, "updated_at":"2025-12-16T01:00:00Z")")), "ok");  // end of day + 1 h
    EXPECT_EQ(reason(product(R"("price":1, "updated_at":"yesterday")")).substr(0, 14), "invalid_value:");
    EXPECT_EQ(reason(product(R"("price":1, "extra":{"nested":[1,2]})")), "ok");
}

TEST(DimsCustomer, UpsertKeepsPersonalFieldsApartAndDeleteNeedsOnlyWhoAndWhen) {
    CustomerParser parser;
    CustomerChange c;
    auto issue = parser.parse(
        R"({"op":"upsert","user_id":"U0000123","email":"ana.diaz@example.com","first_name":"Ana","last_name":"Diaz",)"
        R"("phone":"+1-408-555-0134","segment":"premium","country":"US","region":"CA","city":"San Jose",)"
        R"("signup_ts":"2024-03-02T18:00:00Z","marketing_opt_in":true,"updated_at":"2025-12-13T08:00:00Z"})",
        dec_15, c);
    ASSERT_FALSE(issue) << issue->detail;
    EXPECT_FALSE(c.is_delete);
    EXPECT_EQ(c.user_id, "U0000123");
    EXPECT_EQ(c.segment, "premium");
    EXPECT_EQ(c.text[CustomerChange::email], "ana.diaz@example.com");
    EXPECT_EQ(c.text[CustomerChange::city], "San Jose");
    EXPECT_TRUE(c.has_text[CustomerChange::phone]);
    EXPECT_EQ(c.marketing_opt_in, true);
    EXPECT_EQ(c.signup_ts, parse_rfc3339("2024-03-02T18:00:00Z"));

    ASSERT_FALSE(parser.parse(R"({"op":"delete","user_id":"U1","updated_at":"2025-12-13T08:00:00Z","segment":"x"})",
                              dec_15, c));
    EXPECT_TRUE(c.is_delete);
    EXPECT_FALSE(c.has_text[CustomerChange::email]) << "nothing left over from the previous record";
    EXPECT_FALSE(c.signup_ts);
}

TEST(DimsCustomer, ReasonsComeInTheSpecOrder) {
    CustomerParser parser;
    CustomerChange c;
    auto reason = [&](const std::string& json) {
        auto issue = parser.parse(json, dec_15, c);
        return issue ? std::string(name_of(issue->reason)) : std::string("ok");
    };
    const std::string base = R"({"op":"upsert","user_id":"U1","segment":"consumer","country":"US",)";
    EXPECT_EQ(reason(base + "\"city\":\"S\xE3o\",\"updated_at\":\"2025-12-13T08:00:00Z\"}"), "invalid_utf8");
    EXPECT_EQ(reason(base + "\"updated_at\":\"2025-12-13T08:00:00Z\""), "malformed");
    EXPECT_EQ(reason("not json"), "malformed");
    EXPECT_EQ(reason(R"({"op":"upsert","user_id":"U1","updated_at":"2025-12-13T08:00:00Z"})"), "missing_field");
    EXPECT_EQ(reason(R"({"op":"upsert","segment":"vip"})"), "missing_field");  // missing before invalid
    EXPECT_EQ(reason(base + R"("updated_at":"2025-12-13T08:00:00Z","segment":"vip"})"), "invalid_value");
    EXPECT_EQ(reason(base + R"("updated_at":"2025-12-13T08:00:00Z","country":"usa"})"), "invalid_value");
    EXPECT_EQ(reason(base + R"("updated_at":"2025-12-13T08:00:00Z","email":42})"), "invalid_value");
    EXPECT_EQ(reason(base + R"("updated_at":"2025-12-13T08:00:00Z","marketing_opt_in":"yes"})"), "invalid_value");
    EXPECT_EQ(reason(R"({"op":"merge","user_id":"U1","updated_at":"2025-12-13T08:00:00Z"})"), "invalid_value");
    EXPECT_EQ(reason(R"({"op":"delete","user_id":"","updated_at":"2025-12-13T08:00:00Z"})"), "invalid_value");
    EXPECT_EQ(reason(base + R"("updated_at":"2025-12-18T08:00:00Z"})"), "future_timestamp");
    EXPECT_EQ(reason(base + R"("updated_at":"2025-12-13T08:00:00Z","signup_ts":"2027-01-01T00:00:00Z"})"),
              "future_timestamp");
    EXPECT_EQ(reason(base + R"("updated_at":"2025-12-13T10:00:00+02:00","email":null})"), "ok");
}

TEST(DimsCustomer, GarbageNeverCrashes) {
    CustomerParser cp;
    ProductParser pp;
    CustomerChange c;
    ProductRecord p;
    const std::vector<std::string> inputs = {
        "", "{", "}", "[", "\"", "{\"op\":", "{\"op\":\"upsert\"", "{\"a\":[[[[[[[[[[", "nul", "tru",
        "{\"op\":\"\\u12\"}", "{\"op\":\"x\"}}}}", std::string("{\"op\":\"\0\"}", 10), "\xEF\xBB\xBF{}",
        "{\"price\":1e999999}", "{\"price\":-}", "{\"user_id\":\"\\ud800\"}", std::string(5000, '['),
    };
    for (const auto& in : inputs) {
        EXPECT_TRUE(cp.parse(in, dec_15, c).has_value()) << in;
        EXPECT_TRUE(pp.parse(in, dec_15, p).has_value()) << in;
        split(in);
    }
}

}  // namespace ecomm
