// Products chain: extract_products -> transform_products -> load_dim_product against a real PostgreSQL.
// Snapshots are hand-written so every expected version is known exactly.
#include <filesystem>
#include <string>
#include <vector>

#include "harness.hpp"

namespace ecomm::testing {

namespace {

std::string product(const std::string& id, const std::string& price, const std::string& category = "Shoes",
                    const std::string& name = "", const std::string& active = "true") {
    return R"({"product_id":")" + id + R"(","name":")" + (name.empty() ? "Name " + id : name) +
           R"(","category":")" + category + R"(","subcategory":"Running","brand":"Acme","price":)" + price +
           R"(,"supplier_id":"S1","active":)" + active + R"(,"updated_at":"2025-12-01T00:00:00Z"})";
}

std::string array_of(const std::vector<std::string>& elements) {
    std::string s = "[\n";
    for (size_t i = 0; i < elements.size(); ++i) s += "  " + elements[i] + (i + 1 < elements.size() ? ",\n" : "\n");
    return s + "]\n";
}

// every column but the surrogate key: what must not depend on the load order
constexpr const char* dim_without_keys =
    "select product_id, name, category, subcategory, brand, price, supplier_id, active, valid_from, valid_to, "
    "is_current, is_inferred from warehouse.dim_product";

}  // namespace

class ProductsTest : public WarehouseTest {
protected:
    void drop(const std::string& date, const std::string& file, const std::string& text) {
        write_file(data_dir_ + "/incoming/products/" + date + "/" + file, text);
        touch_success(data_dir_ + "/incoming/products/" + date);
    }
    void load(const std::string& date) {
        run_ok("extract_products", {"--date", date});
        run_ok("transform_products", {"--date", date});
        run_ok("load_dim_product", {"--date", date});
    }
    // three weekly snapshots: P1 price change on the 8th, P2 category change on the 15th, P3 gone on the 15th
    void write_three_snapshots() {
        drop("2025-12-01", "part-1.json", array_of({product("P1", "10.00"), product("P2", "5.50")}));
        drop("2025-12-01", "part-2.json", array_of({product("P3", "1")}));
        drop("2025-12-08", "snapshot.json",
             array_of({product("P1", "12.00", "Shoes", "Renamed"), product("P2", "5.5"), product("P3", "1.00")}));
        drop("2025-12-15", "snapshot.json",
             array_of({product("P1", "12.00", "Shoes", "Renamed"), product("P2", "5.50", "Boots")}));
    }
    void reset_products() {
        db().exec("truncate raw.products, staging.products_snapshot");
        db().exec("truncate warehouse.dim_product restart identity");
    }
};

TEST_F(ProductsTest, PriceChangeMakesTwoVersionsWithTheBoundaryAtTheSnapshotDate) {
    write_three_snapshots();
    for (auto d : {"2025-12-01", "2025-12-08", "2025-12-15"}) load(d);
    EXPECT_EQ(dump("select product_id, price::text, name, valid_from::text, valid_to::text, is_current::text, "
                   "is_inferred::text from warehouse.dim_product where product_id = 'P1'"),
              "P1|10.00|Name P1|-infinity|2025-12-08 00:00:00+00|false|false\n"
              "P1|12.00|Renamed|2025-12-08 00:00:00+00|infinity|true|false\n");
    // a key per version, resolved by time
    EXPECT_EQ(scalar("select price from warehouse.dim_product where product_key = "
                     "warehouse.product_key_at('P1', '2025-12-07 23:59:59+00')"),
              "10.00");
    EXPECT_EQ(scalar("select price from warehouse.dim_product where product_key = "
                     "warehouse.product_key_at('P1', '2025-12-08 00:00:00+00')"),
              "12.00");
    EXPECT_EQ(scalar("select price from warehouse.dim_product where product_key = "
                     "warehouse.product_key_at('P1', '2020-01-01')"),
              "10.00")
        << "facts before the first snapshot resolve to the first version";
}

TEST_F(ProductsTest, CategoryChangeMakesANewVersionAndEqualPriceTextDoesNot) {
    write_three_snapshots();
    for (auto d : {"2025-12-01", "2025-12-08", "2025-12-15"}) load(d);
    // 5.50 and 5.5 are the same price: no version on the 8th; Boots on the 15th is a new version
    EXPECT_EQ(dump("select product_id, category, price::text, valid_from::text, valid_to::text, is_current::text "
                   "from warehouse.dim_product where product_id = 'P2'"),
              "P2|Boots|5.50|2025-12-15 00:00:00+00|infinity|true\n"
              "P2|Shoes|5.50|-infinity|2025-12-15 00:00:00+00|false\n");
}

