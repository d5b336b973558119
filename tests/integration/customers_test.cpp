// Customers chain: extract_customers -> transform_customers -> load_dim_customer against a real PostgreSQL.
// Personal data must reach private.customer_pii only; the dimension is keyed by the pseudonymous user key.
#include <filesystem>
#include <string>
#include <vector>

#include "harness.hpp"

namespace ecomm::testing {

namespace {

struct Change {
    std::string user = "U1", segment = "consumer", city = "San Jose", email = "ana@example.com",
                phone = "+1-408-555-0134", updated_at = "2025-12-01T08:00:00Z", op = "upsert", region = "CA";
};

std::string line(const Change& c) {
    if (c.op == "delete")
        return R"({"op":"delete","user_id":")" + c.user + R"(","updated_at":")" + c.updated_at + "\"}";
    return R"({"op":"upsert","user_id":")" + c.user + R"(","email":")" + c.email +
           R"(","first_name":"Ana","last_name":"Diaz","phone":")" + c.phone + R"(","segment":")" + c.segment +
           R"(","country":"US","region":")" + c.region + R"(","city":")" + c.city +
           R"(","signup_ts":"2024-03-02T18:00:00Z","marketing_opt_in":true,"updated_at":")" + c.updated_at + "\"}";
}

constexpr const char* dim_without_keys =
    "select user_key, segment, country, region, signup_ts, marketing_opt_in, valid_from, valid_to, is_current, "
    "is_inferred, is_deleted from warehouse.dim_customer";

}  // namespace

class CustomersTest : public WarehouseTest {
protected:
    void drop(const std::string& date, const std::string& file, const std::vector<std::string>& lines) {
        std::string text;
        for (const auto& l : lines) text += l + "\n";
        write_file(data_dir_ + "/incoming/customers/" + date + "/" + file, text);
        touch_success(data_dir_ + "/incoming/customers/" + date);
    }
    void load(const std::string& date) {
        run_ok("extract_customers", {"--date", date});
        run_ok("transform_customers", {"--date", date});
        run_ok("load_dim_customer", {"--date", date});
    }
    std::string key(const std::string& user) { return scalar("select private.user_key('" + user + "')"); }
    // U1: segment change on the 2nd, email/phone change on the 3rd, city change on the 4th, deleted on the 5th;
    // U2: one version
    void write_four_days() {
        drop("2025-12-01", "c.json", {line({}), line({.user = "U2", .segment = "business"})});
        drop("2025-12-02", "c.json", {line({.segment = "premium", .updated_at = "2025-12-02T09:30:00Z"})});
        drop("2025-12-03", "c.json",
             {line({.segment = "premium", .email = "ana.diaz@example.org", .phone = "+1-408-555-9999",
                    .updated_at = "2025-12-03T10:00:00Z"})});
        drop("2025-12-04", "c.json",
             {line({.segment = "premium", .city = "Fresno", .email = "ana.diaz@example.org",
                    .phone = "+1-408-555-9999", .updated_at = "2025-12-04T10:00:00Z"})});
        drop("2025-12-05", "c.json", {line({.updated_at = "2025-12-05T11:00:00Z", .op = "delete"})});
    }
    void reset_customers() {
        db().exec("truncate raw.customers, staging.customers_changes, private.customer_pii");
        db().exec("truncate warehouse.dim_customer restart identity");
    }
};

TEST_F(CustomersTest, SegmentChangeMakesANewVersionAtTheChangeTime) {
    write_four_days();
    load("2025-12-01");
    load("2025-12-02");
    EXPECT_EQ(dump("select segment, valid_from::text, valid_to::text, is_current::text from warehouse.dim_customer "
                   "where user_key = '" + key("U1") + "'"),
              "consumer|-infinity|2025-12-02 09:30:00+00|false\n"
              "premium|2025-12-02 09:30:00+00|infinity|true\n");
}

TEST_F(CustomersTest, EmailAndPhoneChangesUpdatePrivateDataOnlyWithoutANewVersion) {
    write_four_days();
    for (auto d : {"2025-12-01", "2025-12-02", "2025-12-03"}) load(d);
    EXPECT_EQ(count("select count(*) from warehouse.dim_customer where user_key = '" + key("U1") + "'"), 2);
    EXPECT_EQ(scalar("select email || ' ' || phone || ' ' || user_key from private.customer_pii where user_id = 'U1'"),
              "ana.diaz@example.org +1-408-555-9999 " + key("U1"));
    // an older change loaded again later does not win over the newer one
    load("2025-12-01");
    EXPECT_EQ(scalar("select email from private.customer_pii where user_id = 'U1'"), "ana.diaz@example.org");
}

