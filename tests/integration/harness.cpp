// Integration-test harness implementation.
#include "harness.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/copy.hpp"

namespace fs = std::filesystem;

namespace ecomm::testing {

namespace {

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

// The maintenance connection: PG* variables (scripts/local-pg env) pointing at the local server.
std::string admin_dsn() {
    const char* d = std::getenv("ECOMM_TEST_ADMIN_DSN");
    return d ? d : "dbname=postgres";
}

}  // namespace

RunResult run_binary(const std::string& task, const std::vector<std::string>& args) {
    std::string cmd = shell_quote(std::string(ECOMM_BIN_DIR) + "/" + task);
    for (const auto& a : args) cmd += " " + shell_quote(a);
    cmd += " 2>&1";
    RunResult r{-1, ""};
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return r;
    std::array<char, 65536> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
    int status = pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

std::string temp_dir(const std::string& prefix) {
    static std::atomic<int> seq{0};
    auto dir = fs::temp_directory_path() /
               (prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(seq++));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir.string();
}

void write_file(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream out(path, std::ios::binary);
    out << text;
}

void touch_success(const std::string& day_dir) { write_file(day_dir + "/_SUCCESS", ""); }

void WarehouseTest::SetUp() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    static std::atomic<int> seq{0};
    dbname_ = "t_" + std::to_string(getpid()) + "_" + std::to_string(seq++) + "_" + info->name();
    for (auto& c : dbname_) c = std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '_';
    dbname_ = dbname_.substr(0, 60);
    try {
        Connection admin(admin_dsn(), "integration_tests");
        admin.exec("set client_min_messages = warning");
        admin.exec("drop database if exists " + admin.quote_identifier(dbname_));
        admin.exec("create database " + admin.quote_identifier(dbname_));
    } catch (const std::exception& e) {
        FAIL() << "cannot reach the test PostgreSQL (start it with scripts/local-pg start and "
                  "eval \"$(scripts/local-pg env)\"): "
               << e.what();
    }
    dsn_ = "dbname=" + dbname_;
    auto r = run_binary("migrate", {"--dsn", dsn_});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    db_ = std::make_unique<Connection>(dsn_, "integration_tests");
    data_dir_ = temp_dir("ecomm-data");
}

void WarehouseTest::TearDown() {
    db_.reset();
    if (std::getenv("ECOMM_KEEP_TEST_DB")) return;
    if (!data_dir_.empty()) fs::remove_all(data_dir_);
    try {
        Connection admin(admin_dsn(), "integration_tests");
        admin.exec("drop database if exists " + admin.quote_identifier(dbname_) + " with (force)");
    } catch (...) {
    }
}

RunResult WarehouseTest::run(const std::string& task, std::vector<std::string> args) {
    bool has_data_dir = false;
    for (const auto& a : args) has_data_dir |= a == "--data-dir";
    args.push_back("--dsn");
    args.push_back(dsn_);
    if (!has_data_dir) {
        args.push_back("--data-dir");
        args.push_back(data_dir_);
    }
    return run_binary(task, args);
}

void WarehouseTest::run_ok(const std::string& task, std::vector<std::string> args, int expected_exit) {
    auto r = run(task, args);
    ASSERT_EQ(r.exit_code, expected_exit) << task << " output:\n" << r.output;
}

void WarehouseTest::load_csv(const std::string& table, const std::string& csv_path) {
    std::ifstream in(csv_path);
    ASSERT_TRUE(in) << "cannot open " << csv_path;
    std::string header;
    std::getline(in, header);
    std::stringstream cols(header);
    std::string col, ddl;
    while (std::getline(cols, col, ',')) ddl += (ddl.empty() ? "" : ", ") + db_->quote_identifier(col) + " text";
    db_->exec("drop table if exists " + table);
    db_->exec("create temporary table " + table + " (" + ddl + ")");
    CopyIn copy(*db_, "copy " + table + " from stdin with (format csv)");
    std::string line;
    while (std::getline(in, line)) copy.write_raw(line + "\n");
    copy.finish();
}

std::string WarehouseTest::diff(const std::string& a, const std::string& b, int limit) {
    std::string sql = "select * from ((" + a + ") except all (" + b + ")) x";
    std::string sql2 = "select * from ((" + b + ") except all (" + a + ")) y";
    std::string out;
    for (auto [label, q] : {std::pair{"only in first: ", sql}, std::pair{"only in second: ", sql2}}) {
        Result r = db_->exec(q + " limit " + std::to_string(limit));
        for (int i = 0; i < r.rows(); ++i) {
            out += label;
            for (int c = 0; c < r.columns(); ++c) out += (c ? " | " : "") + (r.is_null(i, c) ? "<null>" : r.text(i, c));
            out += "\n";
        }
    }
    return out;
}

std::string WarehouseTest::dump(const std::string& query) {
    Result r = db_->exec(query);
    std::vector<std::string> rows;
    for (int i = 0; i < r.rows(); ++i) {
        std::string row;
        for (int c = 0; c < r.columns(); ++c) row += (c ? "|" : "") + (r.is_null(i, c) ? "<null>" : r.text(i, c));
        rows.push_back(std::move(row));
    }
    std::sort(rows.begin(), rows.end());
    std::string out;
    for (const auto& row : rows) out += row + "\n";
    return out;
}

}  // namespace ecomm::testing
