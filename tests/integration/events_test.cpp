// The events feed end to end on a real PostgreSQL: extract_events, transform_events and load_fact_events
// as real executables over hand-written landing files.
#include <zlib.h>

#include <chrono>
#include <future>
#include <thread>

#include "harness.hpp"

namespace ecomm::testing {

namespace {

const std::string kHeader = "event_id,user_id,session_id,event_type,event_ts,product_id,page_url,device,country\n";

// One hand-written day exercising every rule (line numbers matter: the assertions name them).
const std::string kDayA = kHeader +                                                              // 1
    "E01,U1,S1,product_view,2025-12-13T09:14:11Z,P000042,\"/p/42?ref=a,b\",mobile,US\n"          // 2 quoted comma
    "E02,,S2,page_view,2025-12-13T09:15:00+02:00,,\"/say \"\"hi\"\"\",desktop,DE\n"             // 3 anonymous
    "E03,U1,S1,page_view,2025-12-13T10:00:00Z,,\"/line\n"                                        // 4 line break
    "break\",tablet,US\n"                                                                        // 5 ...in a field
    "E04,U2,S3,add_to_cart,2025-12-13T11:00:00Z,P1,/c,mobile\n"                                  // 6 8 fields
    "E05,U2,S3,click,2025-12-13T11:00:00Z,P1,/c,mobile,US\n"                                     // 7 event_type
    "E06,U2,S3,page_view,2025-12-13T11:00:00Z,,/c,phone,US\n"                                    // 8 device
    "E07,U2,S3,page_view,2025-12-13 11:00,,/c,mobile,US\n"                                       // 9 timestamp
    "E08,U2,S3,add_to_cart,2025-12-13T11:00:00Z,,/c,mobile,US\n"                                 // 10 no product
    "E09,U2,,page_view,2025-12-13T11:00:00Z,,/c,mobile,US\n"                                     // 11 no session
    "E10,U2,S3,page_view,2025-12-14T02:00:00Z,,/c,mobile,US\n"                                   // 12 future
    "E11,U1,S1,page_view,2025-12-13T12:00:00Z,,/caf\xE9,mobile,US\n"                             // 13 not UTF-8
    "E12,U3,S4,purchase,2025-12-13T23:59:59-01:00,,/thanks,,US\n";                               // 14 UTC next day

// Columns reordered, an unknown extra column, no device column; E01 again (a later arrival).
const std::string kDayB =
    "session_id,event_ts,event_type,event_id,extra,country,user_id,product_id,page_url\n"
    "S5,2025-12-13T08:00:00Z,remove_from_cart,E20,whatever,FR,U4,P7,\"/cart,x\"\n"
    "S5,2025-12-13T08:01:00Z,begin_checkout,E21,\"q,\"\"z\"\"\",FR,U4,,/checkout\n"
    "S9,2025-12-13T08:02:00Z,page_view,E01,,FR,U9,,/dup\n";

// Every table the events chain writes, without surrogate keys or wall-clock columns.
const char* kRawDump = "select load_date, source_file, line_no, record from raw.events";
const char* kRawFilesDump = "select * from raw.event_files";
const char* kStagingDump = "select * from staging.events";
const char* kFactDump =
    "select f.event_id, f.event_date, f.event_ts, f.event_type, f.session_id, f.user_key, p.product_id, "
    "p.is_inferred, f.device, f.country, f.page_url, f.load_date, f.product_key is null as no_product "
    "from warehouse.fact_events f left join warehouse.dim_product p using (product_key)";
const char* kBadDump =
    "select load_date, stage, source_file, line_no, reason, detail, record from audit.bad_records where feed = 'events'";
const char* kQueueDump = "select * from warehouse.mart_refresh_queue where subject = 'events'";

void write_gzip(const std::string& path, const std::string& text) {
    write_file(path, "");  // creates the folders
    gzFile gz = gzopen(path.c_str(), "wb");
    ASSERT_NE(gz, nullptr);
    ASSERT_EQ(gzwrite(gz, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
    gzclose(gz);
}

}  // namespace

class EventsTest : public WarehouseTest {
protected:
    std::string day_dir(const std::string& date) { return data_dir_ + "/incoming/events/" + date; }
    void write_day(const std::string& date, const std::vector<std::pair<std::string, std::string>>& files) {
        for (const auto& [name, text] : files) write_file(day_dir(date) + "/" + name, text);
        touch_success(day_dir(date));
    }
    void chain(const std::string& date) {
        for (const char* task : {"extract_events", "transform_events", "load_fact_events"}) {
            run_ok(task, {"--date", date});
            if (::testing::Test::HasFatalFailure()) return;
        }
    }
    std::string state() {
        return dump(kRawDump) + "--\n" + dump(kRawFilesDump) + "--\n" + dump(kStagingDump) + "--\n" + dump(kFactDump) + "--\n" + dump(kBadDump) +
               "--\n" + dump(kQueueDump);
    }
};

TEST_F(EventsTest, HandWrittenDayLoadsValidEventsAndQuarantinesEveryBadRecordOnce) {
    write_day("2025-12-13", {{"a.csv", kDayA}, {"b.csv", kDayB}});
    ASSERT_NO_FATAL_FAILURE(chain("2025-12-13"));

    // raw: every well-formed UTF-8 record's exact line, and each file's header
    EXPECT_EQ(count("select count(*) from raw.events"), 12);
    EXPECT_EQ(scalar("select record from raw.events where source_file = 'events/2025-12-13/a.csv' and line_no = 3"),
              "E02,,S2,page_view,2025-12-13T09:15:00+02:00,,\"/say \"\"hi\"\"\",desktop,DE");
    EXPECT_EQ(diff("select source_file, header from raw.event_files",
                   "values ('events/2025-12-13/a.csv', '" + kHeader.substr(0, kHeader.size() - 1) + "'),"
                   "       ('events/2025-12-13/b.csv', '" + kDayB.substr(0, kDayB.find('\n')) + "')"),
              "");
    // the lines split by their own file's header: b.csv orders its columns differently and has no device
    EXPECT_EQ(scalar("select coalesce(device, '<null>') || '|' || country || '|' || page_url || '|' || session_id "
                     "from staging.events where event_id = 'E20'"),
              "<null>|FR|/cart,x|S5");
    EXPECT_EQ(scalar("select page_url from staging.events where event_id = 'E01'"), "/p/42?ref=a,b");

    // every quarantined record: stage, file, line, reason, and its raw text
    EXPECT_EQ(diff("select stage, source_file, line_no::text, reason from audit.bad_records",
                   "values ('extract', 'events/2025-12-13/a.csv', '4', 'malformed'),"
                   "       ('extract', 'events/2025-12-13/a.csv', '6', 'malformed'),"
                   "       ('extract', 'events/2025-12-13/a.csv', '13', 'invalid_utf8'),"
                   "       ('transform', 'events/2025-12-13/a.csv', '7', 'invalid_value'),"
                   "       ('transform', 'events/2025-12-13/a.csv', '8', 'invalid_value'),"
                   "       ('transform', 'events/2025-12-13/a.csv', '9', 'invalid_value'),"
                   "       ('transform', 'events/2025-12-13/a.csv', '10', 'missing_field'),"
                   "       ('transform', 'events/2025-12-13/a.csv', '11', 'missing_field'),"
                   "       ('transform', 'events/2025-12-13/a.csv', '12', 'future_timestamp')"),
              "");
    EXPECT_EQ(scalar("select record from audit.bad_records where line_no = 4"),
              "E03,U1,S1,page_view,2025-12-13T10:00:00Z,,\"/line\nbreak\",tablet,US");
    EXPECT_EQ(scalar("select record from audit.bad_records where line_no = 13"),
              "E11,U1,S1,page_view,2025-12-13T12:00:00Z,,/caf\\xE9,mobile,US");
    EXPECT_EQ(scalar("select record from audit.bad_records where line_no = 7"),
              "E05,U2,S3,click,2025-12-13T11:00:00Z,P1,/c,mobile,US");
    EXPECT_EQ(count("select count(*) from audit.bad_records where load_date = '2025-12-13' and feed = 'events' "
                    "and detail <> '' and record <> ''"),
              9);
    EXPECT_EQ(count("select count(*) from audit.bad_records where detail like '%\"product_id\"%'"), 1);
    EXPECT_EQ(count("select count(*) from audit.bad_records where detail like '%\"session_id\"%'"), 1);
    EXPECT_EQ(count("select count(*) from audit.bad_records where detail like '%phone%'"), 1);

    // staging: typed, first arrival (E01 from a.csv line 2, not b.csv's later copy), anonymous has no key
    EXPECT_EQ(diff("select event_id, event_type, event_ts::text, event_date::text, coalesce(device, '-'), "
                   "source_file, line_no::text from staging.events",
                   "values ('E01', 'product_view', '2025-12-13 09:14:11+00', '2025-12-13', 'mobile', "
                   "'events/2025-12-13/a.csv', '2'),"
                   "('E02', 'page_view', '2025-12-13 07:15:00+00', '2025-12-13', 'desktop', 'events/2025-12-13/a.csv', '3'),"
                   "('E12', 'purchase', '2025-12-14 00:59:59+00', '2025-12-14', '-', 'events/2025-12-13/a.csv', '14'),"
                   "('E20', 'remove_from_cart', '2025-12-13 08:00:00+00', '2025-12-13', '-', 'events/2025-12-13/b.csv', '2'),"
                   "('E21', 'begin_checkout', '2025-12-13 08:01:00+00', '2025-12-13', '-', 'events/2025-12-13/b.csv', '3')"),
              "");
    EXPECT_EQ(scalar("select page_url from staging.events where event_id = 'E02'"), "/say \"hi\"");
    EXPECT_EQ(scalar("select user_key is null from staging.events where event_id = 'E02'"), "t");
    EXPECT_EQ(scalar("select user_key = private.user_key('U1') from staging.events where event_id = 'E01'"), "t");

    // facts: one per event, product key as of event_ts (an inferred member for an unknown product)
    EXPECT_EQ(count("select count(*) from warehouse.fact_events"), 5);
    EXPECT_EQ(count("select count(distinct event_id) from warehouse.fact_events"), 5);
    EXPECT_EQ(scalar("select p.product_id || ':' || p.is_inferred from warehouse.fact_events f "
                     "join warehouse.dim_product p using (product_key) where f.event_id = 'E01'"),
              "P000042:true");
    EXPECT_EQ(scalar("select (product_key is null and user_key is null)::text from warehouse.fact_events "
                     "where event_id = 'E02'"),
              "true");
    EXPECT_EQ(scalar("select event_date || '/' || load_date from warehouse.fact_events where event_id = 'E12'"),
              "2025-12-14/2025-12-13");
    EXPECT_EQ(diff("select load_date::text, business_date::text from warehouse.mart_refresh_queue "
                   "where subject = 'events'",
                   "values ('2025-12-13', '2025-12-13'), ('2025-12-13', '2025-12-14')"),
              "");
}

TEST_F(EventsTest, FileMissingRequiredColumnRejectsTheWholeDayAndWritesNothing) {
    write_day("2025-12-13", {{"a.csv", kDayA},
                             {"b.csv", "event_id,user_id,session_id,event_type,product_id\nE1,U1,S1,page_view,\n"}});
    auto r = run("extract_events", {"--date", "2025-12-13"});
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find("events/2025-12-13/b.csv"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("\"event_ts\""), std::string::npos) << r.output;
    EXPECT_EQ(count("select count(*) from raw.events"), 0);
    EXPECT_EQ(count("select count(*) from audit.bad_records"), 0);
    EXPECT_EQ(scalar("select status || ' ' || exit_code from audit.task_runs where task = 'extract_events'"),
              "failed 3");
}

TEST_F(EventsTest, DropNotCompleteExitsOneAndNoDropExitsNinetyNine) {
    write_file(day_dir("2025-12-13") + "/a.csv", kDayA);  // no _SUCCESS
    auto r = run("extract_events", {"--date", "2025-12-13"});
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("_SUCCESS"), std::string::npos) << r.output;
    r = run("extract_events", {"--date", "2025-12-14"});
    EXPECT_EQ(r.exit_code, 99) << r.output;
    EXPECT_EQ(count("select count(*) from raw.events"), 0);
}

TEST_F(EventsTest, RerunningADateLeavesIdenticalTables) {
    write_day("2025-12-13", {{"a.csv", kDayA}, {"b.csv", kDayB}});
    ASSERT_NO_FATAL_FAILURE(chain("2025-12-13"));
    const std::string first = state();
    ASSERT_NE(first.find("E21"), std::string::npos);
    ASSERT_NO_FATAL_FAILURE(chain("2025-12-13"));
    EXPECT_EQ(state(), first);
    // each task alone, rerun out of turn, changes nothing either
    run_ok("transform_events", {"--date", "2025-12-13"});
    run_ok("load_fact_events", {"--date", "2025-12-13"});
    run_ok("load_fact_events", {"--date", "2025-12-13"});
    EXPECT_EQ(state(), first);
}

TEST_F(EventsTest, DaysLoadedInReverseOrderGiveTheSameStagingAndFactsAndKeepTheFirstArrival) {
    write_day("2025-12-13", {{"a.csv", kHeader +
                                           "E100,U1,S1,page_view,2025-12-13T10:00:00Z,,/home,mobile,US\n"
                                           "E101,U1,S1,product_view,2025-12-13T10:01:00Z,P5,/p/5,mobile,US\n"}});
    write_day("2025-12-14", {{"a.csv", kHeader +
                                           "E102,U2,S7,product_view,2025-12-14T09:00:00Z,P5,/p/5,desktop,FR\n"
                                           "E100,U2,S7,add_to_cart,2025-12-14T09:05:00Z,P6,/cart,desktop,FR\n"
                                           "E103,,S8,page_view,2025-12-14T09:06:00Z,,/,tablet,DE\n"}});
    ASSERT_NO_FATAL_FAILURE(chain("2025-12-13"));
    ASSERT_NO_FATAL_FAILURE(chain("2025-12-14"));
    const std::string forward_staging = dump(kStagingDump), forward_facts = dump(kFactDump);
    EXPECT_EQ(scalar("select load_date || ' ' || event_type || ' ' || line_no from staging.events "
                     "where event_id = 'E100'"),
              "2025-12-13 page_view 2");
    EXPECT_EQ(count("select count(*) from warehouse.fact_events"), 4);

    db().exec("truncate raw.events, staging.events, warehouse.fact_events, audit.bad_records, "
              "warehouse.mart_refresh_queue");
    ASSERT_NO_FATAL_FAILURE(chain("2025-12-14"));
    EXPECT_EQ(scalar("select event_type from warehouse.fact_events where event_id = 'E100'"), "add_to_cart");
    ASSERT_NO_FATAL_FAILURE(chain("2025-12-13"));
    EXPECT_EQ(dump(kStagingDump), forward_staging);
    EXPECT_EQ(dump(kFactDump), forward_facts);
    EXPECT_EQ(count("select count(*) from warehouse.fact_events where event_id = 'E100'"), 1);
    EXPECT_EQ(scalar("select event_date || ' ' || event_type || ' ' || load_date from warehouse.fact_events "
                     "where event_id = 'E100'"),
              "2025-12-13 page_view 2025-12-13");
    // the later load's row of E100 was on the 14th: that date's marts must be refreshed by the 13th's load
    EXPECT_EQ(count("select count(*) from warehouse.mart_refresh_queue where load_date = '2025-12-13' "
                    "and subject = 'events' and business_date = '2025-12-14'"),
              1);

    // and reloading the later day again keeps the first arrival
    ASSERT_NO_FATAL_FAILURE(chain("2025-12-14"));
    EXPECT_EQ(dump(kStagingDump), forward_staging);
    EXPECT_EQ(dump(kFactDump), forward_facts);
}

// A day re-delivered without an event that another day also delivered: the other arrival takes over staging's
// row and the fact row follows (docs/DATA_CONTRACT.md, events), whichever order the days were loaded in. The
// end state is the one the final deliveries give when loaded afresh.
TEST_F(EventsTest, ReDeliveredDayWithoutAnEventHandsItToItsArrivalOnAnotherDay) {
    const std::string day13 = kHeader +
                              "E200,U1,S1,page_view,2025-12-13T10:00:00Z,,/home,mobile,US\n"
                              "E201,U1,S1,product_view,2025-12-13T10:01:00Z,P5,/p/5,mobile,US\n"
                              "E203,U1,S1,page_view,2025-12-13T10:02:00Z,,/gone,mobile,US\n"
                              "\"E2\"\"04\\\\,x\",,S1,page_view,2025-12-13T10:03:00Z,,/q,mobile,US\n";
    const std::string day13_again = kHeader + "E201,U1,S1,product_view,2025-12-13T10:01:00Z,P5,/p/5,mobile,US\n";
    const std::string day14 = kHeader +
                              "E202,U2,S7,product_view,2025-12-14T09:00:00Z,P5,/p/5,desktop,FR\n"
                              "E200,U2,S7,add_to_cart,2025-12-14T09:05:00Z,P6,/cart,desktop,FR\n"
                              "\"E2\"\"04\\\\,x\",,S8,purchase,2025-12-14T09:06:00Z,,/t,mobile,US\n";
    const char* truncate_all = "truncate raw.events, raw.event_files, staging.events, warehouse.fact_events, "
                               "audit.bad_records, warehouse.mart_refresh_queue, staging.events_handed_over";

    // what the final deliveries give loaded afresh: E200 from the 14th, E203 nowhere
    write_day("2025-12-13", {{"a.csv", day13_again}});
    write_day("2025-12-14", {{"a.csv", day14}});
    ASSERT_NO_FATAL_FAILURE(chain("2025-12-13"));
    ASSERT_NO_FATAL_FAILURE(chain("2025-12-14"));
    const std::string fresh_staging = dump(kStagingDump), fresh_facts = dump(kFactDump);
    ASSERT_EQ(scalar("select load_date || ' ' || event_type from staging.events where event_id = 'E200'"),
              "2025-12-14 add_to_cart");

    for (const bool later_day_first : {false, true}) {
        SCOPED_TRACE(later_day_first ? "the 14th loaded first" : "the 13th loaded first");
        db().exec(truncate_all);
        write_day("2025-12-13", {{"a.csv", day13}});
        ASSERT_NO_FATAL_FAILURE(chain(later_day_first ? "2025-12-14" : "2025-12-13"));
        ASSERT_NO_FATAL_FAILURE(chain(later_day_first ? "2025-12-13" : "2025-12-14"));
        ASSERT_EQ(scalar("select load_date::text from staging.events where event_id = 'E200'"), "2025-12-13");

        // the 13th is re-delivered without E200 and E203, and reloaded
        write_day("2025-12-13", {{"a.csv", day13_again}});
        ASSERT_NO_FATAL_FAILURE(chain("2025-12-13"));
        EXPECT_EQ(scalar("select load_date || ' ' || event_type || ' ' || line_no || ' ' || replaced_earlier "
                         "from staging.events where event_id = 'E200'"),
                  "2025-12-14 add_to_cart 3 false");
        EXPECT_EQ(scalar("select event_date || ' ' || event_type || ' ' || load_date || ' ' || "
                         "(user_key = private.user_key('U2')) from warehouse.fact_events where event_id = 'E200'"),
                  "2025-12-14 add_to_cart 2025-12-14 true");
        EXPECT_EQ(scalar("select load_date || ' ' || event_type from warehouse.fact_events "
                         "where event_id = 'E2\"04\\\\,x'"),
                  "2025-12-14 purchase");  // an id with a quote, a backslash and a comma
        EXPECT_EQ(count("select count(*) from staging.events where event_id = 'E203'"), 0);
        EXPECT_EQ(count("select count(*) from warehouse.fact_events where event_id = 'E203'"), 0);
        EXPECT_EQ(dump(kStagingDump), fresh_staging);
        EXPECT_EQ(dump(kFactDump), fresh_facts);
        // the fact row moved to the 14th: the reload of the 13th refreshes that date's marts
        EXPECT_EQ(count("select count(*) from warehouse.mart_refresh_queue where load_date = '2025-12-13' "
                        "and subject = 'events' and business_date = '2025-12-14'"),
                  1);
        EXPECT_EQ(count("select count(*) from staging.events_handed_over"), 0);

        // reloading either day again changes nothing
        ASSERT_NO_FATAL_FAILURE(chain("2025-12-13"));
        ASSERT_NO_FATAL_FAILURE(chain("2025-12-14"));
        EXPECT_EQ(dump(kStagingDump), fresh_staging);
        EXPECT_EQ(dump(kFactDump), fresh_facts);
    }
}

// The day's first arrivals go to the server while the day is parsed; raw rows read in another order (here
// every line of the day in reverse, b.csv before a.csv) displace the ones sent first, and staging ends the same.
TEST_F(EventsTest, RawRowsReadInAnyOrderStageTheSameFirstArrivals) {
    // E01 and E20 arrive again the next day, loaded first: the 13th's arrivals take them over
    write_day("2025-12-14", {{"c.csv", kHeader + "E01,U1,S1,page_view,2025-12-14T01:00:00Z,,/again,mobile,US\n"
                                                 "E20,U4,S5,page_view,2025-12-14T01:00:00Z,,/again,mobile,US\n"}});
    ASSERT_NO_FATAL_FAILURE(chain("2025-12-14"));
    write_day("2025-12-13", {{"a.csv", kDayA}, {"b.csv", kDayB}});
    ASSERT_NO_FATAL_FAILURE(chain("2025-12-13"));
    const std::string staged = dump(kStagingDump);
    db().exec("create temporary table reversed as select * from raw.events where load_date = '2025-12-13' "
              "order by source_file desc, line_no desc");
    db().exec("delete from raw.events where load_date = '2025-12-13'");
    db().exec("insert into raw.events select * from reversed");
    ASSERT_EQ(scalar("select source_file || ':' || line_no from raw.events where load_date = '2025-12-13' limit 1"),
              "events/2025-12-13/b.csv:4");
    run_ok("transform_events", {"--date", "2025-12-13"});
    EXPECT_EQ(dump(kStagingDump), staged);
    EXPECT_EQ(scalar("select source_file || ':' || line_no from staging.events where event_id = 'E01'"),
              "events/2025-12-13/a.csv:2");
}

TEST_F(EventsTest, GzipFileLoadsTheSameAsPlain) {
    write_day("2025-12-13", {{"a.csv", kDayA}});
    write_gzip(day_dir("2025-12-14") + "/a.csv.gz", kDayA);
    touch_success(day_dir("2025-12-14"));
    run_ok("extract_events", {"--date", "2025-12-13"});
    run_ok("extract_events", {"--date", "2025-12-14"});
    const char* cols = "line_no, record from raw.events where load_date = ";
    EXPECT_GT(count("select count(*) from raw.events where load_date = '2025-12-14'"), 8);
    EXPECT_EQ(diff(std::string("select ") + cols + "'2025-12-13'", std::string("select ") + cols + "'2025-12-14'"),
              "");
    const char* bad = "select line_no, reason, detail, record from audit.bad_records where load_date = ";
    EXPECT_EQ(count("select count(*) from audit.bad_records where load_date = '2025-12-14'"), 3);
    EXPECT_EQ(diff(std::string(bad) + "'2025-12-13'", std::string(bad) + "'2025-12-14'"), "");
    EXPECT_EQ(scalar("select distinct source_file from raw.events where load_date = '2025-12-14'"),
              "events/2025-12-14/a.csv.gz");
    EXPECT_EQ(scalar("select header from raw.event_files where load_date = '2025-12-14'"),
              kHeader.substr(0, kHeader.size() - 1));
}

// raw.events holds each line and its file's header is in raw.event_files; a line landed by hand whose file has
// no header there, or that its file's header cannot split, is quarantined, not a crash.
TEST_F(EventsTest, LinesLandedByHandThatNoHeaderSplitsAreQuarantined) {
    db().exec(R"sql(
        insert into raw.events (load_date, source_file, line_no, record)
        values ('2025-12-13', 'events/2025-12-13/no_header.csv', 2, 'E01,U1,S1,page_view,2025-12-13T09:14:11Z,,/,,US'),
               ('2025-12-13', 'events/2025-12-13/new.csv', 2, 'E03,,S3,page_view,2025-12-13T10:00:00Z,,/x,tablet,FR'),
               ('2025-12-13', 'events/2025-12-13/new.csv', 3, 'E04,,S3,page_view'))sql");
    db().exec("insert into raw.event_files values ('2025-12-13', 'events/2025-12-13/new.csv', $1)",
              {kHeader.substr(0, kHeader.size() - 1)});
    run_ok("transform_events", {"--date", "2025-12-13"});
    EXPECT_EQ(diff("select event_id, event_type, event_ts::text, user_key is null, coalesce(product_id, '-'), "
                   "page_url, coalesce(device, '-'), country from staging.events",
                   "values ('E03', 'page_view', '2025-12-13 10:00:00+00', true, '-', '/x', 'tablet', 'FR')"),
              "");
    EXPECT_EQ(diff("select source_file, reason || ': ' || detail || ' | ' || record from audit.bad_records",
                   "values ('events/2025-12-13/no_header.csv', 'malformed: no header of its file in raw.event_files"
                   " | E01,U1,S1,page_view,2025-12-13T09:14:11Z,,/,,US'),"
                   "       ('events/2025-12-13/new.csv', 'malformed: expected 9 fields, found 4 | E04,,S3,page_view')"),
              "");
}

TEST_F(EventsTest, EmptyFilesAndTruncatedLastLinesNeverCrash) {
    write_day("2025-12-13",
              {{"1_empty.csv", ""},
               {"2_header_only.csv", kHeader},
               {"3_no_final_newline.csv", kHeader + "E1,U1,S1,page_view,2025-12-13T10:00:00Z,,/a,mobile,US"},
               {"4_truncated.csv", kHeader + "E2,U1,S1,page_view,2025-12-13T10:00:00Z,,/b,mobile,US\nE3,U1,S1,page_vi"},
               {"5_truncated_in_quotes.csv", kHeader + "E4,U1,S1,page_view,2025-12-13T10:00:00Z,,\"/c"}});
    write_gzip(day_dir("2025-12-13") + "/6_empty.csv.gz", "");
    ASSERT_NO_FATAL_FAILURE(chain("2025-12-13"));
    EXPECT_EQ(diff("select event_id from staging.events", "values ('E1'), ('E2')"), "");
    EXPECT_EQ(diff("select source_file, line_no::text, reason from audit.bad_records",
                   "values ('events/2025-12-13/4_truncated.csv', '3', 'malformed'),"
                   "       ('events/2025-12-13/5_truncated_in_quotes.csv', '2', 'malformed')"),
              "");
    EXPECT_EQ(count("select count(*) from warehouse.fact_events"), 2);
}

// The two fact loads run side by side in the DAG and may infer the same unknown product. load_fact_events
// commits the products it infers before it writes facts, so load_fact_orders never waits for its commit (on the
// unique index of the inferred members); here load_fact_events is held at its first write of facts meanwhile.
TEST_F(EventsTest, TheOrdersFactLoadNeverWaitsOnTheProductsTheEventsLoadInferred) {
    write_day("2025-12-13", {{"a.csv", kHeader + "E01,U1,S1,product_view,2025-12-13T09:14:11Z,P-NEW,/p,mobile,US\n"}});
    const std::string orders_day = data_dir_ + "/incoming/orders/2025-12-13";
    write_file(orders_day + "/part-1.json",
               R"({"order_id":"ORD-1","user_id":"U1","order_ts":"2025-12-13T09:15:02Z",)"
               R"("updated_at":"2025-12-13T09:15:02Z","status":"placed","currency":"USD","channel":"web",)"
               R"("items":[{"product_id":"P-NEW","quantity":1,"unit_price":5}],)"
               R"("payment":{"method":"credit_card","amount":5},"shipping":{"country":"US"}})"
               "\n");
    touch_success(orders_day);
    for (const char* task :
         {"extract_events", "transform_events", "extract_orders", "transform_orders", "load_dim_date"})
        ASSERT_NO_FATAL_FAILURE(run_ok(task, {"--date", "2025-12-13"}));
    db().exec("select warehouse.ensure_month_partitions('warehouse.fact_events', '2025-12-13', '2025-12-13')");

    Connection holder(dsn_, "test_holder");
    holder.exec("begin");
    holder.exec("lock table warehouse.fact_events_y2025m12 in access exclusive mode");
    auto events = std::async(std::launch::async, [&] { return run("load_fact_events", {"--date", "2025-12-13"}); });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    bool events_held = false;
    while (!(events_held = count("select count(*) from pg_stat_activity where application_name = "
                                 "'load_fact_events' and wait_event_type = 'Lock'") > 0) &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto orders = std::async(std::launch::async, [&] { return run("load_fact_orders", {"--date", "2025-12-13"}); });
    const bool orders_finished_first = orders.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
    holder.exec("rollback");
    const auto orders_run = orders.get(), events_run = events.get();
    EXPECT_TRUE(events_held) << "load_fact_events never waited on the lock of its facts' month";
    EXPECT_TRUE(orders_finished_first) << "load_fact_orders waited for load_fact_events to commit";
    EXPECT_EQ(orders_run.exit_code, 0) << orders_run.output;
    EXPECT_EQ(events_run.exit_code, 0) << events_run.output;
    EXPECT_EQ(scalar("select string_agg(p.product_id || ':' || p.is_inferred, ',') from warehouse.dim_product p"),
              "P-NEW:true");
    EXPECT_EQ(count("select count(*) from warehouse.fact_events f join warehouse.fact_order_lines l "
                    "using (product_key)"),
              1);
}

}  // namespace ecomm::testing