TEST_F(CustomersTest, CityChangeMakesAVersionButTheCityStaysPrivate) {
    write_four_days();
    for (auto d : {"2025-12-01", "2025-12-02", "2025-12-03", "2025-12-04"}) load(d);
    EXPECT_EQ(dump("select segment, region, valid_from::text, valid_to::text from warehouse.dim_customer "
                   "where user_key = '" + key("U1") + "'"),
              "consumer|CA|-infinity|2025-12-02 09:30:00+00\n"
              "premium|CA|2025-12-02 09:30:00+00|2025-12-04 10:00:00+00\n"
              "premium|CA|2025-12-04 10:00:00+00|infinity\n");
    EXPECT_EQ(scalar("select city from private.customer_pii where user_id = 'U1'"), "Fresno");
}

TEST_F(CustomersTest, DeleteClosesTheCurrentVersionAndKeepsPersonalData) {
    write_four_days();
    for (auto d : {"2025-12-01", "2025-12-02", "2025-12-03", "2025-12-04", "2025-12-05"}) load(d);
    EXPECT_EQ(count("select count(*) from warehouse.dim_customer where user_key = '" + key("U1") + "' and is_current"), 0);
    EXPECT_EQ(scalar("select valid_to::text || ' ' || is_deleted::text from warehouse.dim_customer where user_key = '" +
                     key("U1") + "' order by valid_from desc limit 1"),
              "2025-12-05 11:00:00+00 true");
    EXPECT_EQ(count("select count(*) from warehouse.dim_customer where is_deleted"), 1);
    EXPECT_EQ(count("select count(*) from private.customer_pii where user_id = 'U1'"), 1);
    // an account re-opened later gets a new version
    drop("2025-12-06", "c.json", {line({.segment = "business", .updated_at = "2025-12-06T00:00:00Z"})});
    load("2025-12-06");
    EXPECT_EQ(scalar("select segment || ' ' || valid_from::text from warehouse.dim_customer where user_key = '" +
                     key("U1") + "' and is_current"),
              "business 2025-12-06 00:00:00+00");
}

TEST_F(CustomersTest, NoPersonalDataOutsidePrivate) {
    write_four_days();
    for (auto d : {"2025-12-01", "2025-12-02", "2025-12-03", "2025-12-04"}) load(d);
    EXPECT_EQ(count("select count(*) from information_schema.columns where table_schema = 'warehouse' and "
                    "table_name = 'dim_customer' and column_name in ('user_id', 'email', 'first_name', 'last_name', "
                    "'phone', 'city', 'postal_code')"),
              0);
    for (const char* value : {"ana@example.com", "ana.diaz@example.org", "Diaz", "555-0134", "Fresno", "San Jose"}) {
        const std::string like = std::string("'%") + value + "%'";
        EXPECT_EQ(count("select count(*) from warehouse.dim_customer d where d::text like " + like), 0) << value;
        EXPECT_EQ(count("select count(*) from staging.customers_changes c where c::text like " + like), 0) << value;
    }
    EXPECT_EQ(count("select count(*) from staging.customers_changes where user_key like 'U%'"), 0);
    EXPECT_EQ(scalar("select has_schema_privilege('ecomm_analyst', 'private', 'usage')::text"), "false");
    EXPECT_EQ(scalar("select has_table_privilege('ecomm_analyst', 'warehouse.dim_customer', 'select')::text"), "true");
    EXPECT_EQ(scalar("select has_table_privilege('ecomm_privileged', 'private.customer_pii', 'select')::text"), "true");
}

