#include "common/user_keys.hpp"

#include "common/copy.hpp"
#include "common/sql_files.hpp"

namespace ecomm {

StringMap<std::string> user_keys_of(Connection& conn, const StringSet& user_ids) {
    conn.exec("create temporary table day_user_ids (user_id text not null)");
    {
        BinaryCopyIn rows(conn, "copy day_user_ids (user_id) from stdin with (format binary)");
        for (const auto& u : user_ids) {
            rows.text(u);
            rows.end_row();
        }
        rows.finish();
    }
    StringMap<std::string> keys;
    keys.reserve(user_ids.size());
    copy_out_binary(conn, "copy (" + read_sql_file("staging/user_keys.sql") + ") to stdout",
                    [&](const std::vector<std::string_view>& cols) {
                        keys.emplace(std::string(cols[0]), std::string(cols[1]));
                    });
    conn.exec("drop table day_user_ids");
    return keys;
}

}  // namespace ecomm
