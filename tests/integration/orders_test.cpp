// The orders slice on a real PostgreSQL: quarantine with file, line and raw text; exit codes for drops
// that are missing or incomplete; hostile files that must not crash a task or stop its good records;
// reruns and concurrent runs that must not double anything; a kill that must leave nothing half-written.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <future>
#include <thread>

#include "harness.hpp"

namespace ecomm::testing {

namespace {

std::string order_json(const std::string& id, const std::string& updated_at, const std::string& status = "placed",
                       const std::string& items = R"([{"product_id":"P1","quantity":2,"unit_price":19.99,"discount":2.00}])",
                       const std::string& order_ts = "2025-12-13T09:15:02Z", const std::string& currency = "USD") {
    return R"({"order_id":")" + id + R"(","user_id":"U1","order_ts":")" + order_ts + R"(","updated_at":")" + updated_at +
           R"(","status":")" + status + R"(","currency":")" + currency + R"(","channel":"web","items":)" + items +
           R"(,"payment":{"method":"credit_card","amount":37.98},"shipping":{"country":"US","region":"CA","city":"San Jose","postal_code":"95112"}})";
}

const std::string kTwoLines =
    R"([{"product_id":"P1","quantity":1,"unit_price":10},{"product_id":"P2","quantity":1,"unit_price":5}])";

}  // namespace

class OrdersTest : public WarehouseTest {
protected:
    std::string day_dir(const std::string& date) { return data_dir_ + "/incoming/orders/" + date; }

    void write_day(const std::string& date, const std::string& file, const std::string& text, bool complete = true) {
        write_file(day_dir(date) + "/" + file, text);
        if (complete) touch_success(day_dir(date));
    }

    void run_chain(const std::string& date) {
        for (const char* task : {"extract_orders", "transform_orders", "load_dim_date", "load_fact_orders"})
            run_ok(task, {"--date", date});
    }

    std::string warehouse_state() {
        return dump("select order_id, status, revenue::text, units, order_date::text, load_date::text, updated_at::text "
                    "from warehouse.fact_orders") +
               dump("select order_id, line_number, product_id, quantity, revenue::text from warehouse.fact_order_lines") +
               dump("select order_id, status, revenue::text, source_file, line_no from staging.orders") +
               dump("select load_date::text, stage, source_file, line_no, reason, record from audit.bad_records") +
               dump("select load_date::text, source_file, line_no, record from raw.orders");
    }
};

