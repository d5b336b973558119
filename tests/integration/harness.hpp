// Integration-test harness: a fresh database per test on the project's local PostgreSQL, the real task
// executables run as child processes (real exit codes, real logs), and SQL helpers to compare results.
// When the server cannot be reached the test fails loudly; it never skips.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/db.hpp"

namespace ecomm::testing {

struct RunResult {
    int exit_code;
    std::string output;  // stdout and stderr together
};

// Runs build/bin/<task> with args; returns its exit code and output.
RunResult run_binary(const std::string& task, const std::vector<std::string>& args);

// A fresh, migrated database for one test, dropped afterwards (kept with ECOMM_KEEP_TEST_DB=1).
class WarehouseTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    // Runs a task against this test's database: --dsn is added, and --data-dir unless given.
    RunResult run(const std::string& task, std::vector<std::string> args);
    // Runs a task and asserts its exit code, printing its output when it differs.
    void run_ok(const std::string& task, std::vector<std::string> args, int expected_exit = 0);

    Connection& db() { return *db_; }
    long long count(const std::string& sql) { return db_->scalar_int(sql); }
    std::string scalar(const std::string& sql) { return db_->scalar(sql).value_or("<null>"); }
    // Loads a CSV file with a header into a temporary table named `table` (all columns text).
    void load_csv(const std::string& table, const std::string& csv_path);
    // Rows of (query A except query B) union (B except A), formatted for a failure message; empty when equal.
    std::string diff(const std::string& a, const std::string& b, int limit = 20);
    // A canonical text dump of a query's rows (sorted, "|" between columns), to compare states across runs.
    std::string dump(const std::string& query);

    std::string dsn_;
    std::string dbname_;
    std::string data_dir_;  // a fresh temporary folder for this test's landing zone
    std::unique_ptr<Connection> db_;
};

// Writes text to a file, creating parent folders.
void write_file(const std::string& path, const std::string& text);
// Marks a day folder complete.
void touch_success(const std::string& day_dir);
// A unique temporary folder.
std::string temp_dir(const std::string& prefix);

}  // namespace ecomm::testing
