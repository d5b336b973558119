// Randomized robustness on a real PostgreSQL: a generated day of every feed, a share of its records mutated at
// random (fixed seed: the same mutations every run), then every feed's extract and transform. Every input
// record must be accounted for exactly once, in raw (then staging's path) or quarantined with a reason; no task
// may exit other than 0; every record left alone must load.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "extract_products.hpp"
#include "harness.hpp"

namespace fs = std::filesystem;

namespace ecomm::testing {

namespace {

constexpr const char* kDate = "2025-12-01";  // a Monday: the generator drops the products snapshot too

// One input record as written: where it starts, how many physical lines it spans, whether it was mutated.
struct Input {
    std::string feed, source_file;
    long line_no = 0, last_line = 0;
    bool mutated = false;
};

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_all(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::string line;
    std::istringstream in(text);
    while (std::getline(in, line))
        if (!line.empty()) lines.push_back(line);
    return lines;
}

class Mutator {
public:
    explicit Mutator(uint64_t seed) : rng_(seed) {}
    bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
    size_t pick(size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

    // One random mutation of a record (JSON object or CSV row); never the same text back when it can help it.
    std::string mutate(const std::string& s, bool csv) {
        std::string m = s;
        const char sep = ',';
        switch (pick(10)) {
            case 0:  // truncation
                m = s.substr(0, 1 + pick(s.size() - 1));
                break;
            case 1: {  // a flipped bit
                size_t i = pick(s.size());
                m[i] = static_cast<char>(m[i] ^ (1 << pick(8)));
                break;
            }
            case 2: {  // a deleted key (a CSV field)
                size_t a = s.find(sep, pick(s.size()));
                if (a == std::string::npos) a = s.find(sep);
                size_t b = a == std::string::npos ? a : s.find(sep, a + 1);
                if (b != std::string::npos) m.erase(a, b - a);
                break;
            }
            case 3: {  // a duplicated key (a CSV field)
                size_t a = csv ? 0 : 1, b = s.find(sep);
                if (b != std::string::npos) m.insert(b + 1, s.substr(a, b - a + 1));
                break;
            }
            case 4: {  // a wrong type: a string value becomes a number, a CSV field a word
                size_t a = s.find(csv ? "," : "\":\"", pick(s.size()));
                if (a == std::string::npos) a = s.find(csv ? "," : "\":\"");
                if (a != std::string::npos) {
                    size_t v = a + (csv ? 1 : 2), e = s.find(csv ? ',' : '"', v + 1);
                    if (e != std::string::npos) m.replace(v, e - v + (csv ? 0 : 1), csv ? "notatime" : "42");
                }
                break;
            }
            case 5: {  // a huge number
                size_t d = s.find_first_of("0123456789", pick(s.size()));
                if (d == std::string::npos) d = s.find_first_of("0123456789");
                if (d != std::string::npos) m.insert(d, "99999999999999999999999999");
                break;
            }
            case 6: m.insert(pick(s.size()), 1, '\0'); break;
            case 7: m.insert(pick(s.size()), 1, '"'); break;
            case 8: m.insert(1 + pick(s.size() - 1), 1, '\n'); break;  // a line break inside
            default: m.insert(0, "\xEF\xBB\xBF"); break;  // a byte-order mark
        }
        return m;
    }

private:
    std::mt19937_64 rng_;
};

bool is_blank(const std::string& s) { return s.find_first_not_of(" \t\r") == std::string::npos; }

long count_lines(const std::string& s) { return static_cast<long>(std::count(s.begin(), s.end(), '\n')) + 1; }

}  // namespace

class RobustnessTest : public WarehouseTest {
protected:
    Mutator mut{20251201};
    std::vector<Input> inputs;
    fs::path day(const std::string& feed) { return fs::path(data_dir_) / "incoming" / feed / kDate; }
    std::string lineage(const std::string& feed, const std::string& file) {
        return feed + "/" + kDate + "/" + file;
    }

