// load_dim_date: the calendar rows around the load date (sql/warehouse/dim_date_fill.sql).
#include "load_dim_date.hpp"

#include <spdlog/spdlog.h>

#include "common/sql_files.hpp"

namespace ecomm {

void load_dim_date(TaskContext& ctx) {
    ctx.counts.rows_written = ctx.db->exec(read_sql_file("warehouse/dim_date_fill.sql"), {ctx.date()}).affected();
    spdlog::info("added {} date(s) to warehouse.dim_date", ctx.counts.rows_written);
}

}  // namespace ecomm
