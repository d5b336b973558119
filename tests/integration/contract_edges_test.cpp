// Contract edges on a real PostgreSQL: hand-made inputs at the edges of docs/DATA_CONTRACT.md (duplicate JSON
// keys, byte-order marks, line breaks in quoted CSV fields, partial snapshots, locale-independent tie-breaks,
// corrected dimension versions, re-delivered events, signals and retries, quarantine reprocessing).
#include <chrono>
#include <future>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "common/errors.hpp"
#include "harness.hpp"

namespace ecomm::testing {

namespace {

const std::string kBom = "\xEF\xBB\xBF";
const std::string kEventsHeader = "event_id,user_id,session_id,event_type,event_ts,product_id,page_url,device,country\n";

std::string event_csv(const std::string& id, const std::string& ts = "2025-12-13T09:14:11Z") {
    return id + ",U1,S1,page_view," + ts + ",,/home,mobile,US\n";
}

std::string order_json(const std::string& id, const std::string& updated_at = "2025-12-13T09:15:02Z",
                       const std::string& items = R"([{"product_id":"P1","quantity":1,"unit_price":10.00}])") {
    return R"({"order_id":")" + id + R"(","user_id":"U1","order_ts":"2025-12-13T09:15:02Z","updated_at":")" +
           updated_at + R"(","status":"placed","currency":"USD","channel":"web","items":)" + items +
           R"(,"payment":{"method":"credit_card","amount":10.00},"shipping":{"country":"US","region":"CA","city":"San Jose","postal_code":"95112"}})";
}

std::string product_json(const std::string& id, const std::string& category = "Shoes", const std::string& price = "10.00") {
    return R"({"product_id":")" + id + R"(","name":"Name )" + id + R"(","category":")" + category +
           R"(","subcategory":"Running","brand":"Acme","price":)" + price +
           R"(,"supplier_id":"S1","active":true,"updated_at":"2025-12-01T00:00:00Z"})";
}

std::string customer_json(const std::string& user, const std::string& segment = "consumer",
                          const std::string& updated_at = "2025-12-01T08:00:00Z") {
    return R"({"op":"upsert","user_id":")" + user +
           R"(","email":"ana@example.com","first_name":"Ana","last_name":"Diaz","phone":"+1-408-555-0134","segment":")" +
           segment + R"(","country":"US","region":"CA","city":"San Jose","signup_ts":"2024-03-02T18:00:00Z",)"
           R"("marketing_opt_in":true,"updated_at":")" + updated_at + "\"}";
}

}  // namespace

class ContractEdgesTest : public WarehouseTest {
protected:
    void drop(const std::string& feed, const std::string& date, const std::string& file, const std::string& text) {
        write_file(data_dir_ + "/incoming/" + feed + "/" + date + "/" + file, text);
        touch_success(data_dir_ + "/incoming/" + feed + "/" + date);
    }
    void chain(const std::vector<std::string>& tasks, const std::string& date) {
        for (const auto& task : tasks) {
            run_ok(task, {"--date", date});
            if (::testing::Test::HasFatalFailure()) return;
        }
    }
    std::string bad(const std::string& feed) {
        return dump("select source_file, line_no, reason, detail from audit.bad_records where feed = '" + feed + "'");
    }
};