    // Records one input starting at `line` (advanced past it) and returns its text, mutated when asked (never
    // into a blank line or one starting with a line break: those would not be a record at all).
    std::string append_record(const std::string& feed, const std::string& file, long& line, const std::string& rec,
                              bool mutate, bool csv) {
        Input in{feed, lineage(feed, file), line, line, mutate};
        std::string text = rec;
        if (mutate) {
            do text = mut.mutate(rec, csv);
            while (is_blank(text) || text.find('\n') == 0);
        }
        in.last_line = line + count_lines(text) - 1;
        line = in.last_line + 1;
        inputs.push_back(in);
        return text;
    }

    // NDJSON: records mutated in place, one per line (a line break mutation makes it two)
    void mutate_ndjson(const std::string& feed) {
        for (const auto& entry : fs::directory_iterator(day(feed))) {
            const std::string name = entry.path().filename().string();
            if (name == "_SUCCESS") continue;
            std::string out;
            long line = 1;
            for (const std::string& rec : split_lines(read_all(entry.path())))
                out += append_record(feed, name, line, rec, mut.chance(0.3), false) + "\n";
            write_all(entry.path(), out);
        }
    }

    // events: the day cut into files of four records, a file's mutated record (if any) last, so a quote it
    // opens can only reach the end of its own file
    void mutate_events() {
        std::vector<std::string> lines;
        std::string header;
        for (const auto& entry : fs::directory_iterator(day("events"))) {
            if (entry.path().filename() == "_SUCCESS") continue;
            auto file_lines = split_lines(read_all(entry.path()));
            header = file_lines.at(0);
            lines.insert(lines.end(), file_lines.begin() + 1, file_lines.end());
            fs::remove(entry.path());
        }
        for (size_t start = 0, chunk = 0; start < lines.size(); start += 4, ++chunk) {
            char name[32];
            std::snprintf(name, sizeof name, "chunk-%04zu.csv", chunk);
            std::string out = header + "\n";
            long line = 2;
            const size_t end = std::min(lines.size(), start + 4);
            const bool mutate_last = mut.chance(0.9);
            for (size_t k = start; k < end; ++k)
                out += append_record("events", name, line, lines[k], k + 1 == end && mutate_last, true) + "\n";
            write_all(day("events") / name, out);
        }
    }

