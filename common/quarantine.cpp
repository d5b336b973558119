// Quarantine spooling and UTF-8 checks.
#include "common/quarantine.hpp"

#include <simdjson.h>

#include <cstdio>

namespace ecomm {

void Quarantine::add(Reason reason, const std::string& source_file, long line_no, std::string_view detail,
                     std::string_view record) {
    spool_.raw_field(load_date_).raw_field(feed_).field(source_file).field(line_no).raw_field(name_of(reason));
    spool_.field(detail);
    if (is_valid_utf8(record)) {
        spool_.field(record);
    } else {
        scratch_ = utf8_escaped(record);
        spool_.field(scratch_);
    }
    spool_.end_row();
}

long long Quarantine::store(Connection& db, std::string_view stage) {
    db.exec("delete from audit.bad_records where load_date = $1::date and feed = $2 and stage = $3",
            {load_date_, feed_, std::string(stage)});
    if (spool_.rows() == 0) return 0;
    // the spool holds rows without the stage: load them into a scratch table, then copy them over with it
    db.exec("create temporary table if not exists tmp_bad_records "
            "(load_date date, feed text, source_file text, line_no bigint, reason text, detail text, record text)");
    db.exec("truncate tmp_bad_records");
    spool_.load(db, "copy tmp_bad_records from stdin");
    return db.exec("insert into audit.bad_records (load_date, feed, source_file, line_no, reason, detail, record, stage) "
                   "select load_date, feed, source_file, line_no, reason, detail, record, $1 from tmp_bad_records",
                   {std::string(stage)})
        .affected();
}

bool is_valid_utf8(std::string_view text) {
    // PostgreSQL text cannot hold a NUL byte, so it counts as invalid here too
    return simdjson::validate_utf8(text.data(), text.size()) && text.find('\0') == std::string_view::npos;
}

size_t first_invalid_utf8(std::string_view t) {
    size_t i = 0;
    const auto* s = reinterpret_cast<const unsigned char*>(t.data());
    while (i < t.size()) {
        unsigned char c = s[i];
        size_t n = c == 0 ? 0 : c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + n > t.size()) return i;
        for (size_t k = 1; k < n; ++k)
            if ((s[i + k] & 0xC0) != 0x80) return i;
        if (n > 1 && !simdjson::validate_utf8(t.data() + i, n)) return i;  // overlong, surrogate, > U+10FFFF
        i += n;
    }
    return std::string_view::npos;
}

std::string utf8_escaped(std::string_view t) {
    std::string out;
    out.reserve(t.size() + 16);
    while (!t.empty()) {
        size_t bad = first_invalid_utf8(t);
        if (bad == std::string_view::npos) {
            out.append(t);
            break;
        }
        out.append(t.substr(0, bad));
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<unsigned char>(t[bad]));
        out.append(hex);
        t.remove_prefix(bad + 1);
    }
    return out;
}

}  // namespace ecomm