// 1. One rule for every JSON feed: an object holding a key twice is malformed, never a sum or a silent pick.
TEST_F(ContractEdgesTest, DuplicateKeysQuarantineTheRecordInEveryJsonFeed) {
    drop("orders", "2025-12-13", "o.json",
         order_json("ORD-OK") + "\n" +
             R"({"order_id":"ORD-DUP","user_id":"U1","order_ts":"2025-12-13T09:15:02Z","updated_at":"2025-12-13T09:15:02Z",)"
             R"("status":"placed","currency":"USD","channel":"web","items":[{"product_id":"P1","quantity":1,"unit_price":10.00}],)"
             R"("items":[{"product_id":"P1","quantity":1,"unit_price":10.00}],"payment":{"method":"credit_card","amount":10.00},)"
             R"("shipping":{"country":"US","region":"CA","city":"San Jose","postal_code":"95112"}})" "\n" +
             order_json("ORD-DUP2", "2025-12-13T09:15:02Z",
                        R"([{"product_id":"P1","quantity":1,"quantity":2,"unit_price":10.00}])") + "\n");
    chain({"extract_orders", "transform_orders", "load_dim_date", "load_fact_orders"}, "2025-12-13");
    EXPECT_EQ(dump("select order_id, revenue::text from warehouse.fact_orders"), "ORD-OK|10.00\n");
    EXPECT_EQ(bad("orders"), "orders/2025-12-13/o.json|2|malformed|duplicate key \"items\"\n"
                             "orders/2025-12-13/o.json|3|malformed|duplicate key \"quantity\"\n");

    drop("customers", "2025-12-01", "c.json",
         customer_json("U1") + "\n" + customer_json("U2").insert(1, R"("segment":"business",)") + "\n");
    chain({"extract_customers", "transform_customers", "load_dim_customer"}, "2025-12-01");
    EXPECT_EQ(count("select count(*) from staging.customers_changes"), 1);
    EXPECT_EQ(bad("customers"), "customers/2025-12-01/c.json|2|malformed|duplicate key \"segment\"\n");

    drop("products", "2025-12-01", "p.json",
         "[" + product_json("P1") + ",\n" + product_json("P2").insert(1, R"("category":"Boots",)") + "]\n");
    chain({"extract_products", "transform_products", "load_dim_product"}, "2025-12-01");
    EXPECT_EQ(dump("select product_id, category from warehouse.dim_product"), "P1|Shoes\n");
    EXPECT_EQ(bad("products"), "products/2025-12-01/p.json|2|malformed|duplicate key \"category\"\n");
}

// 2. A byte-order mark opening a file is not part of its first record, in every feed.
TEST_F(ContractEdgesTest, ByteOrderMarkAtTheStartOfAFileIsIgnored) {
    drop("orders", "2025-12-13", "o.json", kBom + order_json("ORD-1") + "\n" + order_json("ORD-2") + "\n");
    chain({"extract_orders", "transform_orders"}, "2025-12-13");
    EXPECT_EQ(dump("select order_id, line_no from staging.orders"), "ORD-1|1\nORD-2|2\n");
    EXPECT_EQ(dump("select record from raw.orders where line_no = 1"), order_json("ORD-1") + "\n");

    drop("customers", "2025-12-01", "c.json", kBom + customer_json("U1") + "\r\n" + customer_json("U2") + "\r\n");
    chain({"extract_customers", "transform_customers"}, "2025-12-01");
    EXPECT_EQ(count("select count(*) from staging.customers_changes"), 2);

    drop("products", "2025-12-01", "p.json", kBom + "[" + product_json("P1") + "," + product_json("P2") + "]\n");
    chain({"extract_products", "transform_products"}, "2025-12-01");
    EXPECT_EQ(count("select count(*) from staging.products_snapshot"), 2);

    drop("events", "2025-12-13", "e.csv", kBom + kEventsHeader + event_csv("E1") + event_csv("E2"));
    chain({"extract_events", "transform_events"}, "2025-12-13");
    EXPECT_EQ(dump("select event_id from staging.events"), "E1\nE2\n");

    EXPECT_EQ(count("select count(*) from audit.bad_records"), 0) << bad("orders") << bad("customers")
                                                                  << bad("products") << bad("events");
}