    // products: elements mutated only where the array still splits into the same elements (a file that does
    // not is rejected whole, by design: docs/DATA_CONTRACT.md)
    void mutate_products() {
        for (const auto& entry : fs::directory_iterator(day("products"))) {
            const std::string name = entry.path().filename().string();
            if (name == "_SUCCESS") continue;
            std::vector<std::string> elements;
            split_json_array(
                read_all(entry.path()), [&](std::string_view e, long) { elements.emplace_back(e); },
                [](long, std::string_view detail, std::string_view) { FAIL() << detail; });
            std::string out = "[\n";
            long line = 2;
            for (size_t k = 0; k < elements.size(); ++k) {
                Input in{"products", lineage("products", name), line, line, false};
                std::string text = elements[k];
                if (mut.chance(0.3)) {
                    for (int attempt = 0; attempt < 20; ++attempt) {
                        std::string m = mut.mutate(elements[k], false);
                        int found = 0;
                        bool broken = false;
                        split_json_array(
                            "[" + m + "]", [&](std::string_view e, long) { found += e == m ? 1 : 2; },
                            [&](long, std::string_view, std::string_view) { broken = true; });
                        if (found == 1 && !broken && m.find_first_of(" \t\r\n") != 0) {
                            text = m;
                            in.mutated = true;
                            break;
                        }
                    }
                }
                in.last_line = line + count_lines(text) - 1;
                line = in.last_line + 1;
                out += text + (k + 1 < elements.size() ? ",\n" : "\n");
                inputs.push_back(in);
            }
            write_all(entry.path(), out + "]\n");
        }
    }
};

TEST_F(RobustnessTest, MutatedRecordsOfEveryFeedAreQuarantinedAndTheRestLoad) {
    run_ok("generate_data", {"--out", data_dir_, "--start", kDate, "--days", "1", "--orders-per-day", "800",
                             "--events-per-day", "1500", "--products", "300", "--customers", "400",
                             "--defect-rate", "0"});
    mutate_ndjson("orders");
    mutate_ndjson("customers");
    mutate_events();
    mutate_products();
    ASSERT_FALSE(::testing::Test::HasFatalFailure());
    for (const char* feed : {"orders", "events", "products", "customers"}) {
        run_ok(std::string("extract_") + feed, {"--date", kDate});
        run_ok(std::string("transform_") + feed, {"--date", kDate});
    }

    db().exec("create temporary table inputs (feed text, source_file text, line_no bigint, last_line bigint, "
              "mutated boolean)");
    std::string values;
    long long mutated = 0;
    for (const auto& in : inputs) {
        values += (values.empty() ? "" : ",") + std::string("(") + db().quote_literal(in.feed) + "," +
                  db().quote_literal(in.source_file) + "," + std::to_string(in.line_no) + "," +
                  std::to_string(in.last_line) + "," + (in.mutated ? "true" : "false") + ")";
        mutated += in.mutated;
    }
    db().exec("insert into inputs values " + values);
    // what each feed's extract accounted for: its raw rows (then validated by the transform: staging's path or
    // a transform quarantine row) and the records it quarantined itself
    db().exec(R"sql(
        create temporary table accounted as
        select 'orders' as feed, source_file, line_no from raw.orders where load_date = '2025-12-01'
        union all select 'events', source_file, line_no from raw.events where load_date = '2025-12-01'
        union all select 'products', source_file, line_no from raw.products where load_date = '2025-12-01'
        union all select 'customers', source_file, line_no from raw.customers where load_date = '2025-12-01'
        union all select feed, source_file, line_no from audit.bad_records
                  where load_date = '2025-12-01' and stage = 'extract')sql");

    EXPECT_GT(inputs.size(), 2500u);
    EXPECT_GT(mutated, 500);
    // every input record exactly once at its first line
    EXPECT_EQ(count("select count(*) from inputs i where (select count(*) from accounted a where a.feed = i.feed "
                    "and a.source_file = i.source_file and a.line_no = i.line_no) <> 1"),
              0)
        << dump("select i.* from inputs i where (select count(*) from accounted a where a.feed = i.feed "
                "and a.source_file = i.source_file and a.line_no = i.line_no) <> 1 limit 10");
    // and nothing else, but the pieces of a mutated record that a line break cut in two
    EXPECT_EQ(count("select count(*) from accounted a where not exists (select 1 from inputs i where i.feed = a.feed "
                    "and i.source_file = a.source_file and (a.line_no = i.line_no or (i.mutated and a.line_no "
                    "between i.line_no and i.last_line)))"),
              0);
    // the records left alone all load: none quarantined, at extract or transform
    EXPECT_EQ(count("select count(*) from inputs i join audit.bad_records b on b.feed = i.feed and "
                    "b.source_file = i.source_file and b.line_no = i.line_no where not i.mutated"),
              0)
        << dump("select b.feed, b.source_file, b.line_no, b.reason, b.detail from inputs i join audit.bad_records b "
                "on b.feed = i.feed and b.source_file = i.source_file and b.line_no = i.line_no where not i.mutated "
                "limit 10");
    // every quarantined record has a reason and a detail
    EXPECT_EQ(count("select count(*) from audit.bad_records where reason is null or coalesce(detail, '') = ''"), 0);
    EXPECT_GT(count("select count(*) from audit.bad_records"), 300);
    // the valid records reached staging: every raw row not quarantined by the transform
    EXPECT_EQ(count("select count(*) from raw.customers r where not exists (select 1 from audit.bad_records b "
                    "where b.feed = 'customers' and b.source_file = r.source_file and b.line_no = r.line_no)"),
              count("select count(*) from staging.customers_changes"));
}

}  // namespace ecomm::testing
