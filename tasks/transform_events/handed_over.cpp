// The other arrivals of events a re-delivered day gave up (docs/DATA_CONTRACT.md, events): read back from the
// other loads' raw lines, checked by the same rules as at their own load, the earliest valid one staged.
#include "handed_over.hpp"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_set>

#include "common/copy.hpp"
#include "common/errors.hpp"
#include "common/events_csv.hpp"
#include "common/sql_files.hpp"
#include "common/timeutil.hpp"
#include "event_rules.hpp"

namespace ecomm {

namespace {

using events::Column;

// columns of events_other_arrivals.sql
constexpr int record_col = 3, header_col = 4;

// One valid arrival of a gone event, as staged.
struct Arrival {
    std::string load_date, source_file;
    long long line_no = 0;
    std::array<std::optional<std::string>, events::column_count> fields;
    int64_t ts = 0;
    std::set<std::string> loads;  // every other load with a valid arrival of the event
    auto order() const { return std::tie(load_date, source_file, line_no); }
};

}  // namespace

long long hand_over_gone_events(Connection& db, const std::string& load_date) {
    std::unordered_set<std::string> gone;
    {
        auto r = db.exec("select event_id from events_gone");
        for (int i = 0; i < r.rows(); ++i) gone.insert(r.text(i, 0));
    }
    if (gone.empty()) return 0;

    static const std::string other_arrivals_sql = read_sql_file("staging/events_other_arrivals.sql");
    static const std::string handed_over_sql = read_sql_file("staging/events_handed_over.sql");
    auto lines = db.exec(other_arrivals_sql, {load_date});
    std::map<std::string, Arrival> first;  // by event_id
    std::map<std::pair<std::string, std::string>, std::unique_ptr<events::FieldSplitter>> splitters;
    std::map<std::pair<std::string, std::string>, std::unique_ptr<events::HeaderMap>> headers;
    std::array<std::string_view, events::column_count> fields;
    std::string error;
    for (int i = 0; i < lines.rows(); ++i) {
        const std::string day = lines.text(i, 0), file = lines.text(i, 1);
        const auto key = std::make_pair(day, file);
        auto splitter = splitters.find(key);
        if (splitter == splitters.end()) {
            auto& header = headers[key];
            header = std::make_unique<events::HeaderMap>(events::parse_header(lines.get(i, header_col), file));
            splitter = splitters.emplace(key, std::make_unique<events::FieldSplitter>(*header)).first;
        }
        if (!splitter->second->split(lines.get(i, record_col), error)) continue;  // quarantined at its own load
        for (size_t c = 0; c < events::column_count; ++c) {
            const char* v = splitter->second->field(static_cast<Column>(c));
            fields[c] = v ? std::string_view(v) : std::string_view();
        }
        if (!gone.count(std::string(fields[events::event_id]))) continue;  // the id text was elsewhere in the line
        const auto load_day = parse_date(day);
        if (!load_day) throw RetryableError("raw.events row with an unreadable load_date " + day);
        int64_t ts = 0;
        if (events::check_event(fields, *load_day, ts)) continue;  // quarantined at its own load
        Arrival a;
        a.load_date = day;
        a.source_file = file;
        a.line_no = lines.integer(i, 2);
        for (size_t c = 0; c < events::column_count; ++c)
            if (!fields[c].empty()) a.fields[c] = std::string(fields[c]);
        a.ts = ts;
        auto [it, inserted] = first.try_emplace(*a.fields[events::event_id]);
        std::set<std::string> loads = std::move(it->second.loads);
        loads.insert(day);
        if (inserted || a.order() < it->second.order()) it->second = std::move(a);
        it->second.loads = std::move(loads);
    }
    if (first.empty()) return 0;

    BinaryCopyIn rows(db, "copy events_taking_over from stdin with (format binary)");
    for (const auto& [id, a] : first) {
        auto optional = [&](Column c) -> BinaryRowWriter& {
            return a.fields[c] ? rows.text(*a.fields[c]) : rows.null();
        };
        rows.text(id);
        optional(events::user_id);
        optional(events::session_id);
        optional(events::event_type);
        rows.timestamp(a.ts).date(utc_day(a.ts));
        optional(events::product_id);
        optional(events::page_url);
        optional(events::device);
        optional(events::country);
        rows.date(*parse_date(a.load_date)).text(a.source_file).int8(a.line_no);
        // arrived in more than one other load: the earliest displaced the others, as if loaded afresh
        rows.boolean(a.loads.size() > 1);
        rows.end_row();
    }
    rows.finish();
    db.exec(handed_over_sql, {load_date});
    return static_cast<long long>(first.size());
}

}  // namespace ecomm