TEST_F(ProductsTest, ProductMissingFromALaterSnapshotIsClosedWithItsHistoryKept) {
    write_three_snapshots();
    for (auto d : {"2025-12-01", "2025-12-08", "2025-12-15"}) load(d);
    EXPECT_EQ(dump("select product_id, valid_from::text, valid_to::text, is_current::text from warehouse.dim_product "
                   "where product_id = 'P3'"),
              "P3|-infinity|2025-12-15 00:00:00+00|false\n");
    EXPECT_EQ(count("select count(*) from warehouse.dim_product where is_current"), 2);
    // a fact after the closure still resolves to the last version
    EXPECT_NE(scalar("select warehouse.product_key_at('P3', '2026-01-01')"), "<null>");
}

TEST_F(ProductsTest, SnapshotSplitOverTwoFilesLoadsWholeWithLineage) {
    write_three_snapshots();
    load("2025-12-01");
    EXPECT_EQ(dump("select source_file, line_no::text, record from raw.products"),
              "products/2025-12-01/part-1.json|2|" + product("P1", "10.00") + "\n" +
                  "products/2025-12-01/part-1.json|3|" + product("P2", "5.50") + "\n" +
                  "products/2025-12-01/part-2.json|2|" + product("P3", "1") + "\n");
    EXPECT_EQ(count("select count(*) from staging.products_snapshot where snapshot_date = '2025-12-01'"), 3);
    EXPECT_EQ(count("select count(*) from warehouse.dim_product where is_current"), 3);
}

TEST_F(ProductsTest, LateProductCompletesItsInferredMemberAndKeepsItsKey) {
    // a fact loader met P9 before any snapshot listed it
    EXPECT_EQ(count("select warehouse.ensure_inferred_products(array['P9', 'P9', ''])"), 1);
    EXPECT_EQ(count("select warehouse.ensure_inferred_products(array['P9'])"), 0);
    const std::string key = scalar("select warehouse.resolve_product_key('P9', '2025-12-20')");
    EXPECT_EQ(scalar("select category || ' ' || is_inferred::text || ' ' || valid_from::text || ' ' || valid_to::text "
                     "from warehouse.dim_product where product_id = 'P9'"),
              "Unknown true -infinity infinity");
    // its fact, after the later price change, is re-pointed to the second version
    db().exec("select warehouse.ensure_month_partitions('warehouse.fact_order_lines', '2025-12-01', '2025-12-31')");
    db().exec("insert into warehouse.fact_order_lines (order_id, line_number, order_date, date_key, order_ts, "
              "product_key, product_id, customer_key, user_key, status, is_cancelled_or_refunded, quantity, "
              "unit_price, discount, revenue, load_date) values "
              "('O1', 1, '2025-12-20', 20251220, '2025-12-20 10:00+00', " + key + ", 'P9', null, 'u', 'placed', "
              "false, 1, 1, 0, 1, '2025-12-20'), "
              "('O0', 1, '2025-12-02', 20251202, '2025-12-02 10:00+00', " + key + ", 'P9', null, 'u', 'placed', "
              "false, 1, 1, 0, 1, '2025-12-02')");

    drop("2025-12-01", "p.json", array_of({product("P9", "3.00")}));
    drop("2025-12-08", "p.json", array_of({product("P9", "4.00")}));
    load("2025-12-01");
    EXPECT_EQ(scalar("select product_key from warehouse.dim_product where product_id = 'P9' and valid_from = '-infinity'"),
              key);
    EXPECT_EQ(count("select count(*) from warehouse.dim_product where is_inferred"), 0);
    load("2025-12-08");
    EXPECT_EQ(scalar("select product_key from warehouse.dim_product where product_id = 'P9' and valid_from = '-infinity'"),
              key);
    EXPECT_EQ(scalar("select string_agg(o.order_id || ':' || d.price::text, ',' order by o.order_id) "
                     "from warehouse.fact_order_lines o join warehouse.dim_product d using (product_key)"),
              "O0:3.00,O1:4.00");
    EXPECT_EQ(count("select count(*) from warehouse.mart_refresh_queue where load_date = '2025-12-08' "
                    "and subject = 'orders' and business_date = '2025-12-20'"),
              1);
    // facts know the product now: resolving creates nothing
    EXPECT_EQ(count("select warehouse.ensure_inferred_products(array['P9'])"), 0);
}

TEST_F(ProductsTest, RerunsLeaveTheSameDimension) {
    write_three_snapshots();
    for (auto d : {"2025-12-01", "2025-12-08", "2025-12-15"}) load(d);
    const std::string all = "select * from warehouse.dim_product";
    const std::string before = dump(all), raw = dump("select * from raw.products"),
                      staged = dump("select * from staging.products_snapshot");
    for (auto d : {"2025-12-08", "2025-12-01", "2025-12-15"}) load(d);
    EXPECT_EQ(dump(all), before);
    EXPECT_EQ(dump("select * from raw.products"), raw);
    EXPECT_EQ(dump("select * from staging.products_snapshot"), staged);
}

