#include "empty_drop.hpp"

#include "landing.hpp"
#include "quarantine.hpp"
#include "sql_files.hpp"
#include "sql_names.hpp"

namespace ecomm {

std::optional<long long> clear_day_of_empty_drop(Connection& db, const std::string& feed, const std::string& date,
                                                 const std::string& remove_sql_file) {
    const std::string raw = quoted_name(db, "raw." + feed);
    if (db.scalar_int("select count(*) from (select 1 from " + raw + " where load_date = $1::date limit 1) x",
                      {date}) > 0)
        return std::nullopt;
    if (!feed_has_drop(db, feed, date)) throw no_drop(feed, date, "no raw." + feed + " rows");
    long long removed = db.exec(read_sql_file(remove_sql_file), {date}).affected();
    Quarantine(feed, date).store(db, "transform");  // and its quarantined records
    return removed;
}

}  // namespace ecomm
