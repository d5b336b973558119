// migrate: applies the numbered files in sql/migrations once each, in order, recorded in a table.
#include "common/task.hpp"
#include "migrate.hpp"

int main(int argc, char** argv) {
    ecomm::TaskSpec spec{.name = "migrate",
                         .summary = "Apply the warehouse's SQL migrations (forward-only, each once, in order)",
                         .needs_date = false,
                         .audited = false,
                         .transactional = false};
    return ecomm::run_task(argc, argv, spec, [](ecomm::TaskContext& ctx) {
        ctx.counts.rows_written = ecomm::apply_migrations(*ctx.db, ecomm::sql_dir() + "/migrations");
    });
}
