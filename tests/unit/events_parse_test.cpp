// Events feed parsing and record rules, no database: header mapping, record assembly across lines,
// field splitting, the contract's checks, and the fast-cpp-csv-parser behaviour the design relies on.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <fstream>
#include <unistd.h>

#include "common/errors.hpp"
#include "common/events_csv.hpp"
#include "common/fccp.hpp"
#include "common/timeutil.hpp"
#include "event_rules.hpp"
#include "first_arrivals.hpp"

namespace ecomm::events {
namespace {

const std::string kHeader = "event_id,user_id,session_id,event_type,event_ts,product_id,page_url,device,country";

std::string write_temp(const std::string& name, const std::string& text) {
    auto path = std::filesystem::temp_directory_path() / ("events_parse_test_" + std::to_string(getpid()) + name);
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
}

// A record with its text copied out (a Record's view dies with the next read).
struct OwnedRecord {
    std::string text;
    long line_no;
    int lines;
    bool unclosed_quote;
    bool bad_quote;
};

std::vector<OwnedRecord> read_records(const std::string& text, size_t expected_fields = 9) {
    std::string path = write_temp("records.csv", text);
    std::vector<OwnedRecord> out;
    {
        LineReader lines(path);
        RecordReader reader(lines, expected_fields);
        Record r;
        while (reader.next(r))
            out.push_back({std::string(r.text), r.line_no, r.lines, r.unclosed_quote, r.bad_quote});
    }
    std::filesystem::remove(path);
    return out;
}

TEST(EventsHeader, MapsColumnsByNameInAnyOrderAndIgnoresExtras) {
    HeaderMap h = parse_header("country,event_ts,extra,event_id,session_id,event_type", "events/d/a.csv");
    ASSERT_EQ(h.file_columns(), 6u);
    EXPECT_EQ(h.col_order[0], country);
    EXPECT_EQ(h.col_order[1], event_ts);
    EXPECT_EQ(h.col_order[2], -1);
    EXPECT_EQ(h.col_order[3], event_id);
    EXPECT_TRUE(h.present[session_id]);
    EXPECT_FALSE(h.present[user_id]);
    EXPECT_FALSE(h.present[device]);
}

TEST(EventsHeader, MissingRequiredColumnNamesFileAndColumn) {
    try {
        parse_header("event_id,user_id,session_id,event_type,product_id", "events/2025-12-13/b.csv");
        FAIL() << "a header without event_ts was accepted";
    } catch (const DataError& e) {
        EXPECT_EQ(e.code(), ExitCode::data_quality);
        EXPECT_NE(std::string(e.what()).find("events/2025-12-13/b.csv"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("\"event_ts\""), std::string::npos) << e.what();
    }
}

TEST(EventsHeader, DuplicatedKnownColumnIsRejected) {
    EXPECT_THROW(parse_header(kHeader + ",event_id", "f.csv"), DataError);
}

TEST(EventsQuotes, ScanFindsOpenFieldsStrayQuotesAndFieldCount) {
    EXPECT_EQ(scan_quotes("a,b,c").fields, 3u);
    auto ok = scan_quotes(R"(a,"x,y","say ""hi""",)");
    EXPECT_FALSE(ok.open);
    EXPECT_FALSE(ok.bad_quote);
    EXPECT_EQ(ok.fields, 4u);
    EXPECT_TRUE(scan_quotes(R"(a,"open field)").open);
    EXPECT_TRUE(scan_quotes(R"(a,b"c,d)").bad_quote);
    EXPECT_TRUE(scan_quotes(R"(a,"b"c,d)").bad_quote);
    auto cont = scan_quotes(R"(rest",x,y)", true);
    EXPECT_FALSE(cont.open);
    EXPECT_FALSE(cont.bad_quote);
}

TEST(EventsRecords, LineBreakInQuotedFieldIsOneRecordOfTwoLines) {
    auto recs = read_records(kHeader + "\nE1,U,S,page_view,2025-12-13T00:00:00Z,,\"/a\nb\",mobile,US\nE2,U,S,page_view,"
                                       "2025-12-13T00:00:00Z,,/c,mobile,US\n");
    ASSERT_EQ(recs.size(), 3u);
    EXPECT_EQ(recs[1].line_no, 2);
    EXPECT_EQ(recs[1].lines, 2);
    EXPECT_FALSE(recs[1].unclosed_quote);
    EXPECT_EQ(recs[1].text, "E1,U,S,page_view,2025-12-13T00:00:00Z,,\"/a\nb\",mobile,US");
    EXPECT_EQ(recs[2].line_no, 4);
    EXPECT_EQ(recs[2].lines, 1);
}

TEST(EventsRecords, UnclosedQuoteDoesNotSwallowTheFollowingRows) {
    auto recs = read_records("E1,U,S,page_view,T,,\"/never closed,mobile,US\nE2,U,S,page_view,T,,/c,mobile,US\n"
                             "E3,U,S,page_view,T,,\"/q,r\",mobile,US\n");
    ASSERT_EQ(recs.size(), 3u);
    EXPECT_TRUE(recs[0].unclosed_quote);
    EXPECT_EQ(recs[0].lines, 1);
    EXPECT_EQ(recs[1].line_no, 2);
    EXPECT_FALSE(recs[1].unclosed_quote);
    EXPECT_EQ(recs[2].line_no, 3);
    EXPECT_FALSE(recs[2].bad_quote);
}

TEST(EventsRecords, CrlfAndTruncatedLastLine) {
    auto recs = read_records("a,b\r\nc,\"d");
    ASSERT_EQ(recs.size(), 2u);
    EXPECT_EQ(recs[0].text, "a,b");
    EXPECT_EQ(recs[1].text, "c,\"d");
    EXPECT_TRUE(recs[1].unclosed_quote);
}

TEST(EventsSplit, UnquotesFieldsByHeaderNameAndCountsColumns) {
    HeaderMap h = parse_header("event_ts,extra,event_id,session_id,event_type,page_url", "f.csv");
    FieldSplitter s(h);
    std::string err;
    ASSERT_TRUE(s.split(R"(2025-12-13T00:00:00Z,zz,E1,S1,page_view,"/p?a=1,b=""x""")", err)) << err;
    EXPECT_STREQ(s.field(event_id), "E1");
    EXPECT_STREQ(s.field(event_ts), "2025-12-13T00:00:00Z");
    EXPECT_STREQ(s.field(page_url), R"(/p?a=1,b="x")");
    EXPECT_EQ(s.field(user_id), nullptr);
    EXPECT_FALSE(s.split("a,b,c", err));
    EXPECT_EQ(err, "expected 6 fields, found 3");
    EXPECT_FALSE(s.split("a,b,c,d,e,f,g", err));
    EXPECT_EQ(err, "expected 6 fields, found 7");
    ASSERT_TRUE(s.split(",,,,,", err)) << err;
    EXPECT_STREQ(s.field(event_id), "");
}

std::array<std::string_view, column_count> event(std::string_view type, std::string_view ts,
                                                 std::string_view product = "P1", std::string_view dev = "mobile") {
    return {"E1", "U1", "S1", type, ts, product, "/p", dev, "US"};
}

TEST(EventsRules, ContractChecksInOrder) {
    const int64_t day = *parse_date("2025-12-13");
    int64_t ts = 0;
    EXPECT_FALSE(check_event(event("product_view", "2025-12-13T09:14:11Z"), day, ts));
    EXPECT_EQ(ts, *parse_rfc3339("2025-12-13T09:14:11Z"));
    auto f = event("page_view", "2025-12-13T09:14:11Z", "", "");
    EXPECT_FALSE(check_event(f, day, ts)) << "product and device are optional for page_view";
    f[user_id] = "";
    EXPECT_FALSE(check_event(f, day, ts)) << "anonymous visitor";

    for (Column c : required_columns) {
        auto g = event("page_view", "2025-12-13T09:14:11Z");
        g[c] = "";
        auto p = check_event(g, day, ts);
        ASSERT_TRUE(p);
        EXPECT_EQ(p->reason, Reason::missing_field);
        EXPECT_NE(p->detail.find(column_names[c]), std::string::npos) << p->detail;
    }
    for (auto type : {"product_view", "add_to_cart", "remove_from_cart"}) {
        auto p = check_event(event(type, "2025-12-13T09:14:11Z", ""), day, ts);
        ASSERT_TRUE(p) << type;
        EXPECT_EQ(p->reason, Reason::missing_field);
        EXPECT_NE(p->detail.find("product_id"), std::string::npos);
    }
    auto p = check_event(event("click", "2025-12-13T09:14:11Z"), day, ts);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->reason, Reason::invalid_value);
    EXPECT_NE(p->detail.find("click"), std::string::npos);
    p = check_event(event("page_view", "2025-12-13T09:14:11Z", "", "phone"), day, ts);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->reason, Reason::invalid_value);
    for (auto bad : {"2025-12-13 09:14", "2025-13-01T00:00:00Z", "2025-12-13T09:14:11", "yesterday"}) {
        p = check_event(event("page_view", bad), day, ts);
        ASSERT_TRUE(p) << bad;
        EXPECT_EQ(p->reason, Reason::invalid_value) << bad;
    }
    // the end of the load date plus one hour is the last accepted instant
    EXPECT_FALSE(check_event(event("page_view", "2025-12-14T01:00:00Z"), day, ts));
    p = check_event(event("page_view", "2025-12-14T01:00:01Z"), day, ts);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->reason, Reason::future_timestamp);
    // missing_field wins over invalid_value
    auto g = event("click", "bad");
    g[session_id] = "";
    EXPECT_EQ(check_event(g, day, ts)->reason, Reason::missing_field);
}

