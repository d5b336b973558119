// apply_retention with the clock set forward: nothing expires before its period, everything after it, and
// what it did is in audit.retention_runs.
#include "harness.hpp"

namespace ecomm::testing {

class RetentionTest : public WarehouseTest {
protected:
    void SetUp() override {
        WarehouseTest::SetUp();
        if (HasFatalFailure()) return;
        const std::string c = data_dir_ + "/incoming/customers/";
        write_file(c + "2025-12-01/part-1.json",
                   "{\"op\":\"upsert\",\"user_id\":\"U7\",\"email\":\"closed.seven@example.org\",\"first_name\":\"Ana\","
                   "\"last_name\":\"Sevenfold\",\"phone\":\"+1-408-555-0777\",\"segment\":\"premium\",\"country\":\"US\","
                   "\"region\":\"CA\",\"city\":\"Sevenvale\",\"updated_at\":\"2025-12-01T08:00:00Z\"}\n"
                   "{\"op\":\"upsert\",\"user_id\":\"U8\",\"email\":\"open.eight@example.org\",\"segment\":\"consumer\","
                   "\"country\":\"US\",\"updated_at\":\"2025-12-01T08:00:00Z\"}\n{\"user_id\":\"U9\",broken\n");
        write_file(c + "2025-12-02/part-1.json",
                   "{\"op\":\"delete\",\"user_id\":\"U7\",\"updated_at\":\"2025-12-02T08:00:00Z\"}\n");
        touch_success(c + "2025-12-01");
        touch_success(c + "2025-12-02");
        for (const char* d : {"2025-12-01", "2025-12-02"}) {
            run_ok("extract_customers", {"--date", d});
            run_ok("transform_customers", {"--date", d});
        }
    }
    void retention(const std::string& date) { run_ok("apply_retention", {"--date", date, "--run-id", "r-" + date}); }
};

TEST_F(RetentionTest, NothingExpiresBeforeItsPeriodEverythingAfterAndRunsAreRecorded) {
    retention("2025-12-20");  // 18 days after the delete: inside every default period
    EXPECT_EQ(count("select count(*) from private.customer_pii"), 2);
    EXPECT_EQ(count("select count(*) from raw.customers where record like '%closed.seven%'"), 1);
    EXPECT_EQ(count("select count(*) from audit.bad_records where record <> ''"), 1);
    EXPECT_EQ(count("select count(*) from audit.retention_runs where run_date = '2025-12-20' and rows_changed = 0"), 3);

    retention("2026-01-15");  // past the 30 days of closed accounts and quarantined text, not the raw 90
    EXPECT_EQ(count("select count(*) from private.customer_pii where user_id = 'U7'"), 0);
    EXPECT_EQ(count("select count(*) from private.customer_pii where user_id = 'U8'"), 1) << "an open account stays";
    EXPECT_EQ(count("select count(*) from private.erased_users"), 1);
    EXPECT_EQ(count("select count(*) from audit.erasures where request_id = 'retention:2026-01-15'"), 1);
    EXPECT_EQ(count("select count(*) from raw.customers where record like '%closed.seven%' or record like '%\"U7\"%'"), 0);
    EXPECT_EQ(count("select count(*) from raw.customers where record like '%open.eight%'"), 1);
    EXPECT_EQ(count("select count(*) from audit.bad_records where record <> ''"), 0);
    EXPECT_EQ(count("select count(*) from audit.bad_records where record = '' and reason = 'malformed' and line_no = 3"), 1);
    EXPECT_EQ(count("select rows_changed from audit.retention_runs where run_date = '2026-01-15' "
                    "and rule = 'closed_account_personal_data'"), 1);

    retention("2026-04-01");  // past the raw period: the open account's raw text is redacted too
    EXPECT_EQ(count("select count(*) from raw.customers where record like '%open.eight%'"), 0);
    EXPECT_EQ(count("select count(*) from raw.customers where record like '%\"segment\":\"consumer\"%'"), 1)
        << "the rest of the line stays";
    EXPECT_EQ(count("select count(*) from private.customer_pii where user_id = 'U8'"), 1)
        << "the structured layers keep what they hold";
    // a second run for the same date changes nothing more
    retention("2026-04-01");
    EXPECT_EQ(count("select count(*) from audit.retention_runs where run_date = '2026-04-01' and rows_changed = 0"), 2 + 3);
}

TEST_F(RetentionTest, ABadRulesFileIsAUsageError) {
    write_file(data_dir_ + "/bad.json", "{\"raw_record_text_days\": 90}");
    auto r = run("apply_retention", {"--date", "2026-01-01", "--rules", data_dir_ + "/bad.json"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("closed_account_personal_data_days"), std::string::npos) << r.output;
}

}  // namespace ecomm::testing
