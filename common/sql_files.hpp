// The statements tasks run live in files under sql/ (sql/staging, sql/warehouse, sql/dq, sql/marts; see
// docs/DESIGN.md), read at start-up so a missing file is a configuration error before any work is done.
#pragma once

#include <string>

namespace ecomm {

// The text of <sql_dir()>/<relative>, e.g. read_sql_file("marts/daily_sales.sql"). Throws UsageError naming
// the path (and ECOMM_SQL_DIR) when it cannot be read.
std::string read_sql_file(const std::string& relative);

}  // namespace ecomm
