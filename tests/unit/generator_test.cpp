// generate_data, the test oracle: deterministic, complete (every defect kind, every scenario), consistent with
// an independent re-count of the files it wrote, and flat in memory however many orders a day holds.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "common/line_reader.hpp"
#include "common/money.hpp"
#include "common/timeutil.hpp"
#include "generate_data.hpp"

namespace fs = std::filesystem;

namespace {

fs::path temp_dir(const std::string& name) {
    fs::path p = fs::temp_directory_path() / ("generator_test_" + std::to_string(getpid()) + "_" + name);
    fs::remove_all(p);
    return p;
}

ecomm::GeneratorOptions small(const fs::path& out) {
    ecomm::GeneratorOptions o;
    o.out = out.string();
    o.days = 7;
    o.orders_per_day = 3000;
    o.events_per_day = 3000;
    o.customers = 500;
    return o;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// FNV-1a over every file's relative path and bytes, in path order.
uint64_t tree_hash(const fs::path& root) {
    std::vector<fs::path> files;
    for (auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file()) files.push_back(fs::relative(e.path(), root));
    std::sort(files.begin(), files.end());
    uint64_t h = 1469598103934665603ULL;
    auto feed = [&](std::string_view s) {
        for (unsigned char ch : s) h = (h ^ ch) * 1099511628211ULL;
    };
    for (auto& f : files) {
        feed(f.string());
        feed(slurp(root / f));
    }
    return h;
}

std::vector<std::vector<std::string>> read_csv(const fs::path& p) {  // the oracle's simple CSV
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(slurp(p));
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> row;
        std::string field;
        bool quoted = false;
        for (size_t i = 0; i < line.size(); ++i) {
            char ch = line[i];
            if (quoted) {
                if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') field += '"', ++i;
                else if (ch == '"') quoted = false;
                else field += ch;
            } else if (ch == '"') quoted = true;
            else if (ch == ',') row.push_back(field), field.clear();
            else field += ch;
        }
        row.push_back(field);
        rows.push_back(row);
    }
    return rows;
}

std::vector<fs::path> data_files(const fs::path& day_dir) {
    std::vector<fs::path> files;
    for (auto& e : fs::directory_iterator(day_dir))
        if (e.path().filename() != "_SUCCESS") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

// One generated data set shared by the read-only tests.
class GeneratedData : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new fs::path(temp_dir("shared"));
        auto o = small(*dir_);
        o.gzip = true;
        ecomm::generate_data(o);
    }
    static void TearDownTestSuite() {
        fs::remove_all(*dir_);
        delete dir_;
    }
    static fs::path* dir_;
};
fs::path* GeneratedData::dir_ = nullptr;

}  // namespace

TEST(Generator, SameSeedGivesByteIdenticalOutputAndAnotherSeedDoesNot) {
    fs::path a = temp_dir("a"), b = temp_dir("b"), c = temp_dir("c");
    auto oa = small(a), ob = small(b), oc = small(c);
    oa.gzip = ob.gzip = oc.gzip = true;
    oc.seed = oa.seed + 1;
    ecomm::generate_data(oa);
    ecomm::generate_data(ob);
    ecomm::generate_data(oc);
    EXPECT_EQ(tree_hash(a), tree_hash(b));
    EXPECT_NE(tree_hash(a), tree_hash(c));
    EXPECT_NE(slurp(a / "expected" / "daily_sales.csv"), slurp(c / "expected" / "daily_sales.csv"));
    for (auto& p : {a, b, c}) fs::remove_all(p);
}