// Why the extract does not use fccp's CSVReader::read_row end to end: a line break inside a quoted field
// makes the first half throw, and the second half then comes back as a row of its own.
TEST(FccpBehaviour, CsvReaderSplitsAMultiLineRecordInTwo) {
    std::string text = "a,b,c\n1,\"x\ny\",3\n\"z\",w,v\n4,5,6\n";
    io::CSVReader<3, io::trim_chars<>, io::double_quote_escape<',', '"'>> in("mem.csv", text.data(),
                                                                              text.data() + text.size());
    in.read_header(io::ignore_extra_column | io::ignore_missing_column, "a", "b", "c");
    EXPECT_TRUE(in.has_column("b"));
    char *a, *b, *c;
    EXPECT_THROW(in.read_row(a, b, c), io::error::escaped_string_not_closed);
    EXPECT_EQ(in.get_file_line(), 2u);
    // per-row catching does continue, but with the record's second physical line
    EXPECT_THROW(in.read_row(a, b, c), io::error::escaped_string_not_closed);  // y",3
    ASSERT_TRUE(in.read_row(a, b, c));
    EXPECT_STREQ(a, "z");
    ASSERT_TRUE(in.read_row(a, b, c));
    EXPECT_STREQ(a, "4");
    EXPECT_FALSE(in.read_row(a, b, c));
}