TEST_F(ProductsTest, ReversedAndShuffledLoadsGiveTheSameDimension) {
    write_three_snapshots();
    for (auto d : {"2025-12-01", "2025-12-08", "2025-12-15"}) load(d);
    const std::string in_order = dump(dim_without_keys);
    EXPECT_EQ(count("select count(*) from warehouse.dim_product"), 5);

    reset_products();
    for (auto d : {"2025-12-15", "2025-12-08", "2025-12-01"}) load(d);
    EXPECT_EQ(dump(dim_without_keys), in_order) << "reversed";

    reset_products();
    for (auto d : {"2025-12-08", "2025-12-15", "2025-12-01", "2025-12-08"}) load(d);
    EXPECT_EQ(dump(dim_without_keys), in_order) << "shuffled, one reloaded";
    EXPECT_EQ(count("select count(*) from (select product_id, valid_from from warehouse.dim_product "
                    "group by 1, 2 having count(*) > 1) x"),
              0);
}

TEST_F(ProductsTest, ReloadingASnapshotWithDifferentContentRecomputesVersions) {
    write_three_snapshots();
    for (auto d : {"2025-12-01", "2025-12-08", "2025-12-15"}) load(d);
    // the producer re-sends the 8th without P1's price change
    std::filesystem::remove(data_dir_ + "/incoming/products/2025-12-08/snapshot.json");
    drop("2025-12-08", "snapshot.json", array_of({product("P1", "10.00"), product("P2", "5.50"), product("P3", "1")}));
    load("2025-12-08");
    EXPECT_EQ(dump("select product_id, price::text, valid_from::text, valid_to::text from warehouse.dim_product "
                   "where product_id = 'P1'"),
              "P1|10.00|-infinity|2025-12-15 00:00:00+00\n"
              "P1|12.00|2025-12-15 00:00:00+00|infinity\n");
}

TEST_F(ProductsTest, NoDropSkipsExtractAndTransformButTheDimensionLoadRuns) {
    write_three_snapshots();
    load("2025-12-01");
    const std::string before = dump("select * from warehouse.dim_product");
    std::filesystem::create_directories(data_dir_ + "/incoming/products");
    run_ok("extract_products", {"--date", "2025-12-02"}, 99);
    run_ok("transform_products", {"--date", "2025-12-02"}, 99);
    run_ok("load_dim_product", {"--date", "2025-12-02"}, 0);
    EXPECT_EQ(dump("select * from warehouse.dim_product"), before);
    EXPECT_EQ(count("select count(*) from audit.task_runs where task in ('extract_products', 'transform_products') "
                    "and run_date = '2025-12-02' and status = 'skipped'"),
              2);
}

TEST_F(ProductsTest, IncompleteDropIsRetryable) {
    write_file(data_dir_ + "/incoming/products/2025-12-01/p.json", array_of({product("P1", "1")}));
    run_ok("extract_products", {"--date", "2025-12-01"}, 1);
}

TEST_F(ProductsTest, BadElementsAreQuarantinedWithFileLineAndTextAndNeverCrash) {
    const std::string future = R"({"product_id":"P5","name":"n","category":"c","price":1,"active":true,"updated_at":"2030-01-01T00:00:00Z"})";
    const std::string no_price = R"({"product_id":"P6","name":"n","category":"c","active":true,"updated_at":"2025-12-01T00:00:00Z"})";
    const std::string bad_price = R"({"product_id":"P7","name":"n","category":"c","price":1.234,"active":true,"updated_at":"2025-12-01T00:00:00Z"})";
    const std::string string_price = R"({"product_id":"P8","name":"n","category":"c","price":"1.00","active":true,"updated_at":"2025-12-01T00:00:00Z"})";
    const std::string bad_utf8 = "{\"product_id\":\"P4\",\"name\":\"caf\xC3\x28\",\"category\":\"c\",\"price\":1,"
                                 "\"active\":true,\"updated_at\":\"2025-12-01T00:00:00Z\"}";
    const std::string broken = "{\"product_id\":\"P3\",\n  \"price\": 1.0.0}";
    drop("2025-12-01", "a.json",
         "[\n" + product("P1", "1") + ",\n" + broken + ",\n" + bad_utf8 + ",\n" + future + ",\n" + no_price + ",\n" +
             bad_price + ",\n" + string_price + ",\n42,\n" + product("P2", "2") + "\n]\n");
    drop("2025-12-01", "b.json", "[\n" + product("P10", "1") + "]\n");
    load("2025-12-01");
    EXPECT_EQ(scalar("select string_agg(product_id, ',' order by product_id) from staging.products_snapshot"), "P1,P10,P2");
    EXPECT_EQ(dump("select source_file, line_no::text, stage, reason from audit.bad_records"),  // ordered as text
              "products/2025-12-01/a.json|10|extract|malformed\n"
              "products/2025-12-01/a.json|3|extract|malformed\n"
              "products/2025-12-01/a.json|5|extract|invalid_utf8\n"
              "products/2025-12-01/a.json|6|transform|future_timestamp\n"
              "products/2025-12-01/a.json|7|transform|missing_field\n"
              "products/2025-12-01/a.json|8|transform|invalid_value\n"
              "products/2025-12-01/a.json|9|transform|invalid_value\n");
    EXPECT_EQ(scalar("select record from audit.bad_records where line_no = 3 and source_file like '%a.json'"), broken);
    EXPECT_EQ(scalar("select record from audit.bad_records where reason = 'invalid_utf8'"),
              "{\"product_id\":\"P4\",\"name\":\"caf\\xC3(\",\"category\":\"c\",\"price\":1,\"active\":true,"
              "\"updated_at\":\"2025-12-01T00:00:00Z\"}");
    EXPECT_EQ(scalar("select detail from audit.bad_records where reason = 'missing_field'"), "missing field \"price\"");
    // a rerun replaces, never doubles, the quarantine
    load("2025-12-01");
    EXPECT_EQ(count("select count(*) from audit.bad_records"), 7);
}

