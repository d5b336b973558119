// Order parsing without a database: the typed order, and each rule's reason and detail in the contract's order,
// whatever the order of the fields.
#include <gtest/gtest.h>

#include <string>

#include "common/timeutil.hpp"
#include "order_record.hpp"

namespace ecomm {
namespace {

const int64_t dec_13 = *parse_date("2025-12-13");

const std::string items = R"("items":[{"product_id":"P1","quantity":2,"unit_price":19.99,"discount":1.00},)"
                          R"({"product_id":"P2","quantity":1,"unit_price":5}])";
const std::string payment = R"("payment":{"method":"paypal","amount":43.98})";
const std::string shipping = R"("shipping":{"country":"US","region":"TX","city":"Austin","postal_code":null})";

// An order with `head` as its first fields (any of order_id ... channel given there replaces the default).
std::string order(const std::string& head, const std::string& tail = items + "," + payment + "," + shipping) {
    std::string json = "{" + head;
    for (auto [key, value] : {std::pair{"order_id", R"("ORD-1")"}, {"user_id", R"("U1")"},
                              {"order_ts", R"("2025-12-13T09:00:00Z")"}, {"updated_at", R"("2025-12-13T09:00:00Z")"},
                              {"status", R"("paid")"}, {"currency", R"("USD")"}, {"channel", R"("web")"}})
        if (head.find("\"" + std::string(key) + "\"") == std::string::npos)
            json += (json.size() > 1 ? "," : "") + ("\"" + std::string(key) + "\":") + value;
    return json + "," + tail + "}";
}

class OrdersParse : public ::testing::Test {
protected:
    simdjson::ondemand::parser parser;
    Order out;
    std::string problem(const std::string& json) {
        std::string padded = json;
        padded.reserve(json.size() + simdjson::SIMDJSON_PADDING);
        auto p = parse_order(parser, padded, padded.capacity(), dec_13, out);
        return p ? std::string(name_of(p->reason)) + ": " + p->detail : "ok";
    }
};

TEST_F(OrdersParse, AValidOrderIsTypedWithExactAmounts) {
    ASSERT_EQ(problem(order("")), "ok");
    EXPECT_EQ(out.order_id, "ORD-1");
    EXPECT_EQ(out.order_ts, *parse_rfc3339("2025-12-13T09:00:00Z"));
    EXPECT_EQ(out.payment_method, "paypal");
    EXPECT_EQ(out.payment_cents, 4398);
    EXPECT_EQ(out.ship_country, "US");
    EXPECT_EQ(out.ship_city, "Austin");
    EXPECT_FALSE(out.ship_postal_code);
    ASSERT_EQ(out.lines.size(), 2u);
    EXPECT_EQ(out.lines[0].product_id, "P1");
    EXPECT_EQ(out.lines[0].revenue_cents(), 3898);
    EXPECT_EQ(out.lines[1].discount_cents, 0);
    EXPECT_EQ(out.revenue_cents(), 4398);
    // nested objects first, an escaped key, an unknown field with nested values: the same order
    ASSERT_EQ(problem("{" + shipping + "," + payment + R"(,"x":{"items":[1]},"order\u005fid":"ORD-2","user_id":"U1",)"
                      R"("order_ts":"2025-12-13T09:00:00Z","updated_at":"2025-12-13T09:00:00Z","status":"paid",)"
                      R"("currency":"USD","channel":"web",)" + items + "}"),
              "ok");
    EXPECT_EQ(out.order_id, "ORD-2");
    EXPECT_EQ(out.lines.size(), 2u);
}

TEST_F(OrdersParse, MalformedRecordsKeepTheirDetails) {
    EXPECT_EQ(problem(order("").insert(1, ",")), "malformed: not valid JSON: The JSON document has an improper "
                                                "structure: missing or superfluous commas, braces, missing keys, etc.");
    EXPECT_EQ(problem("[1]"), "malformed: record is not a JSON object");
    EXPECT_EQ(problem(""), "malformed: not valid JSON: Empty: no JSON found");
    EXPECT_EQ(problem(R"({"order_id":"ORD-1)"), "malformed: not valid JSON: A string is opened, but never closed.");
}

TEST_F(OrdersParse, ReasonsComeInTheContractsOrder) {
    // missing before currency before invalid values before future timestamps, wherever the fields are
    EXPECT_EQ(problem(order(R"("currency":"EUR","status":"lost","order_ts":null)")),
              "missing_field: missing field \"order_ts\"");
    EXPECT_EQ(problem(order(R"("currency":"EUR","status":"lost")")),
              "unsupported_currency: unsupported currency \"EUR\" (only USD is accepted)");
    EXPECT_EQ(problem(order(R"("status":"lost","order_ts":"2025-12-20T00:00:00Z")")),
              "invalid_value: invalid value for \"status\": \"lost\" is not one of placed paid shipped delivered "
              "cancelled refunded");
    EXPECT_EQ(problem(order(R"("order_ts":"2025-12-14T01:00:01Z")")),
              "future_timestamp: order_ts 2025-12-14T01:00:01Z is after the end of load date 2025-12-13 plus one hour");
    EXPECT_EQ(problem(order(R"("order_ts":"2025-12-14T01:00:00Z")")), "ok");
}

TEST_F(OrdersParse, NestedFieldsAreNamedByTheirPath) {
    EXPECT_EQ(problem(order("", payment + "," + shipping)), "missing_field: missing field \"items\"");
    EXPECT_EQ(problem(order("", R"("items":{},)" + payment + "," + shipping)),
              "invalid_value: invalid value for \"items\": expected an array");
    EXPECT_EQ(problem(order("", R"("items":[],)" + payment + "," + shipping)),
              "invalid_value: invalid value for \"items\": an order needs at least one line");
    EXPECT_EQ(problem(order("", R"("items":[{"product_id":"P1","quantity":1,"unit_price":1},7],)" + payment + "," +
                                    shipping)),
              "invalid_value: invalid value for \"items[1]\": expected an object");
    EXPECT_EQ(problem(order("", R"("items":[{"product_id":"P1","quantity":1,"unit_price":1},{"product_id":"P2",)"
                                R"("unit_price":1}],)" + payment + "," + shipping)),
              "missing_field: missing field \"items[1].quantity\"");
    EXPECT_EQ(problem(order("", R"("items":[{"product_id":"P1","quantity":1.5,"unit_price":1}],)" + payment + "," +
                                    shipping)),
              "invalid_value: invalid value for \"items[0].quantity\": \"1.5\" is not an integer >= 1");
    EXPECT_EQ(problem(order("", R"("items":[{"product_id":"P1","quantity":1,"unit_price":1,"discount":"0"}],)" +
                                    payment + "," + shipping)),
              "invalid_value: invalid value for \"items[0].discount\": expected a number");
    EXPECT_EQ(problem(order("", items + R"(,"payment":[],)" + shipping)),
              "invalid_value: invalid value for \"payment\": expected an object");
    EXPECT_EQ(problem(order("", items + R"(,"payment":{"method":"paypal"},)" + shipping)),
              "missing_field: missing field \"payment.amount\"");
    EXPECT_EQ(problem(order("", items + "," + payment + R"(,"shipping":{"country":"US","city":5})")),
              "invalid_value: invalid value for \"shipping.city\": expected a string");
    EXPECT_EQ(problem(order("", items + "," + payment + R"(,"shipping":{"country":"usa"})")),
              "invalid_value: invalid value for \"shipping.country\": \"usa\" is not two upper-case letters");
}

}  // namespace
}  // namespace ecomm