TEST_F(CustomersTest, UserKeyAndDimensionAreTheSameAcrossReloads) {
    write_four_days();
    for (auto d : {"2025-12-01", "2025-12-02", "2025-12-03", "2025-12-04", "2025-12-05"}) load(d);
    const std::string k = key("U1");
    EXPECT_EQ(k.size(), 32u);
    EXPECT_EQ(scalar("select private.user_key('')"), "<null>");
    const std::string all = dump("select * from warehouse.dim_customer"),
                      pii = dump("select * from private.customer_pii"),
                      staged = dump("select * from staging.customers_changes");
    for (auto d : {"2025-12-03", "2025-12-01", "2025-12-05", "2025-12-02", "2025-12-04"}) load(d);
    EXPECT_EQ(key("U1"), k);
    EXPECT_EQ(dump("select * from warehouse.dim_customer"), all);
    EXPECT_EQ(dump("select * from private.customer_pii"), pii);
    EXPECT_EQ(dump("select * from staging.customers_changes"), staged);
}

TEST_F(CustomersTest, ReversedAndShuffledLoadsGiveTheSameDimension) {
    write_four_days();
    const std::vector<std::string> days = {"2025-12-01", "2025-12-02", "2025-12-03", "2025-12-04", "2025-12-05"};
    for (const auto& d : days) load(d);
    const std::string in_order = dump(dim_without_keys), pii = dump("select * from private.customer_pii");
    EXPECT_EQ(count("select count(*) from warehouse.dim_customer"), 4);

    reset_customers();
    for (auto it = days.rbegin(); it != days.rend(); ++it) load(*it);
    EXPECT_EQ(dump(dim_without_keys), in_order) << "reversed";
    EXPECT_EQ(dump("select * from private.customer_pii"), pii) << "reversed";

    reset_customers();
    for (auto d : {"2025-12-04", "2025-12-01", "2025-12-05", "2025-12-03", "2025-12-02", "2025-12-04"}) load(d);
    EXPECT_EQ(dump(dim_without_keys), in_order) << "shuffled, one reloaded";
    EXPECT_EQ(dump("select * from private.customer_pii"), pii) << "shuffled, one reloaded";
}

TEST_F(CustomersTest, InferredCustomerIsCompletedKeepingItsKeyAndFactsFollowVersions) {
    const std::string k = key("U7");
    EXPECT_EQ(count("select warehouse.ensure_inferred_customers(array['" + k + "', '" + k + "', null, ''])"), 1);
    const std::string ck = scalar("select warehouse.resolve_customer_key('" + k + "', '2025-12-10')");
    EXPECT_EQ(scalar("select is_inferred::text || ' ' || valid_from::text from warehouse.dim_customer"),
              "true -infinity");
    db().exec("select warehouse.ensure_month_partitions('warehouse.fact_orders', '2025-12-01', '2025-12-31')");
    db().exec("insert into warehouse.fact_orders (order_id, order_date, date_key, order_ts, updated_at, customer_key, "
              "user_key, status, is_cancelled_or_refunded, channel, currency, payment_method, payment_amount, revenue, "
              "units, line_count, ship_country, ship_region, load_date) values ('O1', '2025-12-10', 20251210, "
              "'2025-12-10 10:00+00', '2025-12-10 10:00+00', " + ck + ", '" + k + "', 'placed', false, 'web', 'USD', "
              "'paypal', 1, 1, 1, 1, 'US', 'CA', '2025-12-10')");
    drop("2025-12-01", "c.json", {line({.user = "U7"})});
    drop("2025-12-05", "c.json", {line({.user = "U7", .segment = "premium", .updated_at = "2025-12-05T00:00:00Z"})});
    load("2025-12-05");
    load("2025-12-01");
    EXPECT_EQ(scalar("select customer_key from warehouse.dim_customer where valid_from = '-infinity'"), ck);
    EXPECT_EQ(count("select count(*) from warehouse.dim_customer where is_inferred"), 0);
    EXPECT_EQ(scalar("select d.segment from warehouse.fact_orders f join warehouse.dim_customer d using (customer_key)"),
              "premium");
    // the fact moved to another version, but no mart reads a customer's version: no order date is queued
    EXPECT_EQ(count("select count(*) from warehouse.mart_refresh_queue"), 0);
}

TEST_F(CustomersTest, NoDropSkipsExtractAndTransformButTheDimensionLoadRuns) {
    std::filesystem::create_directories(data_dir_ + "/incoming/customers");
    run_ok("extract_customers", {"--date", "2025-12-02"}, 99);
    run_ok("transform_customers", {"--date", "2025-12-02"}, 99);
    run_ok("load_dim_customer", {"--date", "2025-12-02"}, 0);
}