TEST_F(OrdersTest, EveryQuarantineReasonLandsWithFileLineAndRawText) {
    std::string good = order_json("ORD-OK", "2025-12-13T09:15:02Z");
    std::string text;
    text += good + "\n";                                                                   // 1 valid
    text += "{\"order_id\":\"ORD-U\",\"user_id\":\"U\xC3\x28\"}\n";                        // 2 invalid_utf8
    text += "{\"order_id\":\"ORD-M\",\n";                                                  // 3 malformed
    text += R"({"order_id":"ORD-F","user_id":"U1"})" "\n";                                 // 4 missing_field
    text += order_json("ORD-C", "2025-12-13T09:15:02Z", "placed",
                       R"([{"product_id":"P1","quantity":1,"unit_price":1}])", "2025-12-13T09:15:02Z", "EUR") + "\n";  // 5
    text += order_json("ORD-V", "2025-12-13T09:15:02Z", "lost") + "\n";                   // 6 invalid_value
    text += order_json("ORD-T", "2025-12-15T00:00:00Z") + "\n";                            // 7 future_timestamp
    text += order_json("ORD-Q", "2025-12-13T09:15:02Z", "placed",
                       R"([{"product_id":"P1","quantity":1.5,"unit_price":1}])") + "\n";  // 8 invalid_value
    text += order_json("ORD-D", "2025-12-13T09:15:02Z", "placed",
                       R"([{"product_id":"P1","quantity":1,"unit_price":1,"discount":1.01}])") + "\n";  // 9 invalid
    text += order_json("ORD-S", "2025-12-13T09:15:02Z", "placed",
                       R"([{"product_id":"P1","quantity":1,"unit_price":1.999}])") + "\n";  // 10 sub-cent
    // amounts beyond numeric(12,2) and units beyond integer: quarantined, not a failed COPY of the whole day
    text += order_json("ORD-L", "2025-12-13T09:15:02Z", "placed",
                       R"([{"product_id":"P1","quantity":999999999,"unit_price":9999999999.99}])") + "\n";  // 11
    text += order_json("ORD-R", "2025-12-13T09:15:02Z", "placed",
                       R"([{"product_id":"P1","quantity":1,"unit_price":9999999999.99},)"
                       R"({"product_id":"P2","quantity":1,"unit_price":0.01}])") + "\n";  // 12 total revenue
    text += order_json("ORD-N", "2025-12-13T09:15:02Z", "placed",
                       R"([{"product_id":"P1","quantity":999999999,"unit_price":0},)"
                       R"({"product_id":"P2","quantity":999999999,"unit_price":0},)"
                       R"({"product_id":"P3","quantity":999999999,"unit_price":0}])") + "\n";  // 13 units
    // the largest amount that fits loads to the cent
    text += order_json("ORD-MAX", "2025-12-13T09:15:02Z", "placed",
                       R"([{"product_id":"P1","quantity":3,"unit_price":3333333333.33}])") + "\n";  // 14 valid
    write_day("2025-12-13", "part-1.json", text);
    run_chain("2025-12-13");

    EXPECT_EQ(count("select count(*) from warehouse.fact_orders"), 2);
    EXPECT_EQ(scalar("select revenue::text from warehouse.fact_orders where order_id = 'ORD-MAX'"), "9999999999.99");
    // the facts' date_key is dim_date's key of their order date (warehouse.date_key, the one definition)
    EXPECT_EQ(dump("select f.date_key, d.date::text from warehouse.fact_orders f join warehouse.dim_date d "
                   "on d.date_key = f.date_key and d.date = f.order_date union all "
                   "select l.date_key, d.date::text from warehouse.fact_order_lines l join warehouse.dim_date d "
                   "on d.date_key = l.date_key and d.date = l.order_date"),
              "20251213|2025-12-13\n20251213|2025-12-13\n20251213|2025-12-13\n20251213|2025-12-13\n");
    auto bad = [&](long line) {
        return scalar("select reason || ' ' || source_file from audit.bad_records where line_no = " + std::to_string(line));
    };
    EXPECT_EQ(bad(2), "invalid_utf8 orders/2025-12-13/part-1.json");
    EXPECT_EQ(bad(3), "malformed orders/2025-12-13/part-1.json");
    EXPECT_EQ(bad(4), "missing_field orders/2025-12-13/part-1.json");
    EXPECT_EQ(bad(5), "unsupported_currency orders/2025-12-13/part-1.json");
    EXPECT_EQ(bad(6), "invalid_value orders/2025-12-13/part-1.json");
    EXPECT_EQ(bad(7), "future_timestamp orders/2025-12-13/part-1.json");
    EXPECT_EQ(bad(8), "invalid_value orders/2025-12-13/part-1.json");
    EXPECT_EQ(bad(9), "invalid_value orders/2025-12-13/part-1.json");
    EXPECT_EQ(bad(10), "invalid_value orders/2025-12-13/part-1.json");
    for (long line : {11, 12, 13}) EXPECT_EQ(bad(line), "invalid_value orders/2025-12-13/part-1.json") << line;
    EXPECT_EQ(scalar("select detail from audit.bad_records where line_no = 12"),
              "invalid value for \"items\": \"2 lines\" add up to more than the largest amount, 9999999999.99");
    EXPECT_EQ(scalar("select detail from audit.bad_records where line_no = 13"),
              "invalid value for \"items\": \"3 lines\" add up to more than 2147483647 units");
    // the raw text is kept; bytes that are not UTF-8 are shown as \xNN
    EXPECT_EQ(scalar("select record from audit.bad_records where line_no = 2"), "{\"order_id\":\"ORD-U\",\"user_id\":\"U\\xC3(\"}");
    EXPECT_EQ(scalar("select record from audit.bad_records where line_no = 6"), order_json("ORD-V", "2025-12-13T09:15:02Z", "lost"));
    EXPECT_EQ(scalar("select detail from audit.bad_records where line_no = 4"), "missing field \"order_ts\"");
    EXPECT_EQ(count("select count(*) from audit.task_runs where task = 'transform_orders' and rows_quarantined = 10"), 1);
}

