// dq_checks against a real database: clean day passes, defects fail with the rule, observed value and
// threshold, results are kept (and replaced on rerun), no-drop feeds skip, thresholds can be overridden.
#include <cstdlib>
#include <filesystem>

#include "harness.hpp"

namespace ecomm::testing {

class DqTest : public WarehouseTest {
protected:
    static constexpr const char* day = "2025-12-13";

    // n valid orders landed and staged by `day`; the first `mismatched` have a payment 1.00 off the revenue
    void orders(int n, int mismatched = 0) {
        const std::vector<std::optional<std::string>> p{day, std::to_string(n), std::to_string(mismatched)};
        db().exec("insert into raw.orders (load_date, source_file, line_no, record) "
                  "select $1::date, 'orders/x/a.json', g, '{}' from generate_series(1, $2::int) g", {day, std::to_string(n)});
        db().exec(
            "insert into staging.orders (order_id, user_id, order_ts, updated_at, status, currency, channel, "
            "payment_method, payment_amount, revenue, units, line_count, ship_country, ship_region, load_date, "
            "source_file, line_no, user_key) "
            "select 'O' || g, 'U' || g % 7, $1::date + time '12:00', $1::date + time '12:00', 'paid', 'USD', 'web', "
            "'paypal', 10.00 + case when g <= $3::int then 1 else 0 end, 10.00, 1, 1, 'US', 'CA', $1::date, "
            "'orders/x/a.json', g, private.user_key('U' || g % 7) from generate_series(1, $2::int) g",
            p);
        db().exec("insert into staging.order_lines (order_id, line_number, product_id, quantity, unit_price, discount, "
                  "revenue, load_date) select 'O' || g, 1, 'P1', 1, 10.00, 0, 10.00, $2::date "
                  "from generate_series(1, $1::int) g",
                  {std::to_string(n), day});
    }

    void events(int n) {
        db().exec("insert into raw.events (load_date, source_file, line_no, record) "
                  "select $1::date, 'events/x/a.csv', g + 1, 'x' from generate_series(1, $2::int) g",
                  {day, std::to_string(n)});
        db().exec("insert into staging.events (event_id, event_ts, event_date, event_type, session_id, user_key, "
                  "load_date, source_file, line_no) "
                  "select 'E' || g, $1::date + time '18:00', $1::date, 'page_view', 'S' || g, 'k' || g, $1::date, "
                  "'events/x/a.csv', g + 1 from generate_series(1, $2::int) g",
                  {day, std::to_string(n)});
    }

    void quarantined(const std::string& feed, const std::string& stage, const std::string& reason, int n) {
        db().exec("insert into audit.bad_records (load_date, feed, stage, source_file, line_no, reason, detail, record) "
                  "select $1::date, $2, $3, 'f', g, $4, 'd', 'r' from generate_series(1, $5::int) g",
                  {day, feed, stage, reason, std::to_string(n)});
    }

