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

TEST_F(MigrateTest, BadUsageExitsTwo) {
    auto r = run_binary("migrate", {"--log-format", "yaml"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    r = run_binary("migrate", {"--no-such-option"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    r = run_binary("migrate", {"--version"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace ecomm::testing