// 2b. The NDJSON feeds share one extract path: a CRLF line end is not part of the record, and a line of only
// white space (a CR alone too) is no record, in orders as in customers.
TEST_F(ContractEdgesTest, CrlfLinesAreRecordsWithoutTheirCrInEveryNdjsonFeed) {
    drop("orders", "2025-12-13", "o.json", order_json("ORD-1") + "\r\n\r\n" + order_json("ORD-2") + "\r\n");
    chain({"extract_orders", "transform_orders"}, "2025-12-13");
    EXPECT_EQ(dump("select order_id, line_no from staging.orders"), "ORD-1|1\nORD-2|3\n");
    EXPECT_EQ(dump("select record from raw.orders where line_no = 3"), order_json("ORD-2") + "\n");

    drop("customers", "2025-12-01", "c.json", customer_json("U1") + "\r\n \r\n" + customer_json("U2") + "\r\n");
    chain({"extract_customers", "transform_customers"}, "2025-12-01");
    EXPECT_EQ(dump("select line_no from staging.customers_changes"), "1\n3\n");
    EXPECT_EQ(count("select count(*) from audit.bad_records"), 0) << bad("orders") << bad("customers");
}

// 3. A quoted field holding line breaks is one record: quarantined whole under its first line, and no line
// inside it is read as a record even when it looks like one.
TEST_F(ContractEdgesTest, QuotedFieldSpanningLinesIsOneQuarantinedRecord) {
    drop("events", "2025-12-13", "e.csv",
         kEventsHeader + event_csv("E1") +                                   // 2
             "E2,U1,S1,page_view,2025-12-13T09:14:11Z,,\"/a\n" +            // 3 opens a quoted page_url
             event_csv("E3") +                                                // 4 inside the field
             "b\",mobile,US\n" +                                            // 5 closes it
             event_csv("E4") +                                                // 6
             "E5,U1,S1,page_view,2025-12-13T09:14:11Z,,\"/never closed,mobile,US\n" +  // 7
             event_csv("E6") +                                                // 8
             "E7,U1,S1,page_view,2025-12-13T09:14:11Z,,\"/q,r\",mobile,US\n");          // 9
    chain({"extract_events", "transform_events", "load_fact_events"}, "2025-12-13");
    EXPECT_EQ(dump("select event_id, line_no from staging.events"), "E1|2\nE4|6\nE6|8\nE7|9\n");
    EXPECT_EQ(dump("select line_no, reason, detail, record from audit.bad_records where feed = 'events'"),
              "3|malformed|line break inside a quoted field (lines 3-5)|E2,U1,S1,page_view,2025-12-13T09:14:11Z,,\"/a\n" +
                  event_csv("E3") + "b\",mobile,US\n"
              "7|malformed|quoted field not closed|E5,U1,S1,page_view,2025-12-13T09:14:11Z,,\"/never closed,mobile,US\n");
}