    std::string result(const std::string& rule) {
        return scalar("select coalesce(observed::text, 'null') || ' ' || threshold || ' ' || comparison || ' ' || "
                      "severity || ' ' || status || ' ' || coalesce(passed::text, 'null') from audit.dq_results "
                      "where load_date = '" + std::string(day) + "' and rule = '" + rule + "'");
    }
};

TEST_F(DqTest, CleanDayPassesAndRecordsEveryRule) {
    orders(100);
    events(200);
    auto r = run("dq_checks", {"--date", day});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const long long rules = count("select count(*) from audit.dq_results where load_date = '2025-12-13'");
    EXPECT_GE(rules, 20);
    EXPECT_EQ(count("select count(distinct rules_version) from audit.dq_results"), 1);
    EXPECT_EQ(result("orders_validity"), "100.0000 97 >= error passed true");
    EXPECT_EQ(result("orders_accuracy"), "100.0000 98 >= error passed true");
    EXPECT_EQ(result("orders_volume_min"), "100 1 >= error passed true");
    EXPECT_EQ(result("orders_freshness"), "12.0000 24 <= warn passed true");
    EXPECT_EQ(result("events_validity"), "100.0000 97 >= error passed true");
    EXPECT_EQ(result("events_unique_event_id"), "0 0 <= error passed true");
    // no products or customers drop that day: their rules are skipped, never failed
    EXPECT_EQ(result("products_volume_min"), "null 1 >= error skipped null");
    EXPECT_EQ(result("customers_volume_min"), "null 1 >= error skipped null");
    // every line's product is unknown to the (empty) product dimension: a warning, not a blocking failure
    EXPECT_EQ(result("orders_product_integrity"), "100.0000 5 <= warn failed false");
    EXPECT_NE(r.output.find("dq rule orders_product_integrity failed: observed 100.00% > threshold 5.00%"),
              std::string::npos)
        << r.output;

    // a rerun replaces the date's rows
    run_ok("dq_checks", {"--date", day});
    EXPECT_EQ(count("select count(*) from audit.dq_results where load_date = '2025-12-13'"), rules);
}

// The uniqueness rules count repeats only where no primary key prevents them: with the key, the day's ids are
// not grouped; without it (a table rebuilt by hand, say), a repeated id fails the day.
TEST_F(DqTest, RepeatedBusinessKeysFailOnceNoPrimaryKeyPreventsThem) {
    orders(10);
    events(10);
    run_ok("dq_checks", {"--date", day});
    EXPECT_EQ(result("orders_unique_order_id"), "0 0 <= error passed true");
    db().exec("alter table staging.orders drop constraint orders_pkey cascade");
    db().exec("alter table staging.events drop constraint events_pkey cascade");
    db().exec("insert into staging.orders select * from staging.orders where order_id in ('O1', 'O2')");
    db().exec("insert into staging.events select * from staging.events where event_id = 'E3'");
    auto r = run("dq_checks", {"--date", day, "--threshold", "orders_accuracy=0", "--threshold", "orders_validity=0"});
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_EQ(result("orders_unique_order_id"), "2 0 <= error failed false");
    EXPECT_EQ(result("events_unique_event_id"), "1 0 <= error failed false");
}

TEST_F(DqTest, HighDefectDayExitsThreeNamingRuleObservedAndThreshold) {
    orders(91);
    quarantined("orders", "extract", "malformed", 5);
    quarantined("orders", "transform", "invalid_value", 3);  // quarantined from raw rows: 91 raw, 88 valid of 96
    events(100);
    auto r = run("dq_checks", {"--date", day});
    ASSERT_EQ(r.exit_code, 3) << r.output;
    // landed 91 + 5 = 96; valid 96 - 8 = 88; 88 / 96 = 91.6667%
    EXPECT_NE(r.output.find("dq rule orders_validity failed: observed 91.67% < threshold 97.00%"), std::string::npos)
        << r.output;
    // the results are committed even though the run failed
    EXPECT_EQ(result("orders_validity"), "91.6667 97 >= error failed false");
    EXPECT_EQ(result("events_validity"), "100.0000 97 >= error passed true");
    EXPECT_EQ(scalar("select status from audit.task_runs where task = 'dq_checks'"), "failed");

    // an override (for tests and deliberate one-off reruns) lets the day through; the row shows the threshold used
    run_ok("dq_checks", {"--date", day, "--threshold", "orders_validity=90"});
    EXPECT_EQ(result("orders_validity"), "91.6667 90 >= error passed true");
}

TEST_F(DqTest, AccuracyCompletenessFutureAndVolumeFailures) {
    orders(100, 3);                                          // 97% payments match: < 98
    events(100);
    quarantined("events", "transform", "missing_field", 6);  // 94% complete: < 95 (and validity 94% < 97)
    db().exec("update staging.orders set order_ts = '2025-12-15T00:00:00Z', updated_at = '2025-12-15T00:00:00Z' "
              "where order_id = 'O50'");                    // later than the end of the day + 1 h
    auto r = run("dq_checks", {"--date", day});
    ASSERT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find("dq rule orders_accuracy failed: observed 97.00% < threshold 98.00%"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("dq rule events_completeness failed: observed 94.00% < threshold 95.00%"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("dq rule orders_future_timestamps failed: observed 1 > threshold 0"), std::string::npos)
        << r.output;
    EXPECT_EQ(count("select count(*) from audit.dq_results where load_date = '2025-12-13' and status = 'failed' "
                    "and severity = 'error'"),
              4);  // accuracy, future timestamps, events completeness, events validity
}

TEST_F(DqTest, AnEmptyDropFailsVolumeButNoDropSkipsIt) {
    events(10);
    // orders: the extract ran and found a complete drop with no records
    db().exec("insert into audit.task_runs (task, run_date, status) values ('extract_orders', '2025-12-13', 'succeeded')");
    // products: the extract said "no drop" (exit 99)
    db().exec("insert into audit.task_runs (task, run_date, status) values ('extract_products', '2025-12-13', 'skipped')");
    auto r = run("dq_checks", {"--date", day});
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find("dq rule orders_volume_min failed: observed 0 < threshold 1"), std::string::npos) << r.output;
    EXPECT_EQ(result("products_volume_min"), "null 1 >= error skipped null");
    EXPECT_EQ(scalar("select detail from audit.dq_results where rule = 'products_volume_min'"),
              "no products drop for 2025-12-13");
}

// A rules file of one's own, elsewhere than sql/: its statements are read from its own folder (dq/ beside it).
TEST_F(DqTest, RulesFileFromOptionOrEnvironment) {
    orders(10);
    const std::string dir = temp_dir("ecomm-rules");
    write_file(dir + "/dq/orders_at_least_50.sql",
               "-- the orders landed in raw for the load date\n"
               "select count(*) from raw.orders where load_date = $1::date\n");
    // a comment may name $1 where the query does not use it: the date goes only to a statement that does
    write_file(dir + "/dq/orders_warn_only.sql",
               "-- every load's orders, not only $1's\nselect count(*) from raw.orders\n");
    write_file(dir + "/rules.json", R"({"version": "test-3", "rules": [
        {"name": "orders_at_least_50", "dimension": "volume", "feed": "orders", "sql_file": "dq/orders_at_least_50.sql",
         "comparison": ">=", "threshold": 50, "unit": "count", "severity": "error"},
        {"name": "orders_warn_only", "dimension": "volume", "feed": "orders", "sql_file": "dq/orders_warn_only.sql",
         "comparison": ">=", "threshold": 1000, "unit": "count", "severity": "warn"}]})");
    auto r = run("dq_checks", {"--date", day, "--rules", dir + "/rules.json"});
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find("dq rule orders_at_least_50 failed: observed 10 < threshold 50"), std::string::npos);
    const size_t last = r.output.rfind("(exit 3)");
    ASSERT_NE(last, std::string::npos) << r.output;
    const std::string final_line = r.output.substr(r.output.rfind('\n', last) + 1, last - r.output.rfind('\n', last));
    EXPECT_EQ(final_line.find("orders_warn_only"), std::string::npos) << "a warn rule blocks: " << final_line;
    EXPECT_NE(r.output.find("dq rule orders_warn_only failed: observed 10 < threshold 1000 (severity warn, not blocking)"),
              std::string::npos)
        << r.output;
    EXPECT_EQ(count("select count(*) from audit.dq_results where rules_version = 'test-3'"), 2);

    setenv("ECOMM_DQ_RULES", (dir + "/rules.json").c_str(), 1);
    r = run("dq_checks", {"--date", day, "--threshold", "orders_at_least_50=5"});
    unsetenv("ECOMM_DQ_RULES");
    EXPECT_EQ(r.exit_code, 0) << r.output;

    write_file(dir + "/broken.json", R"({"version": "x", "rules": [{"name": "r"}]})");
    r = run("dq_checks", {"--date", day, "--rules", dir + "/broken.json"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("rule \"r\""), std::string::npos) << r.output;
}