TEST_F(CustomersTest, BadLinesAreQuarantinedWithFileLineAndTextAndNeverCrash) {
    const std::string bad_utf8 = "{\"op\":\"upsert\",\"user_id\":\"U3\",\"first_name\":\"Jos\xE9\"}";
    drop("2025-12-01", "a.json",
         {line({}),
          "{\"op\":\"upsert\",\"user_id\":\"U2\",",  // cut
          bad_utf8,
          "",
          R"({"op":"upsert","user_id":"U4","segment":"consumer","updated_at":"2025-12-01T00:00:00Z"})",
          line({.user = "U5", .segment = "vip"}),
          line({.user = "U6", .updated_at = "2026-01-01T00:00:00Z"}),
          R"({"op":"merge","user_id":"U8","updated_at":"2025-12-01T00:00:00Z"})",
          R"({"op":"delete","user_id":"U9","updated_at":"2025-12-01T00:00:00Z"})",
          "[1, 2]",
          "{} {}"});
    load("2025-12-01");
    EXPECT_EQ(dump("select source_file, line_no::text, stage || ' ' || reason from audit.bad_records"),
              "customers/2025-12-01/a.json|10|extract malformed\n"
              "customers/2025-12-01/a.json|11|extract malformed\n"
              "customers/2025-12-01/a.json|2|extract malformed\n"
              "customers/2025-12-01/a.json|3|extract invalid_utf8\n"
              "customers/2025-12-01/a.json|5|transform missing_field\n"
              "customers/2025-12-01/a.json|6|transform invalid_value\n"
              "customers/2025-12-01/a.json|7|transform future_timestamp\n"
              "customers/2025-12-01/a.json|8|transform invalid_value\n");
    EXPECT_EQ(scalar("select record from audit.bad_records where reason = 'invalid_utf8'"),
              "{\"op\":\"upsert\",\"user_id\":\"U3\",\"first_name\":\"Jos\\xE9\"}");
    EXPECT_EQ(scalar("select detail from audit.bad_records where line_no = 5"), "missing field \"country\" in an upsert");
    EXPECT_EQ(count("select count(*) from staging.customers_changes"), 2);  // U1 upsert, U9 delete
    EXPECT_EQ(count("select count(*) from warehouse.dim_customer"), 1);
}

TEST_F(CustomersTest, GeneratedFeedsMatchTheOracleInAnyLoadOrder) {
    run_ok("generate_data", {"--out", data_dir_, "--start", "2025-12-01", "--days", "10", "--products", "130",
                             "--customers", "400", "--orders-per-day", "10", "--events-per-day", "10"});
    std::vector<std::string> days;
    for (int d = 1; d <= 10; ++d) days.push_back("2025-12-" + std::string(d < 10 ? "0" : "") + std::to_string(d));
    for (const auto& d : days) load(d);

    load_csv("expected_versions", data_dir_ + "/expected/customer_versions.csv");
    const std::string expected =
        "select private.user_key(user_id), case when version = '1' then '-infinity'::timestamptz "
        "else valid_from::timestamptz end, segment, country, region, is_current::boolean, is_deleted::boolean "
        "from expected_versions";
    const std::string actual = "select user_key, valid_from, segment, country, region, is_current, is_deleted "
                               "from warehouse.dim_customer";
    EXPECT_GT(count("select count(*) from expected_versions"), 400);
    EXPECT_GT(count("select count(*) from expected_versions where is_deleted = 'true'"), 0);
    EXPECT_EQ(diff(expected, actual), "");
    // personal data: the last version's city
    EXPECT_EQ(diff("select distinct on (user_id) user_id, city from expected_versions "
                   "order by user_id, version::int desc",
                   "select user_id, city from private.customer_pii"),
              "");
    load_csv("expected_quarantine", data_dir_ + "/expected/quarantine.csv");
    EXPECT_EQ(diff("select load_date::date, reason, count::bigint from expected_quarantine where feed = 'customers'",
                   "select load_date, reason, count(*) from audit.bad_records where feed = 'customers' group by 1, 2"),
              "");

    const std::string in_order = dump(dim_without_keys), pii = dump("select * from private.customer_pii");
    reset_customers();
    for (auto it = days.rbegin(); it != days.rend(); ++it) load(*it);
    EXPECT_EQ(dump(dim_without_keys), in_order) << "reversed";
    EXPECT_EQ(dump("select * from private.customer_pii"), pii) << "reversed";
}

}  // namespace ecomm::testing