// 4. Only a whole, valid snapshot closes the products it lacks.
TEST_F(ContractEdgesTest, ASnapshotThatIsNotWholeClosesNothing) {
    const std::vector<std::string> products = {"extract_products", "transform_products", "load_dim_product"};
    const char* dim = "select product_id, category, valid_to::text, is_current::text from warehouse.dim_product";
    drop("products", "2025-12-01", "a.json", "[" + product_json("P1") + ",\n" + product_json("P2") + "]\n");
    drop("products", "2025-12-01", "b.json", "[" + product_json("P3") + ",\n" + product_json("P4") + "]\n");
    chain(products, "2025-12-01");
    const std::string before = dump(dim);
    ASSERT_EQ(before, "P1|Shoes|infinity|true\nP2|Shoes|infinity|true\nP3|Shoes|infinity|true\nP4|Shoes|infinity|true\n");

    // the second file cut off mid-array: the snapshot is rejected (exit 3, file and line named), nothing closes
    drop("products", "2025-12-08", "a.json", "[" + product_json("P1", "Boots") + ",\n" + product_json("P2") + "]\n");
    drop("products", "2025-12-08", "b.json", "[" + product_json("P3") + ",\n{\"product_id\":\"P4\",\"na");
    RunResult r = run("extract_products", {"--date", "2025-12-08"});
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find("products/2025-12-08/b.json:2: the file ends inside"), std::string::npos) << r.output;
    EXPECT_EQ(count("select count(*) from raw.products where load_date = '2025-12-08'"), 0);
    run_ok("transform_products", {"--date", "2025-12-08"}, 99);
    run_ok("load_dim_product", {"--date", "2025-12-08"});
    EXPECT_EQ(dump(dim), before);

    // an element that fails validation (P2: no price) or is not JSON at all: quarantined, its product stays current
    drop("products", "2025-12-08", "b.json", "[" + product_json("P3") + "]\n");
    drop("products", "2025-12-08", "a.json",
         "[" + product_json("P1", "Boots") + ",\n" + R"({"product_id":"P2","name":"n","category":"c","active":true,)"
         R"("updated_at":"2025-12-01T00:00:00Z"})" "]\n");
    chain(products, "2025-12-08");
    EXPECT_EQ(dump(dim), "P1|Boots|infinity|true\nP1|Shoes|2025-12-08 00:00:00+00|false\nP2|Shoes|infinity|true\n"
                         "P3|Shoes|infinity|true\nP4|Shoes|2025-12-08 00:00:00+00|false\n");
    EXPECT_EQ(bad("products"), "products/2025-12-08/a.json|2|missing_field|missing field \"price\"\n");
    // an element that is not JSON still names its product: that product stays, the others missing close (P3)
    drop("products", "2025-12-15", "a.json", "[" + product_json("P1", "Boots") + ",\n{\"product_id\":\"P2\",\"price\":1.0.0}]\n");
    chain(products, "2025-12-15");
    EXPECT_EQ(scalar("select string_agg(product_id, ',' order by product_id) from warehouse.dim_product where is_current"),
              "P1,P2");
    // an element whose product cannot be told at all: no product of the previous snapshot closes
    drop("products", "2025-12-22", "a.json", "[" + product_json("P1", "Boots") + ",\n{\"price\":1.0.0}]\n");
    chain(products, "2025-12-22");
    EXPECT_EQ(scalar("select string_agg(product_id, ',' order by product_id) from warehouse.dim_product where is_current"),
              "P1,P2");
    EXPECT_EQ(count("select count(*) from staging.products_snapshot where snapshot_date = '2025-12-22' "
                    "and carried_from is not null"),
              1);

    // a re-delivered empty snapshot: nothing closes, no earlier row stays behind, and the quality gate stops it
    drop("products", "2025-12-22", "a.json", "[]\n");
    chain({"extract_products", "transform_products", "load_dim_product"}, "2025-12-22");
    EXPECT_EQ(count("select count(*) from staging.products_snapshot where snapshot_date = '2025-12-22'"), 0);
    EXPECT_EQ(count("select count(*) from warehouse.dim_product where is_current"), 2);
    RunResult dq = run("dq_checks", {"--date", "2025-12-22"});
    EXPECT_EQ(dq.exit_code, 3) << dq.output;
    EXPECT_EQ(scalar("select passed::text from audit.dq_results where rule = 'products_volume_min' "
                     "and load_date = '2025-12-22'"),
              "false");

    // the customers feed: an empty re-delivery replaces the earlier delivery's changes
    drop("customers", "2025-12-01", "c.json", customer_json("U1") + "\n");
    chain({"extract_customers", "transform_customers"}, "2025-12-01");
    drop("customers", "2025-12-01", "c.json", "");
    chain({"extract_customers", "transform_customers"}, "2025-12-01");
    EXPECT_EQ(count("select count(*) from staging.customers_changes where load_date = '2025-12-01'"), 0);
}