TEST_F(OrdersTest, MissingDropExits99AndIncompleteDropExits1) {
    auto r = run("extract_orders", {"--date", "2025-12-13"});
    EXPECT_EQ(r.exit_code, 99) << r.output;
    EXPECT_NE(r.output.find("no orders drop for 2025-12-13"), std::string::npos) << r.output;
    write_day("2025-12-13", "part-1.json", order_json("ORD-1", "2025-12-13T09:15:02Z") + "\n", /*complete=*/false);
    r = run("extract_orders", {"--date", "2025-12-13"});
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("_SUCCESS is missing"), std::string::npos) << r.output;
    EXPECT_EQ(count("select count(*) from raw.orders"), 0);
    EXPECT_EQ(count("select count(*) from audit.task_runs where task = 'extract_orders' and status = 'failed' and exit_code = 1"), 1);
    EXPECT_EQ(count("select count(*) from audit.task_runs where task = 'extract_orders' and status = 'skipped' and exit_code = 99"), 1);
}

TEST_F(OrdersTest, HostileFilesNeverCrashNorStopGoodRecords) {
    std::string good1 = order_json("ORD-1", "2025-12-13T09:15:02Z");
    std::string good2 = order_json("ORD-2", "2025-12-13T09:15:02Z");
    // a 50 MB single line between two good records
    std::string huge = "{\"order_id\":\"" + std::string(50u << 20, 'x') + "\"}";
    write_day("2025-12-13", "a-huge.json", good1 + "\n" + huge + "\n" + good2 + "\n");
    write_day("2025-12-13", "b-empty.json", "");
    // truncated mid-record, no final newline
    std::string good3 = order_json("ORD-3", "2025-12-13T09:15:02Z");
    write_day("2025-12-13", "c-truncated.json", good3 + "\n" + good3.substr(0, 40));
    // binary garbage and invalid UTF-8 with a NUL byte
    write_day("2025-12-13", "d-garbage.json", std::string("\xff\xfe\x00\x01garbage\n", 12) + order_json("ORD-4", "2025-12-13T09:15:02Z") + "\n");
    run_chain("2025-12-13");
    EXPECT_EQ(dump("select order_id from warehouse.fact_orders"), "ORD-1\nORD-2\nORD-3\nORD-4\n");
    EXPECT_EQ(dump("select source_file, line_no, reason from audit.bad_records"),
              "orders/2025-12-13/a-huge.json|2|malformed\n"
              "orders/2025-12-13/c-truncated.json|2|malformed\n"
              "orders/2025-12-13/d-garbage.json|1|invalid_utf8\n");
    EXPECT_NE(scalar("select detail from audit.bad_records where source_file like '%c-truncated%'").find("truncated"),
              std::string::npos);
}

TEST_F(OrdersTest, LatestStateWinsAndRerunsChangeNothing) {
    // day 1: placed; later in the same file an equal updated_at (the later line wins); day 2: refunded
    write_day("2025-12-13", "part-1.json",
              order_json("ORD-1", "2025-12-13T09:15:02Z", "placed") + "\n" +
                  order_json("ORD-1", "2025-12-13T09:15:02Z", "paid") + "\n" +
                  order_json("ORD-1", "2025-12-13T09:15:02Z", "paid") + "\n");  // exact repeat
    write_day("2025-12-14", "part-1.json", order_json("ORD-1", "2025-12-14T08:00:00Z", "refunded") + "\n");
    run_chain("2025-12-13");
    EXPECT_EQ(scalar("select status from warehouse.fact_orders"), "paid");
    run_chain("2025-12-14");
    EXPECT_EQ(scalar("select status || ' ' || load_date from warehouse.fact_orders"), "refunded 2025-12-14");
    EXPECT_EQ(count("select count(*) from warehouse.fact_order_lines"), 1);
    // the order's lines carry the load that set its state, by which the fact loader and the rules find them
    EXPECT_EQ(scalar("select string_agg(load_date::text, ',') from staging.order_lines"), "2025-12-14");
    std::string state = warehouse_state();
    // rerun any task of any day: nothing changes
    run_chain("2025-12-13");
    run_chain("2025-12-14");
    run_ok("transform_orders", {"--date", "2025-12-13"});
    run_ok("load_fact_orders", {"--date", "2025-12-13"});
    EXPECT_EQ(warehouse_state(), state);
    EXPECT_EQ(count("select count(*) from warehouse.mart_refresh_queue where business_date = '2025-12-13'"), 2);
}