std::vector<std::string> lines_of(const fs::path& p) {
    std::vector<std::string> lines;
    std::istringstream in(slurp(p));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::string json_field(const std::string& line, const std::string& name) {
    const std::string key = "\"" + name + "\":\"";
    size_t b = line.find(key);
    if (b == std::string::npos) return "";
    b += key.size();
    return line.substr(b, line.find('"', b) - b);
}

// Two small data sets, the second with an option changed; the caller removes both folders.
template <class Change> std::pair<fs::path, fs::path> generate_pair(const std::string& name, Change change) {
    fs::path a = temp_dir(name + "_plain"), b = temp_dir(name + "_changed");
    auto oa = small(a), ob = small(b);
    change(ob);
    ecomm::generate_data(oa);
    ecomm::generate_data(ob);
    return {a, b};
}

// --shuffle reorders records within each file and nothing else: same records, same oracle, and the records
// of one order (or customer) still arrive in the order they were written, so arrival ties break the same way.
TEST(Generator, ShuffleReordersRecordsWithinFilesOnly) {
    auto [a, b] = generate_pair("shuffle", [](ecomm::GeneratorOptions& o) { o.shuffle = true; });
    EXPECT_EQ(tree_hash(a / "expected"), tree_hash(b / "expected"));
    int files = 0;
    for (auto& e : fs::recursive_directory_iterator(a / "incoming")) {
        if (!e.is_regular_file() || e.path().filename() == "_SUCCESS") continue;
        const fs::path other = b / fs::relative(e.path(), a);
        auto la = lines_of(e.path()), lb = lines_of(other);
        const bool shuffled = e.path().string().find("/products/") == std::string::npos;
        if (shuffled) {
            EXPECT_NE(la, lb) << other;
        }
        if (e.path().extension() == ".csv") {
            EXPECT_EQ(la.front(), lb.front()) << other << ": header first";
        }
        const std::string key = e.path().string().find("/orders/") != std::string::npos      ? "order_id"
                                : e.path().string().find("/customers/") != std::string::npos ? "user_id"
                                                                                            : "";
        if (!key.empty()) {
            std::map<std::string, std::vector<std::string>> ia, ib;
            for (auto& l : la) ia[json_field(l, key)].push_back(l);
            for (auto& l : lb) ib[json_field(l, key)].push_back(l);
            EXPECT_TRUE(ia == ib) << other << ": records of one " << key << " changed order";
        }
        std::sort(la.begin(), la.end());
        std::sort(lb.begin(), lb.end());
        EXPECT_EQ(la, lb) << other;
        ++files;
    }
    EXPECT_GT(files, 20);
    for (auto& p : {a, b}) fs::remove_all(p);
}

TEST(Generator, UuidIdsLeaveTheMartsOracleAsItIs) {
    auto [a, b] = generate_pair("uuid", [](ecomm::GeneratorOptions& o) { o.uuid_ids = true; });
    for (const char* f : {"daily_sales.csv", "sales_by_category.csv", "daily_events.csv", "funnel_daily.csv",
                          "customer_summary.csv", "quarantine.csv", "feed_counts.csv"})
        EXPECT_EQ(slurp(a / "expected" / f), slurp(b / "expected" / f)) << f;
    const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    std::set<std::string> ids;
    long long records = 0;
    for (auto& l : lines_of(b / "incoming" / "orders" / "2025-12-14" / "part-1.json")) {
        std::string id = json_field(l, "order_id");
        if (id.empty()) continue;  // a truncated defect
        EXPECT_TRUE(std::regex_match(id, uuid)) << id;
        ids.insert(id);
        ++records;
    }
    EXPECT_GT(ids.size(), 1000u);
    EXPECT_LT(static_cast<long long>(ids.size()), records);  // updates and repeats share their order's id
    auto events = lines_of(b / "incoming" / "events" / "2025-12-14" / "events-1.csv");
    ASSERT_GT(events.size(), 100u);
    EXPECT_TRUE(std::regex_search(events[50], uuid)) << events[50];
    for (auto& p : {a, b}) fs::remove_all(p);
}

// --customer-changes: customers order days before their first customer record.
TEST(Generator, CustomerChangesIntroduceCustomersOverTheDays) {
    fs::path a = temp_dir("gradual");
    auto o = small(a);
    o.customers = 2000;
    o.customer_changes = 100;
    o.defect_rate = 0;
    ecomm::generate_data(o);
    std::set<std::string> known, ordering;
    for (auto& l : lines_of(a / "incoming" / "customers" / "2025-12-13" / "customers.json"))
        known.insert(json_field(l, "user_id"));
    EXPECT_EQ(known.size(), 100u);
    for (auto& l : lines_of(a / "incoming" / "orders" / "2025-12-13" / "part-1.json"))
        ordering.insert(json_field(l, "user_id"));
    EXPECT_GT(ordering.size(), 5 * known.size());
    // about 100 a day: a change that meets a customer already sent that day is dropped, deletes come on top
    const size_t day3 = lines_of(a / "incoming" / "customers" / "2025-12-15" / "customers.json").size();
    EXPECT_GE(day3, 80u);
    EXPECT_LE(day3, 103u);
    fs::remove_all(a);
}

TEST(Generator, BadOptionsAreUsageErrors) {
    ecomm::GeneratorOptions o = small(temp_dir("bad"));
    o.start = "2025-13-01";
    EXPECT_THROW(ecomm::generate_data(o), ecomm::UsageError);
    o = small(temp_dir("bad"));
    o.products = 10;
    EXPECT_THROW(ecomm::generate_data(o), ecomm::UsageError);
}

TEST(Generator, CleanRunHasNoQuarantineAndNoFutureTimestamps) {
    fs::path d = temp_dir("clean");
    auto o = small(d);
    o.defect_rate = 0;
    ecomm::generate_data(o);
    EXPECT_EQ(slurp(d / "expected" / "quarantine.csv"), "load_date,feed,reason,count\n");
    auto counts = read_csv(d / "expected" / "feed_counts.csv");
    ASSERT_GT(counts.size(), 1u);
    for (size_t i = 1; i < counts.size(); ++i) EXPECT_EQ(counts[i][4], "0") << counts[i][0] << " " << counts[i][1];

    long checked = 0;
    simdjson::dom::parser parser;
    for (auto& day : fs::directory_iterator(d / "incoming" / "orders")) {
        const int64_t load = *ecomm::parse_date(day.path().filename().string());
        for (auto& f : data_files(day.path())) {
            ecomm::LineReader reader(f.string());
            ecomm::Line line;
            while (reader.next(line)) {
                simdjson::dom::element doc;
                ASSERT_EQ(parser.parse(line.text.data(), line.text.size()).get(doc), simdjson::SUCCESS);
                for (const char* field : {"order_ts", "updated_at"}) {
                    std::string_view ts;
                    ASSERT_EQ(doc[field].get(ts), simdjson::SUCCESS);
                    auto micros = ecomm::parse_rfc3339(ts);
                    ASSERT_TRUE(micros) << ts;
                    EXPECT_FALSE(ecomm::is_future(*micros, load)) << ts << " in " << f;
                    ++checked;
                }
            }
        }
    }
    for (auto& day : fs::directory_iterator(d / "incoming" / "events")) {
        const int64_t load = *ecomm::parse_date(day.path().filename().string());
        auto rows = read_csv(data_files(day.path()).at(0));
        auto col = std::find(rows[0].begin(), rows[0].end(), "event_ts") - rows[0].begin();
        for (size_t i = 1; i < rows.size(); ++i) {
            auto micros = ecomm::parse_rfc3339(rows[i].at(static_cast<size_t>(col)));
            ASSERT_TRUE(micros);
            EXPECT_FALSE(ecomm::is_future(*micros, load));
            ++checked;
        }
    }
    EXPECT_GT(checked, 7 * 3000 * 2);
    fs::remove_all(d);
}

TEST_F(GeneratedData, EveryQuarantineReasonAppearsPerFeedPerDay) {
    std::map<std::pair<std::string, std::string>, std::set<std::string>> reasons;
    for (auto& row : read_csv(*dir_ / "expected" / "quarantine.csv")) {
        if (row[0] == "load_date") continue;
        EXPECT_GT(std::stoll(row[3]), 0);
        reasons[{row[0], row[1]}].insert(row[2]);
    }
    const std::set<std::string> all = {"invalid_utf8", "malformed", "missing_field", "invalid_value",
                                       "future_timestamp"};
    std::set<std::string> with_currency = all;
    with_currency.insert("unsupported_currency");
    int product_days = 0;
    for (auto& row : read_csv(*dir_ / "expected" / "feed_counts.csv")) {
        if (row[0] == "load_date") continue;
        const auto& got = reasons[{row[0], row[1]}];
        EXPECT_EQ(got, row[1] == "orders" ? with_currency : all) << row[0] << " " << row[1];
        EXPECT_EQ(std::stoll(row[2]), std::stoll(row[3]) + std::stoll(row[4]));
        product_days += row[1] == "products";
    }
    EXPECT_EQ(product_days, 2);  // the first day and Monday 2025-12-15
    // an events record with a line break inside a quoted field exists and counts once
    bool line_break = false;
    for (auto& day : fs::directory_iterator(*dir_ / "incoming" / "events"))
        line_break |= slurp(data_files(day.path()).at(0)).find("\"/search?q=two\nlines\"") != std::string::npos;
    EXPECT_TRUE(line_break);
}

TEST_F(GeneratedData, EveryDayFolderHasSuccessAndTheOrdersLayout) {
    int folders = 0;
    for (auto& feed : fs::directory_iterator(*dir_ / "incoming"))
        for (auto& day : fs::directory_iterator(feed.path())) {
            EXPECT_TRUE(fs::exists(day.path() / "_SUCCESS")) << day.path();
            ++folders;
        }
    EXPECT_EQ(folders, 7 * 3 + 2);
    EXPECT_TRUE(fs::exists(*dir_ / "incoming/orders/2025-12-13/part-1.json"));
    EXPECT_TRUE(fs::exists(*dir_ / "incoming/orders/2025-12-13/part-2.json.gz"));
    EXPECT_TRUE(fs::exists(*dir_ / "incoming/products/2025-12-15/part-2.json"));
}

TEST_F(GeneratedData, ScenariosAreListedAndFindable) {
    std::map<std::string, std::string> sc;
    for (auto& row : read_csv(*dir_ / "expected" / "scenarios.csv"))
        if (row[0] != "name") sc[row[0]] = row[1];
    for (const char* name : {"late_product", "price_change", "category_change", "missing_from_snapshot",
                             "unknown_product", "segment_change", "city_change", "customer_delete", "anonymous_events",
                             "updated_order", "cancelled_order", "refunded_order", "quarantined_update",
                             "same_day_update_equal_updated_at", "repeated_line", "payment_mismatch",
                             "midnight_offset_next_utc_day", "midnight_offset_prev_utc_day", "repeated_event_next_day"})
        EXPECT_TRUE(sc.count(name)) << name;
    EXPECT_GT(std::stoll(sc["anonymous_events"]), 0);
    // the late product: ordered on the first day, absent from the first snapshot, present in the second
    const std::string late = "\"product_id\":\"" + sc["late_product"] + "\"";
    EXPECT_NE(slurp(*dir_ / "incoming/orders/2025-12-13/part-1.json").find(late), std::string::npos);
    EXPECT_EQ(slurp(*dir_ / "incoming/products/2025-12-13/products.json").find(late), std::string::npos);
    EXPECT_NE(slurp(*dir_ / "incoming/products/2025-12-15/part-1.json").find(late) +
                  slurp(*dir_ / "incoming/products/2025-12-15/part-2.json").find(late) + 1,
              0u);
    const std::string gone = "\"product_id\":\"" + sc["missing_from_snapshot"] + "\"";
    EXPECT_NE(slurp(*dir_ / "incoming/products/2025-12-13/products.json").find(gone), std::string::npos);
    EXPECT_EQ(slurp(*dir_ / "incoming/products/2025-12-15/part-1.json").find(gone), std::string::npos);
    EXPECT_EQ(slurp(*dir_ / "incoming/products/2025-12-15/part-2.json").find(gone), std::string::npos);
    // the updated order arrives again on a later day
    EXPECT_NE(slurp(*dir_ / "incoming/orders/2025-12-14/part-1.json").find(sc["updated_order"]), std::string::npos);
    // the segment change is a second version of that customer
    int versions = 0;
    for (auto& row : read_csv(*dir_ / "expected" / "customer_versions.csv")) versions += row[0] == sc["segment_change"];
    EXPECT_EQ(versions, 2);
}

// An independent re-count: re-read every orders file with simdjson, validate it, keep the latest state per
// order (greatest updated_at, then later day, file, line), and compare with feed_counts and daily_sales.
TEST_F(GeneratedData, OracleMatchesAReCountOfTheOrdersFiles) {
    struct State {
        int64_t updated_at, load;
        std::string file;
        long line;
        int64_t order_date;
        bool cancelled;
        long long revenue, units;
        std::string user;
    };
    std::map<std::string, State> latest;
    std::map<std::string, long long> valid_per_day;
    simdjson::dom::parser parser;
    const std::set<std::string_view> statuses = {"placed", "paid", "shipped", "delivered", "cancelled", "refunded"};
    const std::set<std::string_view> channels = {"web", "app", "marketplace"};
    const std::set<std::string_view> methods = {"credit_card", "debit_card", "paypal", "apple_pay", "gift_card"};
    for (auto& day : fs::directory_iterator(*dir_ / "incoming" / "orders")) {
        const std::string date = day.path().filename().string();
        const int64_t load = *ecomm::parse_date(date);
        for (auto& f : data_files(day.path())) {
            ecomm::LineReader reader(f.string());
            ecomm::Line line;
            while (reader.next(line)) {
                if (!simdjson::validate_utf8(line.text.data(), line.text.size())) continue;
                simdjson::dom::element doc;
                if (parser.parse(line.text.data(), line.text.size()).get(doc)) continue;
                std::string_view id, user, ots, uts, status, currency, channel, method;
                simdjson::dom::array items;
                if (doc["order_id"].get(id) || doc["user_id"].get(user) || doc["order_ts"].get(ots) ||
                    doc["updated_at"].get(uts) || doc["status"].get(status) || doc["currency"].get(currency) ||
                    doc["channel"].get(channel) || doc["items"].get(items) || doc["payment"]["method"].get(method))
                    continue;
                if (currency != "USD" || !statuses.count(status) || !channels.count(channel) || !methods.count(method))
                    continue;
                long long revenue = 0, units = 0;
                bool ok = true;
                for (auto item : items) {
                    int64_t qty = 0;
                    double price = 0, discount = 0;
                    if (item["quantity"].get(qty) || item["unit_price"].get(price)) ok = false;
                    if (auto d = item["discount"]; d.error() == simdjson::SUCCESS && d.get(discount)) ok = false;
                    if (!ok || qty < 1 || price < 0 || discount < 0 || discount > qty * price + 1e-9) {
                        ok = false;
                        break;
                    }
                    revenue += qty * std::llround(price * 100) - std::llround(discount * 100);
                    units += qty;
                }
                auto o = ecomm::parse_rfc3339(ots), u = ecomm::parse_rfc3339(uts);
                if (!ok || !o || !u || ecomm::is_future(*o, load) || ecomm::is_future(*u, load)) continue;
                ++valid_per_day[date];
                State s{*u, load, f.filename().string(), line.number, ecomm::utc_day(*o),
                        status == "cancelled" || status == "refunded", revenue, units, std::string(user)};
                auto [it, fresh] = latest.emplace(std::string(id), s);
                const State& old = it->second;
                if (!fresh && std::tie(old.updated_at, old.load, old.file, old.line) <=
                                  std::tie(s.updated_at, s.load, s.file, s.line))
                    it->second = s;
            }
        }
    }
    for (auto& row : read_csv(*dir_ / "expected" / "feed_counts.csv")) {
        if (row[1] == "orders") {
            EXPECT_EQ(valid_per_day[row[0]], std::stoll(row[3])) << row[0];
        }
    }

    struct Day {
        long long orders = 0, cr = 0, revenue = 0, units = 0;
        std::set<std::string> users;
    };
    std::map<std::string, Day> days;
    for (auto& [id, s] : latest) {
        Day& d = days[ecomm::format_date(s.order_date)];
        ++d.orders;
        if (s.cancelled) {
            ++d.cr;
            continue;
        }
        d.revenue += s.revenue;
        d.units += s.units;
        d.users.insert(s.user);
    }
    auto expected = read_csv(*dir_ / "expected" / "daily_sales.csv");
    ASSERT_EQ(expected.size(), days.size() + 1);
    for (size_t i = 1; i < expected.size(); ++i) {
        const auto& r = expected[i];
        const Day& d = days[r[0]];
        EXPECT_EQ(d.orders, std::stoll(r[1])) << r[0];
        EXPECT_EQ(d.cr, std::stoll(r[2])) << r[0];
        EXPECT_EQ(ecomm::format_cents(d.revenue), r[3]) << r[0];
        EXPECT_EQ(d.units, std::stoll(r[4])) << r[0];
        EXPECT_EQ(static_cast<long long>(d.users.size()), std::stoll(r[5])) << r[0];
        const long long n = d.orders - d.cr;
        EXPECT_EQ(ecomm::format_cents((2 * d.revenue + n) / (2 * n)), r[6]) << r[0];
    }
}

namespace {

// Peak RSS (kB) of a child process that generates one day of n orders.
long peak_rss_kb(long long orders) {
    int fds[2];
    if (pipe(fds) != 0) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        fs::path d = temp_dir("rss" + std::to_string(orders));
        ecomm::GeneratorOptions o;
        o.out = d.string();
        o.days = 2;
        o.orders_per_day = orders;
        o.events_per_day = 0;
        o.customers = 2000;
        long kb = -1;
        try {
            ecomm::generate_data(o);
            std::ifstream status("/proc/self/status");
            std::string line;
            while (std::getline(status, line))
                if (line.rfind("VmHWM:", 0) == 0) kb = std::stol(line.substr(6));
        } catch (...) {
        }
        fs::remove_all(d);
        (void)!write(fds[1], &kb, sizeof kb);
        _exit(0);
    }
    close(fds[1]);
    long kb = -1;
    (void)!read(fds[0], &kb, sizeof kb);
    close(fds[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    return kb;
}

}  // namespace

TEST(Generator, PeakMemoryDoesNotGrowWithOrdersPerDay) {
    const long small_kb = peak_rss_kb(20'000);
    const long large_kb = peak_rss_kb(200'000);
    ASSERT_GT(small_kb, 0);
    ASSERT_GT(large_kb, 0);
    EXPECT_LT(large_kb - small_kb, 4 * 1024) << "20k orders: " << small_kb << " kB, 200k orders: " << large_kb << " kB";
}
