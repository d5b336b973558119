// Logins and access: scripts/create-login makes analyst, privileged and etl logins; over TLS (the only way
// in besides the local socket) an analyst is denied every relation and column holding personal data, a
// privileged login reads them and pgaudit logs that read, and an etl login runs a task.
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/errors.hpp"
#include "harness.hpp"

namespace ecomm::testing {

namespace {

std::string shell(const std::string& cmd) {
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

const std::vector<std::string> personal_reads = {
    "select email from private.customer_pii",      "select first_name from private.customer_pii",
    "select last_name from private.customer_pii",  "select phone from private.customer_pii",
    "select city from private.customer_pii",       "select user_id from private.customer_pii",
    "select city, postal_code from private.order_shipping", "select user_id from staging.orders",
    "select record from raw.orders",               "select record from raw.customers",
    "select record from raw.events",               "select record, detail from audit.bad_records",
    "select * from private.erased_users",          "select * from audit.erasures"};

}  // namespace

class AccessTest : public WarehouseTest {
protected:
    std::string suffix_ = std::to_string(getpid());
    std::vector<std::string> logins_;

    // a login made by scripts/create-login with the password on stdin
    std::string login(const std::string& group) {
        std::string name = group.substr(0, 3) + "_t" + suffix_;
        std::string out = shell("echo 'pw-" + name + "' | " + std::string(ECOMM_SOURCE_DIR) + "/scripts/create-login " +
                                name + " " + group + " 2>&1");
        EXPECT_NE(out.find("is a login in ecomm_" + group), std::string::npos) << out;
        logins_.push_back(name);
        return name;
    }
    std::string tls_dsn(const std::string& name) {
        return "host=localhost port=" + std::string(std::getenv("PGPORT") ? std::getenv("PGPORT") : "54329") +
               " dbname=" + dbname_ + " user=" + name + " password=pw-" + name +
               " sslmode=verify-full sslrootcert=" + shell(std::string(ECOMM_SOURCE_DIR) + "/scripts/local-pg cert");
    }
    void TearDown() override {
        for (const auto& l : logins_) {
            try {
                db().exec("drop owned by " + db().quote_identifier(l));
            } catch (...) {
            }
        }
        WarehouseTest::TearDown();
        Connection admin("dbname=postgres", "integration_tests");
        for (const auto& l : logins_) {
            try {
                admin.exec("drop role if exists " + admin.quote_identifier(l));
            } catch (...) {
            }
        }
    }
    void load_customers() {
        write_file(data_dir_ + "/incoming/customers/2025-12-14/part-1.json",
                   "{\"op\":\"upsert\",\"user_id\":\"U1\",\"email\":\"a@example.com\",\"first_name\":\"Ana\","
                   "\"last_name\":\"Diaz\",\"phone\":\"+1-408-555-0134\",\"segment\":\"premium\",\"country\":\"US\","
                   "\"region\":\"CA\",\"city\":\"San Jose\",\"updated_at\":\"2025-12-13T08:00:00Z\"}\n{broken\n");
        touch_success(data_dir_ + "/incoming/customers/2025-12-14");
    }
};

TEST_F(AccessTest, AnalystIsDeniedEveryPersonalColumnPrivilegedReadsThemAndTheReadIsAudited) {
    load_customers();
    std::string etl = login("etl");
    // the pipeline as an etl login over TLS, not as the superuser
    auto r = run_binary("extract_customers", {"--date", "2025-12-14", "--data-dir", data_dir_, "--dsn", tls_dsn(etl)});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    r = run_binary("transform_customers", {"--date", "2025-12-14", "--data-dir", data_dir_, "--dsn", tls_dsn(etl)});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    ASSERT_EQ(count("select count(*) from private.customer_pii"), 1);

    Connection analyst(tls_dsn(login("analyst")), "access_test");
    EXPECT_EQ(analyst.scalar("select ssl::text from pg_stat_ssl where pid = pg_backend_pid()").value_or(""), "true");
    EXPECT_NO_THROW(analyst.exec("select * from marts.daily_sales"));
    EXPECT_NO_THROW(analyst.exec("select user_key from warehouse.dim_customer"));
    for (const auto& q : personal_reads) {
        try {
            analyst.exec(q);
            ADD_FAILURE() << "an analyst could run: " << q;
        } catch (const DbError& e) {
            EXPECT_EQ(e.sqlstate(), "42501") << q << ": " << e.what();
        }
    }

    std::string privileged_name = login("privileged");
    Connection privileged(tls_dsn(privileged_name), "access_test");
    for (const auto& q : personal_reads) EXPECT_NO_THROW(privileged.exec(q)) << q;
    EXPECT_EQ(privileged.scalar("select email from private.customer_pii").value_or(""), "a@example.com");

    // pgaudit: the read is in the server log, with the login and the relation
    std::string log_path = shell(std::string(ECOMM_SOURCE_DIR) + "/scripts/local-pg log");
    bool found = false;
    for (int i = 0; i < 50 && !found; ++i) {
        std::ifstream in(log_path);
        std::string line;
        while (std::getline(in, line))
            if (line.find("AUDIT: OBJECT") != std::string::npos && line.find(privileged_name + "@" + dbname_) != std::string::npos &&
                line.find("private.customer_pii") != std::string::npos && line.find("READ,SELECT") != std::string::npos)
                found = true;
        if (!found) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(found) << "no pgaudit line for " << privileged_name << " reading private.customer_pii in " << log_path;
}

TEST_F(AccessTest, LoginsOverTcpWithoutTlsAreRefused) {
    std::string name = login("analyst");
    std::string dsn = tls_dsn(name);
    dsn.replace(dsn.find("sslmode=verify-full"), std::string("sslmode=verify-full").size(), "sslmode=disable");
    try {
        Connection c(dsn, "access_test");
        ADD_FAILURE() << "a login without TLS was accepted";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("no encryption"), std::string::npos) << e.what();
    }
}

}  // namespace ecomm::testing