// The fact loader keys orders in memory: each fact takes the customer and product version with the latest
// valid_from <= order_ts (the rule of customer_key_at/product_key_at), an unknown product an inferred member,
// and the users' keys come from private.user_keys, which must agree with private.user_key (erased ids too).
TEST_F(OrdersTest, FactKeysAreTheVersionsValidAtOrderTime) {
    EXPECT_EQ(count("select count(*) from private.user_keys(array['U1', 'erased:abc', '', 'U2']::text[]) k "
                    "where k.user_key = private.user_key(k.user_id)"),
              3);
    db().exec("insert into warehouse.dim_customer (user_key, segment, valid_from, valid_to, is_current) values "
              "(private.user_key('U1'), 'old', '-infinity', '2025-12-13T09:00:00Z', false), "
              "(private.user_key('U1'), 'new', '2025-12-13T09:00:00Z', 'infinity', true)");
    db().exec("insert into warehouse.dim_product (product_id, category, valid_from, valid_to, is_current) values "
              "('P1', 'old', '-infinity', '2025-12-13T10:00:00Z', false), "
              "('P1', 'new', '2025-12-13T10:00:00Z', 'infinity', true)");
    const std::string two_products =
        R"([{"product_id":"P1","quantity":1,"unit_price":10.00,"discount":0},{"product_id":"P9","quantity":1,"unit_price":5.00,"discount":0}])";
    write_day("2025-12-13", "part-1.json",
              order_json("ORD-1", "2025-12-13T09:15:02Z", "placed", two_products, "2025-12-13T09:15:02Z") + "\n" +
                  order_json("ORD-2", "2025-12-13T08:15:02Z", "placed", two_products, "2025-12-13T08:15:02Z") + "\n" +
                  order_json("ORD-3", "2025-12-13T11:00:00Z", "placed", two_products, "2025-12-13T11:00:00Z") + "\n");
    run_chain("2025-12-13");
    EXPECT_EQ(dump("select f.order_id, c.segment, f.user_key = private.user_key('U1'), f.date_key, f.order_date::text "
                   "from warehouse.fact_orders f left join warehouse.dim_customer c using (customer_key)"),
              dump("select * from (values ('ORD-1', 'new', true, 20251213, '2025-12-13'), "
                   "('ORD-2', 'old', true, 20251213, '2025-12-13'), ('ORD-3', 'new', true, 20251213, '2025-12-13')) v"));
    EXPECT_EQ(dump("select f.order_id, f.line_number, p.category, p.is_inferred, c.segment "
                   "from warehouse.fact_order_lines f left join warehouse.dim_product p using (product_key) "
                   "left join warehouse.dim_customer c using (customer_key)"),
              dump("select * from (values ('ORD-1', 1, 'old', false, 'new'), ('ORD-1', 2, 'Unknown', true, 'new'), "
                   "('ORD-2', 1, 'old', false, 'old'), ('ORD-2', 2, 'Unknown', true, 'old'), "
                   "('ORD-3', 1, 'new', false, 'new'), ('ORD-3', 2, 'Unknown', true, 'new')) v"));
}

// Shipping city and postal code live apart (private.order_shipping) and follow the order's latest state: new
// orders (ids past every known one) are inserted plainly, known ones merged, and a shipping row that outlived
// its staging row (staging rebuilt from raw) is overwritten, not duplicated.
TEST_F(OrdersTest, ShippingDetailsFollowTheLatestState) {
    auto shipped_to = [](std::string json, const std::string& city, const std::string& postal_code) {
        json.replace(json.find("San Jose"), 8, city);
        json.replace(json.find("95112"), 5, postal_code);
        return json;
    };
    write_day("2025-12-13", "part-1.json",
              order_json("ORD-20251213-1", "2025-12-13T09:15:02Z") + "\n" +
                  order_json("ORD-20251213-2", "2025-12-13T09:15:02Z") + "\n");
    write_day("2025-12-14", "part-1.json",
              shipped_to(order_json("ORD-20251213-1", "2025-12-14T08:00:00Z", "shipped"), "Austin", "73301") + "\n" +
                  shipped_to(order_json("ORD-20251214-1", "2025-12-14T08:00:00Z"), "Boston", "02101") + "\n");
    run_chain("2025-12-13");
    run_chain("2025-12-14");
    const char* shipping = "select order_id, city, postal_code from private.order_shipping";
    const char* expected = "values ('ORD-20251213-1', 'Austin', '73301'), ('ORD-20251213-2', 'San Jose', '95112'),"
                           "       ('ORD-20251214-1', 'Boston', '02101')";
    EXPECT_EQ(diff(shipping, expected), "");
    // staging rebuilt from raw: the shipping rows are there already and are overwritten
    db().exec("truncate staging.orders, staging.order_lines");
    db().exec("update private.order_shipping set city = 'stale'");
    run_ok("transform_orders", {"--date", "2025-12-13"});
    run_ok("transform_orders", {"--date", "2025-12-14"});
    EXPECT_EQ(diff(shipping, expected), "");
    EXPECT_EQ(count("select count(*) from staging.orders"), 3);
}