// A file that cannot be read to the end of one JSON array rejects the whole snapshot (docs/DATA_CONTRACT.md):
// it would otherwise close every product it lacks. Exit 3, the file and line named, nothing written.
TEST_F(ProductsTest, FileNotOneWholeArrayRejectsTheSnapshot) {
    const std::vector<std::pair<std::string, std::string>> broken = {
        {"[\n" + product("P10", "1") + ",\n{\"product_id\": \"P11\", \"name\": \"cut",
         "b.json:3: the file ends inside a string of this element"},
        {"{\"not\": \"an array\"}\n", "b.json:1: not a JSON array"},
        {"", "b.json:1: empty file: expected a JSON array"},
        {"[" + product("P10", "1") + "] []", "b.json:1: trailing content after the JSON array"}};
    for (const auto& [text, error] : broken) {
        drop("2025-12-01", "a.json", array_of({product("P1", "1")}));
        drop("2025-12-01", "b.json", text);
        RunResult r = run("extract_products", {"--date", "2025-12-01"});
        EXPECT_EQ(r.exit_code, 3) << r.output;
        EXPECT_NE(r.output.find("products/2025-12-01/" + error), std::string::npos) << r.output;
        EXPECT_EQ(count("select count(*) from raw.products"), 0);
    }
}

TEST_F(ProductsTest, GeneratedFeedsMatchTheOracleInAnyLoadOrder) {
    run_ok("generate_data", {"--out", data_dir_, "--start", "2025-12-01", "--days", "15", "--products", "300",
                             "--customers", "100", "--orders-per-day", "10", "--events-per-day", "10"});
    auto load_any = [&](const std::string& date) {
        auto r = run("extract_products", {"--date", date});
        ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 99) << r.output;
        run_ok("transform_products", {"--date", date}, r.exit_code);
        run_ok("load_dim_product", {"--date", date});
    };
    std::vector<std::string> days;
    for (int d = 1; d <= 15; ++d) days.push_back("2025-12-" + std::string(d < 10 ? "0" : "") + std::to_string(d));
    for (const auto& d : days) load_any(d);

    load_csv("expected_versions", data_dir_ + "/expected/product_versions.csv");
    const std::string expected =
        "select product_id, case when version = '1' then '-infinity'::timestamptz "
        "else valid_from_day::date::timestamp at time zone 'UTC' end, price::numeric(12, 2), category, subcategory, "
        "brand, active::boolean, is_current::boolean from expected_versions";
    const std::string actual = "select product_id, valid_from, price, category, subcategory, brand, active, is_current "
                               "from warehouse.dim_product";
    EXPECT_GT(count("select count(*) from expected_versions"), 300);
    EXPECT_GT(count("select count(*) from expected_versions where version <> '1'"), 0);
    EXPECT_EQ(diff(expected, actual), "");
    load_csv("expected_quarantine", data_dir_ + "/expected/quarantine.csv");
    EXPECT_EQ(diff("select load_date::date, reason, count::bigint from expected_quarantine where feed = 'products'",
                   "select load_date, reason, count(*) from audit.bad_records where feed = 'products' group by 1, 2"),
              "");

    const std::string in_order = dump(dim_without_keys);
    reset_products();
    for (auto it = days.rbegin(); it != days.rend(); ++it) load_any(*it);
    EXPECT_EQ(dump(dim_without_keys), in_order) << "reversed";
}

}  // namespace ecomm::testing
