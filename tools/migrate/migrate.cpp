// Migration runner.
#include "migrate.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "common/errors.hpp"

namespace fs = std::filesystem;

namespace ecomm {

namespace {

struct Migration {
    int version;
    std::string name;
    std::string sql;
};

std::map<int, Migration> read_migrations(const std::string& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw UsageError("migrations folder " + dir + " does not exist (set ECOMM_SQL_DIR)");
    std::map<int, Migration> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        const std::string file = e.path().filename().string();
        if (e.path().extension() != ".sql") continue;
        size_t us = file.find('_');
        if (us == std::string::npos || us == 0 || file.find_first_not_of("0123456789") != us)
            throw UsageError("migration " + file + " is not named NNNN_name.sql");
        int version = std::stoi(file.substr(0, us));
        std::ifstream in(e.path(), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        auto [it, fresh] = out.emplace(version, Migration{version, file, ss.str()});
        if (!fresh) throw UsageError("two migrations share number " + std::to_string(version) + ": " +
                                     it->second.name + " and " + file);
    }
    return out;
}

}  // namespace

int apply_migrations(Connection& db, const std::string& dir) {
    auto migrations = read_migrations(dir);
    db.exec("select pg_advisory_lock(hashtextextended('ecomm:migrate', 0))");
    db.exec("set client_min_messages = warning");
    db.exec(
        "create table if not exists public.schema_migrations ("
        " version integer primary key, name text not null, checksum text not null,"
        " applied_at timestamptz not null default now())");
    std::map<int, std::pair<std::string, std::string>> applied;  // version -> name, checksum
    {
        Result r = db.exec("select version, name, checksum from public.schema_migrations");
        for (int i = 0; i < r.rows(); ++i) applied[static_cast<int>(r.integer(i, 0))] = {r.text(i, 1), r.text(i, 2)};
    }
    int count = 0;
    for (const auto& [version, m] : migrations) {
        auto checksum = db.scalar("select md5($1)", {m.sql}).value_or("");
        if (auto it = applied.find(version); it != applied.end()) {
            if (it->second.second != checksum)
                throw UsageError("migration " + m.name + " changed after it was applied; add a new migration instead");
            continue;
        }
        spdlog::info("applying {}", m.name);
        Transaction tx(db);
        db.exec(m.sql);
        db.exec("insert into public.schema_migrations (version, name, checksum) values ($1, $2, $3)",
                {std::to_string(version), m.name, checksum});
        tx.commit();
        ++count;
    }
    db.exec("select pg_advisory_unlock(hashtextextended('ecomm:migrate', 0))");
    spdlog::info("{} migration(s) applied, {} already in place", count, migrations.size() - count);
    return count;
}

}  // namespace ecomm
