// migrate: applies every migration once, is safe to re-run and to run twice at once.
#include <future>

#include "harness.hpp"

namespace ecomm::testing {

class MigrateTest : public WarehouseTest {};

TEST_F(MigrateTest, RerunAppliesNothingAndConcurrentRunsAgree) {
    long long applied = count("select count(*) from public.schema_migrations");
    EXPECT_GT(applied, 2);
    auto a = std::async(std::launch::async, [&] { return run("migrate", {}); });
    auto b = std::async(std::launch::async, [&] { return run("migrate", {}); });
    auto ra = a.get(), rb = b.get();
    EXPECT_EQ(ra.exit_code, 0) << ra.output;
    EXPECT_EQ(rb.exit_code, 0) << rb.output;
    EXPECT_EQ(count("select count(*) from public.schema_migrations"), applied);
}

TEST_F(MigrateTest, TaskWithoutSchemaExitsTwoWithHint) {
    db().exec("drop schema audit cascade");
    auto r = run("migrate", {});  // migrate does not need audit: records are intact, nothing to apply
    EXPECT_EQ(r.exit_code, 0) << r.output;
}

// 0780 drops raw.events' field columns, which loads landed before raw.event_files (0106) were read by: it
// refuses while such a load is left, names its date and says how to land it again; then it goes through.
TEST_F(MigrateTest, FieldColumnsAreDroppedOnlyOnceNoLoadNeedsThem) {
    db().exec("delete from public.schema_migrations where version = 780");
    db().exec("insert into raw.events (load_date, source_file, line_no, record) "
              "values ('2025-11-02', 'events/2025-11-02/old.csv', 2, 'E1,U1,S1,page_view,2025-11-02T10:00:00Z')");
    auto r = run("migrate", {});
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("landed before raw.event_files (migration 0106): 2025-11-02"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("extract_events --date D"), std::string::npos) << r.output;
    EXPECT_EQ(count("select count(*) from public.schema_migrations where version = 780"), 0);

    db().exec("insert into raw.event_files values ('2025-11-02', 'events/2025-11-02/old.csv', "
              "'event_id,user_id,session_id,event_type,event_ts')");  // as extract_events lands it again
    run_ok("migrate", {});
    EXPECT_EQ(count("select count(*) from public.schema_migrations where version = 780"), 1);
    EXPECT_EQ(count("select count(*) from information_schema.columns where table_schema = 'raw' "
                    "and table_name = 'events'"), 4);  // load_date, source_file, line_no, record
}

TEST_F(MigrateTest, BadUsageExitsTwo) {
    auto r = run_binary("migrate", {"--log-format", "yaml"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    r = run_binary("migrate", {"--no-such-option"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    r = run_binary("migrate", {"--version"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace ecomm::testing
