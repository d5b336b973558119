// Raw-layer reader shared by the JSON feeds' transforms.
#include "common/raw_records.hpp"

#include <simdjson.h>

#include <vector>

#include "common/copy.hpp"
#include "common/sql_names.hpp"

namespace ecomm {

long long for_each_raw_record(Connection& conn, const std::string& feed, const std::string& load_date,
                              const std::function<void(const RawRecord&)>& on_record) {
    RawRecord r;
    const std::string query =
        "select source_file, line_no, record from raw." + conn.quote_identifier(feed) + " where load_date = $1::date";
    const std::string sql = copy_query_with(conn, query, load_date, "the raw records of " + feed);
    return copy_out_binary(conn, sql, [&](const std::vector<std::string_view>& fields) {
        r.source_file.assign(fields[0]);
        r.line_no = read_int8(fields[1]);
        r.record.reserve(fields[2].size() + simdjson::SIMDJSON_PADDING);
        r.record.assign(fields[2]);
        on_record(r);
    });
}

std::string begin_raw_load(Connection& db, const std::string& feed, const std::string& load_date) {
    return db.exec("select raw.begin_load($1::regclass, $2::date)", {"raw." + feed, load_date}).text(0, 0);
}

void end_raw_load(Connection& db, const std::string& feed, const std::string& load_date) {
    db.exec("select raw.end_load($1::regclass, $2::date)", {"raw." + feed, load_date});
}

}  // namespace ecomm
