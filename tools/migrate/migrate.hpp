// Forward-only migrations: sql/migrations/NNNN_name.sql, each applied once in its own transaction.
#pragma once

#include <string>

#include "common/db.hpp"

namespace ecomm {

// Applies every migration not yet recorded in public.schema_migrations; returns how many it applied.
// Safe to run twice at once (a session advisory lock serialises them) and to re-run. A recorded
// migration whose file changed since is an error: migrations are forward-only.
int apply_migrations(Connection& db, const std::string& dir);

}  // namespace ecomm