// The bulk path: a month holding enough of the load's orders gets a sub-partition of its own for the load
// (COPY FREEZE, indexes built when attached); the other months, a rerun and a small later load go through
// the parent. Either way the facts are the same.
TEST_F(OrdersTest, BulkMonthsGetTheirOwnPartitionAndLoadTheSameFacts) {
    const std::string items = R"([{"product_id":"P1","quantity":2,"unit_price":19.99,"discount":2.00}])";
    write_day("2025-12-01", "part-1.json",
              order_json("ORD-N", "2025-12-01T01:00:00Z", "placed", items, "2025-11-30T23:00:00Z") + "\n" +
                  order_json("ORD-D1", "2025-12-01T09:00:00Z", "placed", items, "2025-12-01T09:00:00Z") + "\n" +
                  order_json("ORD-D2", "2025-12-01T10:00:00Z", "paid", items, "2025-12-01T10:00:00Z") + "\n" +
                  order_json("ORD-D3", "2025-12-01T11:00:00Z", "placed", items, "2025-12-01T11:00:00Z") + "\n");
    write_day("2025-12-02", "part-1.json",
              order_json("ORD-D1", "2025-12-02T08:00:00Z", "refunded", items, "2025-12-01T09:00:00Z") + "\n");
    auto load = [&](const std::string& date, const std::string& bulk_min) {
        for (const char* task : {"extract_orders", "transform_orders", "load_dim_date"}) run_ok(task, {"--date", date});
        run_ok("load_fact_orders", {"--date", date, "--bulk-min-orders", bulk_min});
    };
    auto facts = [&] {
        return dump("select order_id, status, revenue::text, order_date::text, load_date::text from warehouse.fact_orders") +
               dump("select order_id, line_number, product_id, revenue::text, order_date::text, load_date::text "
                    "from warehouse.fact_order_lines");
    };

    load("2025-12-01", "2");  // December has 3 of the load's orders: bulk; November has 1: through the parent
    EXPECT_EQ(count("select count(*) from warehouse.fact_orders_y2025m12_d20251201"), 3);
    EXPECT_EQ(count("select count(*) from warehouse.fact_order_lines_y2025m12_d20251201"), 3);
    EXPECT_EQ(count("select count(*) from warehouse.fact_orders_y2025m11_default"), 1);
    EXPECT_EQ(scalar("select pg_get_expr(relpartbound, oid) from pg_class where relname = 'fact_orders_y2025m12_d20251201'"),
              "FOR VALUES IN ('2025-12-01')");
    // the attached table has the fact tables' indexes
    EXPECT_EQ(count("select count(*) from pg_indexes where tablename = 'fact_orders_y2025m12_d20251201'"),
              count("select count(*) from pg_indexes where tablename = 'fact_orders_y2025m12_default'"));
    std::string first = facts();
    load("2025-12-01", "2");  // a rerun: the sub-partition exists, its rows are replaced through the parent
    EXPECT_EQ(facts(), first);
    EXPECT_EQ(count("select count(*) from warehouse.fact_orders_y2025m12_d20251201"), 3);

    load("2025-12-02", "2");  // one order: through the parent, and its older state leaves the bulk partition
    EXPECT_EQ(scalar("select status || ' ' || load_date from warehouse.fact_orders where order_id = 'ORD-D1'"),
              "refunded 2025-12-02");
    EXPECT_EQ(count("select count(*) from warehouse.fact_orders_y2025m12_d20251201"), 2);
    std::string bulk = facts();

    // the same loads with no bulk month at all give the same facts
    db().exec("truncate warehouse.fact_orders, warehouse.fact_order_lines");
    load("2025-12-01", "1000000");
    load("2025-12-02", "1000000");
    EXPECT_EQ(facts(), bulk);
}