TEST(FccpBehaviour, MissingColumnIsNotReportedByReadHeaderWithIgnoreMissing) {
    std::string text = "b,c\n1,2\n";
    io::CSVReader<3, io::trim_chars<>, io::double_quote_escape<',', '"'>> in("mem.csv", text.data(),
                                                                              text.data() + text.size());
    in.read_header(io::ignore_extra_column | io::ignore_missing_column, "a", "b", "c");
    EXPECT_FALSE(in.has_column("a"));  // the caller has to check has_column itself
    const char* a = "untouched";
    char *b, *c;
    ASSERT_TRUE(in.read_row(a, b, c));
    EXPECT_STREQ(a, "untouched");  // a missing column leaves the variable as it was
}

// ---------------------------------------------------------------- first arrival per event_id

struct Kept {
    std::string id, file, user, fields;
    int64_t line_no;
};

std::vector<Kept> kept_events(FirstArrivals& day) {
    std::vector<Kept> out;
    day.for_each([&](const SpooledEvent& e) {
        out.push_back({std::string(e.event_id), std::string(e.source_file), std::string(e.user_id),
                       std::string(e.fields), e.line_no});
    });
    return out;
}

TEST(EventsFirstArrivals, KeepsTheSmallestFileAndLinePerIdInAnyArrivalOrder) {
    FirstArrivals day;
    const uint32_t b = day.file_index("part-b.csv"), a = day.file_index("part-a.csv");
    EXPECT_EQ(day.file_index("part-b.csv"), b);
    auto outcome = [](FirstArrivals::Added r) {
        return std::to_string(r.kept) + (r.displaced ? " " + std::to_string(r.displaced_file) + ":" +
                                                           std::to_string(r.displaced_line_no)
                                                     : "");
    };
    EXPECT_EQ(outcome(day.add("e1", "u1", b, 5, "b5")), "1");
    EXPECT_EQ(outcome(day.add("e2", "", b, 6, "b6")), "1");
    // an earlier file: replaces b5
    EXPECT_EQ(outcome(day.add("e1", "u1", a, 9, "a9")), "1 " + std::to_string(b) + ":5");
    EXPECT_EQ(outcome(day.add("e1", "u1", a, 10, "a10")), "0");  // later than a9: dropped
    // an earlier line of the same file: replaces b6
    EXPECT_EQ(outcome(day.add("e2", "", b, 2, "b2")), "1 " + std::to_string(b) + ":6");
    EXPECT_EQ(outcome(day.add("e3", "u3", a, 1, "a1")), "1");
    EXPECT_EQ(day.file_name(a), "part-a.csv");
    auto kept = kept_events(day);
    ASSERT_EQ(kept.size(), 3u);
    EXPECT_EQ(day.kept(), 3);
    EXPECT_EQ(day.repeats(), 3);
    // spool order: the arrivals that stayed, in the order they came
    EXPECT_EQ(kept[0].id, "e1");
    EXPECT_EQ(kept[0].file, "part-a.csv");
    EXPECT_EQ(kept[0].line_no, 9);
    EXPECT_EQ(kept[0].fields, "a9");
    EXPECT_EQ(kept[0].user, "u1");
    EXPECT_EQ(kept[1].id, "e2");
    EXPECT_EQ(kept[1].line_no, 2);
    EXPECT_EQ(kept[1].user, "");
    EXPECT_EQ(kept[2].id, "e3");
}

