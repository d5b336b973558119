// Raw-layer reader shared by the JSON feeds' transforms.
#include "common/raw_records.hpp"

#include <simdjson.h>

#include <charconv>
#include <vector>

#include "common/copy.hpp"

namespace ecomm {

long long for_each_raw_record(Connection& conn, const std::string& feed, const std::string& load_date,
                              const std::function<void(const RawRecord&)>& on_record) {
    RawRecord r;
    std::vector<std::string_view> fields;
    const std::string sql = "copy (select source_file, line_no, record from raw." + conn.quote_identifier(feed) +
                            " where load_date = " + conn.quote_literal(load_date) +
                            "::date) to stdout";
    return conn.copy_out(sql, [&](std::string_view row) {
        split_copy_row(row, fields);
        copy_unescape(fields[0], r.source_file);
        std::from_chars(fields[1].data(), fields[1].data() + fields[1].size(), r.line_no);
        copy_unescape(fields[2], r.record);
        r.record.reserve(r.record.size() + simdjson::SIMDJSON_PADDING);
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