TEST_F(OrdersTest, ReversedLoadOrderGivesTheSameWarehouse) {
    // the order date moves too: an update can correct order_ts
    write_day("2025-12-13", "part-1.json", order_json("ORD-1", "2025-12-13T09:15:02Z", "placed") + "\n" +
                                               order_json("ORD-2", "2025-12-13T10:00:00Z", "placed") + "\n");
    write_day("2025-12-14", "part-1.json",
              order_json("ORD-1", "2025-12-14T08:00:00Z", "shipped", R"([{"product_id":"P2","quantity":1,"unit_price":5}])",
                         "2025-12-12T23:30:00-02:00") + "\n");
    run_chain("2025-12-13");
    run_chain("2025-12-14");
    std::string forward = dump("select order_id, status, revenue::text, order_date::text, load_date::text from warehouse.fact_orders") +
                          dump("select order_id, line_number, product_id, revenue::text, order_date::text from warehouse.fact_order_lines");
    EXPECT_EQ(scalar("select order_date from warehouse.fact_orders where order_id = 'ORD-1'"), "2025-12-13");

    // a second warehouse loaded in reverse
    db().exec("truncate raw.orders, staging.orders, staging.order_lines, warehouse.fact_orders, "
              "warehouse.fact_order_lines, warehouse.mart_refresh_queue, audit.bad_records");
    run_chain("2025-12-14");
    run_chain("2025-12-13");
    std::string reversed = dump("select order_id, status, revenue::text, order_date::text, load_date::text from warehouse.fact_orders") +
                           dump("select order_id, line_number, product_id, revenue::text, order_date::text from warehouse.fact_order_lines");
    EXPECT_EQ(reversed, forward);
}

// Random (UUID) ids carry no time order: every winner of the day is looked up in staging by key. An older
// state arriving later must not overwrite a newer one, a newer one must replace it with its lines and shipping,
// and within the day a tie on updated_at goes to the later file name by bytes ("part-B" < "part-a").
TEST_F(OrdersTest, RandomIdsKeepTheNewestStateAcrossAndWithinDays) {
    const std::string a = "f3a1c2de-0000-4000-8000-000000000001", b = "0b7e4f10-0000-4000-8000-000000000002",
                      c = "7c00aa00-0000-4000-8000-000000000003";
    write_day("2025-12-13", "part-1.json",
              order_json(a, "2025-12-13T20:00:00Z", "shipped") + "\n" + order_json(b, "2025-12-13T09:00:00Z") + "\n");
    write_day("2025-12-14", "part-a.json",
              order_json(a, "2025-12-13T12:00:00Z", "paid") + "\n" +             // older than day 1's: ignored
                  order_json(b, "2025-12-14T09:00:00Z", "delivered") + "\n");    // the tie's winner (later name)
    write_day("2025-12-14", "part-B.json",
              order_json(b, "2025-12-14T09:00:00Z", "paid", kTwoLines) + "\n" +
                  order_json(c, "2025-12-14T09:00:00Z", "placed", kTwoLines) + "\n");
    run_chain("2025-12-13");
    run_chain("2025-12-14");
    EXPECT_EQ(diff("select order_id, status, load_date::text, replaced_earlier, source_file like '%part-a.json' "
                   "from staging.orders",
                   "values ('" + a + "', 'shipped', '2025-12-13', false, false), "
                   "('" + b + "', 'delivered', '2025-12-14', true, true), "
                   "('" + c + "', 'placed', '2025-12-14', false, false)"),
              "");
    EXPECT_EQ(diff("select order_id, count(*)::int from staging.order_lines group by 1",
                   "values ('" + a + "', 1), ('" + b + "', 1), ('" + c + "', 2)"),
              "");
    EXPECT_EQ(count("select count(*) from private.order_shipping"), 3);
    EXPECT_EQ(diff("select order_id, status from warehouse.fact_orders",
                   "values ('" + a + "', 'shipped'), ('" + b + "', 'delivered'), ('" + c + "', 'placed')"),
              "");
    std::string state = warehouse_state();
    run_chain("2025-12-14");  // a rerun changes nothing
    EXPECT_EQ(warehouse_state(), state);
}