TEST(EventsFirstArrivals, ManyIdsAcrossSpoolBlocksAndAGrowingTableStayExact) {
    FirstArrivals day;
    const uint32_t f = day.file_index("f.csv");
    const std::string big(300000, 'x');  // records over the 1 MiB write and read blocks' edges
    const int n = 200000;               // past the table's first sizes (it grows several times)
    for (int i = 0; i < n; ++i) day.add("id-" + std::to_string(i), "", f, 1000000 + i, i % 50000 == 7 ? big : "v");
    for (int i = 0; i < n; i += 3) day.add("id-" + std::to_string(i), "", f, i, "w");  // earlier: replace
    for (int i = 1; i < n; i += 3) day.add("id-" + std::to_string(i), "", f, 2000000 + i, "z");  // later: dropped
    std::map<std::string, Kept> by_id;
    for (auto& k : kept_events(day)) EXPECT_TRUE(by_id.emplace(k.id, k).second) << "kept twice: " << k.id;
    ASSERT_EQ(by_id.size(), static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const Kept& k = by_id.at("id-" + std::to_string(i));
        if (i % 3 == 0) {
            EXPECT_EQ(k.line_no, i);
            EXPECT_EQ(k.fields, "w");
        } else {
            EXPECT_EQ(k.line_no, 1000000 + i);
            EXPECT_EQ(k.fields, i % 50000 == 7 ? big : "v");
        }
    }
}

// The final COPY's order: every kept event once, in byte order of the id (collate "C": "B" < "a", "a" < "ab",
// bytes above 0x7F last), whether the day fits in one run or is merged from many.
TEST(EventsFirstArrivals, InIdOrderGivesTheKeptEventsSortedByteForByteFromOneRunOrMany) {
    FirstArrivals day;
    const uint32_t f = day.file_index("f.csv");
    const std::string big(300000, 'x');
    std::vector<std::string> ids = {"a", "B", "ab", "\xC3\xA9t\xC3\xA9", "a\x01", "Z9", "0"};
    for (int i = 0; i < 30000; ++i) ids.push_back("id-" + std::to_string((i * 7919) % 30000));  // shuffled
    for (size_t i = 0; i < ids.size(); ++i)
        day.add(ids[i], "", f, 100000 + static_cast<int64_t>(i), i == 9 ? big : "v" + ids[i]);
    day.add("id-5", "", f, 1, "earlier");  // replaces its first arrival
    std::vector<std::string> want = ids;
    std::sort(want.begin(), want.end());  // std::string compares as unsigned bytes
    std::vector<Kept> spool_order = kept_events(day);
    for (size_t run_bytes : {size_t{1} << 30, size_t{4096}, size_t{1}}) {
        std::vector<std::string> got;
        std::map<std::string, std::string> fields;
        day.for_each_in_id_order([&](const SpooledEvent& e) {
            got.emplace_back(e.event_id);
            fields[std::string(e.event_id)] = std::string(e.fields);
        }, run_bytes);
        EXPECT_EQ(got, want) << run_bytes;
        for (const auto& k : spool_order) EXPECT_EQ(fields[k.id], k.fields) << k.id << " " << run_bytes;
        EXPECT_EQ(fields["id-5"], "earlier");
    }
}

}  // namespace
}  // namespace ecomm::events
