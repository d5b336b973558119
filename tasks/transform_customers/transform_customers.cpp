// transform_customers: validates raw.customers lines of a date; changes (pseudonymised) go to
// staging.customers_changes, personal data to private.customer_pii only.
#include "transform_customers.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/copy.hpp"
#include "common/empty_drop.hpp"
#include "common/erasure.hpp"
#include "common/logging.hpp"
#include "common/raw_records.hpp"
#include "common/sql_files.hpp"
#include "common/timeutil.hpp"

namespace ecomm {

namespace {

enum Field {
    op, user_id, email, first_name, last_name, phone, segment, country, region, city, signup_ts, marketing_opt_in,
    updated_at
};
constexpr std::array<std::string_view, 13> field_names = {
    "op",      "user_id", "email",  "first_name", "last_name",        "phone",     "segment",
    "country", "region",  "city",   "signup_ts",  "marketing_opt_in", "updated_at"};
// the optional text fields, in CustomerChange::Text order
constexpr std::array<Field, 6> text_fields = {email, first_name, last_name, phone, region, city};

std::string quoted(Field f) { return "\"" + std::string(field_names[f]) + "\""; }

bool is_country_code(std::string_view s) {
    return s.size() == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

}  // namespace

std::optional<RecordProblem> CustomerParser::parse(std::string_view json, int64_t load_day, CustomerChange& out) {
    if (!is_valid_utf8(json)) return RecordProblem{Reason::invalid_utf8, "the record is not valid UTF-8"};
    text_.assign(json);
    if (auto error = capture_json_document(parser_, text_.data(), text_.size(), text_.capacity(), field_names, fields_))
        return RecordProblem{Reason::malformed, error.message()};
    auto& f = fields_;
    for (Field r : {op, user_id, updated_at})
        if (!f[r].present()) return RecordProblem{Reason::missing_field, "missing field " + quoted(r)};
    const bool upsert = f[op].kind == JsonKind::string && f[op].text == "upsert";
    if (upsert)
        for (Field r : {segment, country})
            if (!f[r].present()) return RecordProblem{Reason::missing_field, "missing field " + quoted(r) + " in an upsert"};

    if (f[op].kind != JsonKind::string || (f[op].text != "upsert" && f[op].text != "delete"))
        return RecordProblem{Reason::invalid_value, "\"op\" must be \"upsert\" or \"delete\""};
    out.is_delete = !upsert;
    if (f[user_id].kind != JsonKind::string || f[user_id].text.empty())
        return RecordProblem{Reason::invalid_value, "\"user_id\" must be a non-empty string"};
    out.user_id = f[user_id].text;
    std::optional<int64_t> ts;
    if (f[updated_at].kind == JsonKind::string) ts = parse_rfc3339(f[updated_at].text);
    if (!ts) return RecordProblem{Reason::invalid_value, "\"updated_at\" must be an RFC 3339 timestamp"};
    out.updated_at = *ts;

    out.signup_ts.reset();
    out.marketing_opt_in.reset();
    out.has_text.fill(false);
    if (upsert) {  // a delete needs only who and when; whatever else it carries is ignored
        const std::string_view seg = f[segment].text;
        if (f[segment].kind != JsonKind::string || (seg != "consumer" && seg != "premium" && seg != "business"))
            return RecordProblem{Reason::invalid_value, "\"segment\" must be one of consumer premium business"};
        out.segment = seg;
        if (f[country].kind != JsonKind::string || !is_country_code(f[country].text))
            return RecordProblem{Reason::invalid_value, "\"country\" must be two upper-case letters"};
        out.country = f[country].text;
        for (size_t i = 0; i < text_fields.size(); ++i) {
            const auto& v = f[text_fields[i]];
            if (!v.present()) continue;
            if (v.kind != JsonKind::string)
                return RecordProblem{Reason::invalid_value, quoted(text_fields[i]) + " must be a string"};
            out.text[i] = v.text;
            out.has_text[i] = true;
        }
        if (f[signup_ts].present()) {
            if (f[signup_ts].kind == JsonKind::string) out.signup_ts = parse_rfc3339(f[signup_ts].text);
            if (!out.signup_ts) return RecordProblem{Reason::invalid_value, "\"signup_ts\" must be an RFC 3339 timestamp"};
        }
        if (f[marketing_opt_in].present()) {
            if (f[marketing_opt_in].kind != JsonKind::boolean)
                return RecordProblem{Reason::invalid_value, "\"marketing_opt_in\" must be true or false"};
            out.marketing_opt_in = f[marketing_opt_in].flag;
        }
    }
    if (is_future(out.updated_at, load_day))
        return RecordProblem{Reason::future_timestamp,
                             "\"updated_at\" " + std::string(f[updated_at].text) + " is after the load date"};
    if (out.signup_ts && is_future(*out.signup_ts, load_day))
        return RecordProblem{Reason::future_timestamp,
                             "\"signup_ts\" " + std::string(f[signup_ts].text) + " is after the load date"};
    return std::nullopt;
}

void transform_customers(TaskContext& ctx) {
    auto started = std::chrono::steady_clock::now();
    Connection& db = *ctx.db;
    const int64_t load_day = ctx.load_day();
    // a re-delivered empty drop replaces the earlier delivery's changes (dq_checks' volume rule flags it)
    if (auto removed = clear_day_of_empty_drop(db, "customers", ctx.date(), "staging/customers_changes_remove_day.sql")) {
        spdlog::warn("the customers drop for {} holds no record: {} staged changes of an earlier delivery removed",
                     ctx.date(), with_commas(*removed));
        return;
    }

    CopySpool changes;
    Quarantine quarantine("customers", ctx.date());
    CustomerParser parser;
    CustomerChange c;
    long long read = 0;
    for_each_raw_record(db, "customers", ctx.date(), [&](const RawRecord& raw) {
            ++read;
            const std::string& file = raw.source_file;
            const std::string& record = raw.record;
            const long line = raw.line_no;
            if (auto issue = parser.parse(record, load_day, c)) {
                quarantine.add(issue->reason, file, line, issue->detail, record);
                return;
            }
            changes.field(file).field(static_cast<long long>(line)).field(c.user_id);
            changes.raw_field(c.is_delete ? "delete" : "upsert");
            if (c.is_delete) {
                changes.null_field().null_field();
            } else {
                changes.field(c.segment).field(c.country);
            }
            for (size_t i = 0; i < c.text.size(); ++i) c.has_text[i] ? changes.field(c.text[i]) : changes.null_field();
            c.signup_ts ? changes.timestamp_field(*c.signup_ts) : changes.null_field();
            c.marketing_opt_in ? changes.bool_field(*c.marketing_opt_in) : changes.null_field();
            changes.timestamp_field(c.updated_at);
            changes.end_row();
            if ((read & 0xFFFF) == 0) ctx.check_interrupted();
        });
    ctx.check_interrupted();

    db.exec(read_sql_file("staging/customers_in.sql"));
    changes.load(db, "copy customers_in from stdin with (format text)");
    db.exec(read_sql_file("staging/customers_changes_remove_day.sql"), {ctx.date()});
    ctx.counts.rows_written = db.exec(read_sql_file("staging/customers_changes_insert.sql"), {ctx.date()}).affected();
    long long pii = db.exec(read_sql_file("staging/customer_pii_upsert.sql"), {ctx.date()}).affected();
    ctx.counts.rows_read = read;
    ctx.counts.rows_quarantined = quarantine.store(db, "transform");
    redact_erased_users(db, "customers", ctx.date(), "transform");  // erased users stay erased on a reload
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("staged {} customer changes for {} from {} raw rows, {} personal data rows set, {} quarantined, "
                 "in {:.2f} s",
                 with_commas(ctx.counts.rows_written), ctx.date(), with_commas(read), with_commas(pii),
                 with_commas(ctx.counts.rows_quarantined), seconds);
}

}  // namespace ecomm