// The day's ids are looked up in staging while the day is still being parsed, so a staged state may come back
// between two versions of its order: here the day's first version of X is older than the staged one and its
// last, 60,000 orders later (past the first probe's answer), newer; Y's only version of the day is older.
TEST_F(OrdersTest, AStagedStateLosesToTheDaysLastVersionEvenWhenItsFirstWasOlder) {
    write_day("2025-12-13", "part-1.json",
              order_json("X", "2025-12-13T12:00:00Z", "paid") + "\n" + order_json("Y", "2025-12-13T12:00:00Z", "paid") +
                  "\n");
    run_chain("2025-12-13");
    std::string text = order_json("X", "2025-12-13T11:00:00Z", "placed") + "\n" +
                       order_json("Y", "2025-12-13T11:00:00Z", "placed") + "\n";
    for (int i = 0; i < 60000; ++i) text += order_json("F-" + std::to_string(i), "2025-12-14T09:00:00Z") + "\n";
    text += order_json("X", "2025-12-14T08:00:00Z", "shipped", kTwoLines) + "\n";
    write_day("2025-12-14", "part-1.json", text);
    run_chain("2025-12-14");
    EXPECT_EQ(diff("select order_id, status, load_date::text, replaced_earlier, line_count from staging.orders "
                   "where order_id in ('X', 'Y')",
                   "values ('X', 'shipped', '2025-12-14', true, 2), ('Y', 'paid', '2025-12-13', false, 1)"),
              "");
    EXPECT_EQ(count("select count(*) from staging.order_lines where order_id = 'X'"), 2);
    EXPECT_EQ(count("select count(*) from private.order_shipping where order_id in ('X', 'Y')"), 2);
    EXPECT_EQ(count("select count(*) from staging.orders"), 60002);
    EXPECT_EQ(dump("select order_id, status from warehouse.fact_orders where order_id in ('X', 'Y') order by 1"),
              "X|shipped\nY|paid\n");
}

TEST_F(OrdersTest, ConcurrentRunsOfOneTaskAndDateNeverDouble) {
    std::string text;
    for (int i = 0; i < 2000; ++i) text += order_json("ORD-" + std::to_string(i), "2025-12-13T09:15:02Z") + "\n";
    write_day("2025-12-13", "part-1.json", text);
    for (const char* task : {"extract_orders", "transform_orders", "load_fact_orders"}) {
        auto a = std::async(std::launch::async, [&] { return run(task, {"--date", "2025-12-13"}); });
        auto b = std::async(std::launch::async, [&] { return run(task, {"--date", "2025-12-13"}); });
        auto ra = a.get(), rb = b.get();
        EXPECT_EQ(ra.exit_code, 0) << ra.output;
        EXPECT_EQ(rb.exit_code, 0) << rb.output;
    }
    EXPECT_EQ(count("select count(*) from raw.orders"), 2000);
    EXPECT_EQ(count("select count(*) from staging.orders"), 2000);
    EXPECT_EQ(count("select count(*) from warehouse.fact_orders"), 2000);
    EXPECT_EQ(count("select count(*) from warehouse.fact_order_lines"), 2000);
}

TEST_F(OrdersTest, SigtermRollsBackAndTheNextRunFinishes) {
    std::string text;
    for (int i = 0; i < 600000; ++i) text += order_json("ORD-" + std::to_string(i), "2025-12-13T09:15:02Z") + "\n";
    write_day("2025-12-13", "part-1.json", text);
    std::string bin = std::string(ECOMM_BIN_DIR) + "/extract_orders";
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        execl(bin.c_str(), bin.c_str(), "--date", "2025-12-13", "--data-dir", data_dir_.c_str(), "--dsn", dsn_.c_str(),
              static_cast<char*>(nullptr));
        _exit(127);
    }
    // SIGTERM in the middle of the COPY: once the server shows it running (the extract is too fast for a fixed
    // delay), and a moment later
    auto wait_until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (count("select count(*) from pg_stat_activity where application_name = 'extract_orders' "
                 "and query like 'copy %'") == 0) {
        ASSERT_LT(std::chrono::steady_clock::now(), wait_until) << "extract_orders never started its COPY";
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto t0 = std::chrono::steady_clock::now();
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 1);
    EXPECT_LT(secs, 5.0);
    EXPECT_EQ(count("select count(*) from raw.orders"), 0);  // nothing half-written
    EXPECT_EQ(count("select count(*) from audit.task_runs where task = 'extract_orders' and status = 'failed' "
                    "and error like 'interrupted by signal 15%'"), 1);
    run_ok("extract_orders", {"--date", "2025-12-13"});
    EXPECT_EQ(count("select count(*) from raw.orders"), 600000);
}

}  // namespace ecomm::testing