// 6. A version corrected in place (same key) refreshes the marts of every date of its facts.
TEST_F(ContractEdgesTest, CorrectedDimensionVersionRefreshesTheMarts) {
    const std::vector<std::string> products = {"extract_products", "transform_products", "load_dim_product"};
    drop("products", "2025-12-01", "p.json", "[" + product_json("P1", "Shoes") + "]\n");
    chain(products, "2025-12-01");
    drop("orders", "2025-12-13", "o.json", order_json("ORD-1") + "\n");
    chain({"extract_orders", "transform_orders", "load_dim_date", "load_fact_orders", "compute_daily_metrics"},
          "2025-12-13");
    const char* mart = "select order_date::text, category, revenue::text from marts.sales_by_category";
    ASSERT_EQ(dump(mart), "2025-12-13|Shoes|10.00\n");
    // the 1st's snapshot re-delivered with P1's category corrected: the same version, its key unchanged
    const std::string key = scalar("select product_key from warehouse.fact_order_lines");
    drop("products", "2025-12-01", "p.json", "[" + product_json("P1", "Boots") + "]\n");
    chain(products, "2025-12-01");
    EXPECT_EQ(scalar("select product_key from warehouse.fact_order_lines"), key);
    EXPECT_EQ(count("select count(*) from warehouse.mart_refresh_queue where load_date = '2025-12-01' "
                    "and business_date = '2025-12-13'"),
              1);
    run_ok("compute_daily_metrics", {"--date", "2025-12-01"});
    EXPECT_EQ(dump(mart), "2025-12-13|Boots|10.00\n");
}