// A rules file whose sql_file cannot be read, or that still carries an inline "sql", is a configuration error
// (exit 2) naming the file, the rule and the path, before any rule runs: the day's earlier results stay.
TEST_F(DqTest, AnUnreadableSqlFileOrAnInlineSqlStopsTheTaskBeforeAnyRule) {
    orders(10);
    const std::string dir = temp_dir("ecomm-rules");
    write_file(dir + "/dq/orders_landed.sql", "select count(*) from raw.orders where load_date = $1::date\n");
    auto rules = [&](const std::string& version, const std::string& second_rule_statement) {
        return R"({"version": ")" + version + R"(", "rules": [
            {"name": "orders_landed", "dimension": "volume", "feed": "orders", "sql_file": "dq/orders_landed.sql",
             "comparison": ">=", "threshold": 1, "unit": "count", "severity": "error"},
            {"name": "orders_second", "dimension": "volume", "feed": "orders", )" +
               second_rule_statement + R"(,
             "comparison": ">=", "threshold": 1, "unit": "count", "severity": "error"}]})";
    };
    write_file(dir + "/good.json", rules("good", R"("sql_file": "dq/orders_landed.sql")"));
    auto r = run("dq_checks", {"--date", day, "--rules", dir + "/good.json"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    ASSERT_EQ(count("select count(*) from audit.dq_results where rules_version = 'good' and status = 'passed'"), 2);

    write_file(dir + "/missing.json", rules("missing", R"("sql_file": "dq/orders_second.sql")"));
    r = run("dq_checks", {"--date", day, "--rules", dir + "/missing.json"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find(dir + "/missing.json: rule \"orders_second\": cannot read sql_file "
                                  "\"dq/orders_second.sql\" (" + dir + "/dq/orders_second.sql)"),
              std::string::npos)
        << r.output;

    write_file(dir + "/inline.json",
               rules("inline", R"("sql": "select count(*) from raw.orders where load_date = $1::date")"));
    r = run("dq_checks", {"--date", day, "--rules", dir + "/inline.json"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find(dir + "/inline.json: rule \"orders_second\": \"sql\" is no longer read: move the "
                                  "statement into a file and name it with \"sql_file\""),
              std::string::npos)
        << r.output;

    // neither run measured or stored anything: the good run's rows are the day's
    EXPECT_EQ(count("select count(*) from audit.dq_results where load_date = '2025-12-13'"), 2);
    EXPECT_EQ(count("select count(*) from audit.dq_results where rules_version <> 'good'"), 0);
}

// With the real extract and transform tasks on generated feeds: a clean day passes, a day with a 20% defect
// rate is blocked with the rule, observed value and threshold.
TEST_F(DqTest, GeneratedFeedsCleanDayPassesDefectiveDayIsBlocked) {
    for (const char* t : {"generate_data", "extract_orders", "transform_orders", "extract_events", "transform_events"})
        ASSERT_TRUE(std::filesystem::exists(std::string(ECOMM_BIN_DIR) + "/" + t)) << t << " is not built";
    auto pipeline = [&](const std::string& dir, const std::string& date) {
        for (const char* t : {"extract_orders", "extract_events", "extract_products", "extract_customers",
                              "transform_orders", "transform_events", "transform_products", "transform_customers"}) {
            if (!std::filesystem::exists(std::string(ECOMM_BIN_DIR) + "/" + t)) continue;
            auto r = run(t, {"--date", date, "--data-dir", dir});
            EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 99) << t << ":\n" << r.output;
        }
        return run("dq_checks", {"--date", date});
    };
    const std::string clean = temp_dir("ecomm-dq-clean"), dirty = temp_dir("ecomm-dq-dirty");
    auto g = run_binary("generate_data", {"--out", clean, "--start", "2025-12-13", "--days", "1", "--orders-per-day",
                                          "400", "--events-per-day", "800", "--defect-rate", "0"});
    ASSERT_EQ(g.exit_code, 0) << g.output;
    g = run_binary("generate_data", {"--out", dirty, "--start", "2025-12-14", "--days", "1", "--orders-per-day", "400",
                                     "--events-per-day", "800", "--defect-rate", "0.2"});
    ASSERT_EQ(g.exit_code, 0) << g.output;

    auto r = pipeline(clean, "2025-12-13");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(count("select count(*) from audit.dq_results where load_date = '2025-12-13' and status = 'failed' "
                    "and severity = 'error'"), 0);

    r = pipeline(dirty, "2025-12-14");
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find("dq rule orders_validity failed: observed "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("% < threshold 97.00%"), std::string::npos) << r.output;
    EXPECT_EQ(scalar("select status || ' ' || (observed < 97)::text from audit.dq_results "
                     "where load_date = '2025-12-14' and rule = 'orders_validity'"),
              "failed true");
    std::filesystem::remove_all(clean);
    std::filesystem::remove_all(dirty);
}

}  // namespace ecomm::testing