// 8. SIGTERM's handler cancels the running statement of every connection the task holds, not only the newest.
TEST_F(ContractEdgesTest, SignalCancelsTheStatementOnEveryConnection) {
    Connection main_conn(dsn_, "contract_edges_main");
    auto sleeping = std::async(std::launch::async, [&] {
        auto started = std::chrono::steady_clock::now();
        std::string sqlstate;
        try {
            main_conn.exec("select pg_sleep(30)");
        } catch (const DbError& e) {
            sqlstate = e.sqlstate();
        }
        return std::make_pair(sqlstate, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    });
    Connection reader(dsn_, "contract_edges_reader");  // the newest connection, idle
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    Connection::cancel_from_signal();
    auto [sqlstate, seconds] = sleeping.get();
    EXPECT_EQ(sqlstate, "57014");  // query_canceled
    EXPECT_LT(seconds, 10.0);
}

// 8. Two tasks inserting the same key at once, a deadlock or a serialization failure: worth a retry (exit 1).
TEST_F(ContractEdgesTest, UniqueViolationDeadlockAndSerializationFailuresAreRetryable) {
    db().exec("create table contract_keys (k int primary key)");
    db().exec("insert into contract_keys values (1)");
    try {
        db().exec("insert into contract_keys values (1)");
        FAIL() << "no unique violation";
    } catch (const DbError& e) {
        EXPECT_EQ(e.sqlstate(), "23505");
        EXPECT_EQ(e.code(), ExitCode::retry);
    }
    for (const char* state : {"40P01", "40001"}) {
        try {
            db().exec(std::string("do $$ begin raise exception 'x' using errcode = '") + state + "'; end $$");
            FAIL() << "no error";
        } catch (const DbError& e) {
            EXPECT_EQ(e.sqlstate(), state);
            EXPECT_EQ(e.code(), ExitCode::retry);
        }
    }
}

// 5. "The later file name" is byte order whatever the server's locale: a.json comes after B.json ('a' is 0x61,
// 'B' 0x42), where en_US.UTF-8 would put B.json last. scripts/run-tests runs these on an en_US.UTF-8 cluster too.
TEST_F(ContractEdgesTest, TieBreakOnFileNameIsByteOrderForOrders) {
    std::cerr << "server collation: " << scalar("select datcollate from pg_database where datname = current_database()")
              << "\n";
    const std::string same_time = "2025-12-13T10:00:00Z";
    drop("orders", "2025-12-13", "B.json",
         order_json("ORD-1", same_time, R"([{"product_id":"P1","quantity":1,"unit_price":20.00}])") + "\n");
    drop("orders", "2025-12-13", "a.json", order_json("ORD-1", same_time) + "\n");
    chain({"extract_orders", "transform_orders"}, "2025-12-13");
    EXPECT_EQ(dump("select source_file, revenue::text from staging.orders"), "orders/2025-12-13/a.json|10.00\n");
}

TEST_F(ContractEdgesTest, TieBreakOnFileNameIsByteOrderForProductsAndCustomers) {
    drop("products", "2025-12-01", "B.json", "[" + product_json("P1", "Boots") + "]\n");
    drop("products", "2025-12-01", "a.json", "[" + product_json("P1", "Shoes") + "]\n");
    chain({"extract_products", "transform_products", "load_dim_product"}, "2025-12-01");
    EXPECT_EQ(dump("select category from warehouse.dim_product"), "Shoes\n");

    drop("customers", "2025-12-01", "B.json", customer_json("U1", "business") + "\n");
    drop("customers", "2025-12-01", "a.json", customer_json("U1", "premium") + "\n");
    chain({"extract_customers", "transform_customers", "load_dim_customer"}, "2025-12-01");
    EXPECT_EQ(dump("select segment from warehouse.dim_customer"), "premium\n");
    EXPECT_EQ(dump("select source_file from private.customer_pii"), "customers/2025-12-01/a.json\n");
}

// 9. Quarantined records re-validated with the current rules after a rule or producer fix: those that now pass
// reach staging through the normal merge (the newest state still wins), the rest stay, and a rerun changes nothing.
TEST_F(ContractEdgesTest, ReprocessQuarantineMovesRecordsThatNowPassAndKeepsTheRest) {
    drop("orders", "2025-12-13", "o.json",
         order_json("ORD-1", "2025-12-13T12:00:00Z") + "\n" + "{\"order_id\":\"ORD-BAD\",\n");
    chain({"extract_orders", "transform_orders"}, "2025-12-13");
    // what an earlier rule quarantined: at extract (a BOM-prefixed line, as before the BOM rule), and at
    // transform a raw record (ORD-1 in an older state: it must not win over the newer one)
    const std::string older = order_json("ORD-1", "2025-12-13T08:00:00Z");
    db().exec("insert into audit.bad_records (load_date, feed, stage, source_file, line_no, reason, detail, record) values "
              "('2025-12-13', 'orders', 'extract', 'orders/2025-12-13/p.json', 1, 'malformed', 'old rule', $1), "
              "('2025-12-13', 'orders', 'transform', 'orders/2025-12-13/p.json', 2, 'invalid_value', 'old rule', $2)",
              {order_json("ORD-2"), older});
    db().exec("insert into raw.orders (load_date, source_file, line_no, record) values "
              "('2025-12-13', 'orders/2025-12-13/p.json', 2, $1)", {older});
    run_ok("reprocess_quarantine", {"--date", "2025-12-13", "--feed", "orders"});
    const char* state =
        "select order_id, updated_at::text, source_file, line_no::text from staging.orders";
    EXPECT_EQ(dump(state), "ORD-1|2025-12-13 12:00:00+00|orders/2025-12-13/o.json|1\n"
                           "ORD-2|2025-12-13 09:15:02+00|orders/2025-12-13/p.json|1\n");
    EXPECT_EQ(bad("orders"), "orders/2025-12-13/o.json|2|malformed|not valid JSON: The JSON document has "
                             "an improper structure: missing or superfluous commas, braces, missing keys, etc.\n");
    EXPECT_EQ(count("select count(*) from raw.orders where source_file = 'orders/2025-12-13/p.json'"), 2);
    EXPECT_EQ(dump("select status, rows_read::text, rows_written::text, rows_quarantined::text from audit.task_runs "
                   "where task = 'reprocess_quarantine'"),
              "succeeded|3|2|1\n");
    const std::string once = dump(state) + dump("select * from raw.orders") + bad("orders");
    run_ok("reprocess_quarantine", {"--date", "2025-12-13", "--feed", "orders"});
    EXPECT_EQ(dump(state) + dump("select * from raw.orders") + bad("orders"), once);
    // bad usage is exit 2
    run_ok("reprocess_quarantine", {"--date", "2025-12-13", "--feed", "shoes"}, 2);
    run_ok("reprocess_quarantine", {"--date", "2025-12-13", "--feed", "orders", "--reason", "whatever"}, 2);
}

}  // namespace ecomm::testing
