// transform_products: validates raw.products elements of a date into staging.products_snapshot.
#include "transform_products.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/copy.hpp"
#include "common/empty_drop.hpp"
#include "common/logging.hpp"
#include "common/money.hpp"
#include "common/raw_records.hpp"
#include "common/sql_files.hpp"
#include "common/timeutil.hpp"

namespace ecomm {

namespace {

enum Field { product_id, name, category, subcategory, brand, price, supplier_id, active, updated_at };
constexpr std::array<std::string_view, 9> field_names = {"product_id", "name",        "category",
                                                         "subcategory", "brand",      "price",
                                                         "supplier_id", "active",     "updated_at"};
constexpr std::array<Field, 6> required = {product_id, name, category, price, active, updated_at};

std::string quoted(Field f) { return "\"" + std::string(field_names[f]) + "\""; }

// Only a whole, valid snapshot may close the products it lacks. A product whose element was quarantined (at
// extract or here) keeps its row of the previous snapshot, carried into this one. An element quarantined at
// extract (not JSON, not UTF-8) names its product by the first "product_id": "..." in its text; when some
// quarantined element's product cannot be told at all, every product of the previous snapshot missing from this
// one is kept. Returns the rows carried.
long long carry_forward_quarantined(Connection& db, const std::string& date, CopySpool& quarantined_ids,
                                    bool unknown_product_quarantined) {
    db.exec_script(read_sql_file("staging/products_quarantined.sql"), {date});
    quarantined_ids.load(db, "copy products_quarantined from stdin with (format text)");
    const bool keep_all_missing =
        unknown_product_quarantined ||
        db.scalar_int("select count(*) from products_quarantined where product_id is null or product_id = ''") > 0;
    return db.exec(read_sql_file("staging/products_carry_forward.sql"), {date, keep_all_missing ? "true" : "false"})
        .affected();
}

}  // namespace

std::optional<RecordProblem> ProductParser::parse(std::string_view json, int64_t load_day, ProductRecord& out) {
    product_id_read_.clear();
    if (!is_valid_utf8(json)) return RecordProblem{Reason::invalid_utf8, "the record is not valid UTF-8"};
    text_.assign(json);
    if (auto error = capture_json_document(parser_, text_.data(), text_.size(), text_.capacity(), field_names, fields_))
        return RecordProblem{Reason::malformed, error.message()};
    auto& f = fields_;
    if (f[product_id].kind == JsonKind::string) product_id_read_ = f[product_id].text;
    for (Field r : required)
        if (!f[r].present()) return RecordProblem{Reason::missing_field, "missing field " + quoted(r)};

    auto non_empty_string = [&](Field k, std::string& dst) -> std::optional<RecordProblem> {
        if (f[k].kind != JsonKind::string || f[k].text.empty())
            return RecordProblem{Reason::invalid_value, quoted(k) + " must be a non-empty string"};
        dst = f[k].text;
        return std::nullopt;
    };
    auto optional_string = [&](Field k, std::string& dst, bool& has) -> std::optional<RecordProblem> {
        has = f[k].present();
        if (!has) return std::nullopt;
        if (f[k].kind != JsonKind::string) return RecordProblem{Reason::invalid_value, quoted(k) + " must be a string"};
        dst = f[k].text;
        return std::nullopt;
    };
    if (auto e = non_empty_string(product_id, out.product_id)) return e;
    if (auto e = non_empty_string(name, out.name)) return e;
    if (auto e = non_empty_string(category, out.category)) return e;
    if (auto e = optional_string(subcategory, out.subcategory, out.has_subcategory)) return e;
    if (auto e = optional_string(brand, out.brand, out.has_brand)) return e;
    if (auto e = optional_string(supplier_id, out.supplier_id, out.has_supplier_id)) return e;

    std::optional<long long> cents;
    if (f[price].kind == JsonKind::number) cents = parse_cents(f[price].text);
    if (!cents || *cents < 0)
        return RecordProblem{Reason::invalid_value, "\"price\" must be a number >= 0 with at most 2 decimals, got " +
                                                      std::string(f[price].kind == JsonKind::number ? f[price].text
                                                                                                    : "a non-number")};
    out.price_cents = *cents;
    if (f[active].kind != JsonKind::boolean) return RecordProblem{Reason::invalid_value, "\"active\" must be true or false"};
    out.active = f[active].flag;

    std::optional<int64_t> ts;
    if (f[updated_at].kind == JsonKind::string) ts = parse_rfc3339(f[updated_at].text);
    if (!ts) return RecordProblem{Reason::invalid_value, "\"updated_at\" must be an RFC 3339 timestamp"};
    out.updated_at = *ts;
    if (is_future(*ts, load_day))
        return RecordProblem{Reason::future_timestamp,
                             "\"updated_at\" " + std::string(f[updated_at].text) + " is after the load date"};
    return std::nullopt;
}

void transform_products(TaskContext& ctx) {
    auto started = std::chrono::steady_clock::now();
    Connection& db = *ctx.db;
    const int64_t load_day = ctx.load_day();
    // an empty snapshot ([]) was delivered: it closes nothing (no snapshot date), it does not leave an earlier
    // delivery's rows behind, and the quality gate's products volume rule stops the night
    if (auto removed = clear_day_of_empty_drop(db, "products", ctx.date(), "staging/products_snapshot_remove_day.sql")) {
        spdlog::warn("the products drop for {} holds no product: no snapshot for that date ({} staged rows of an "
                     "earlier delivery removed); dq_checks' products volume rule fails it",
                     ctx.date(), with_commas(*removed));
        return;
    }

    // Raw rows are read on this connection into a spool, then loaded: one COPY at a time on a connection.
    CopySpool staged;
    Quarantine quarantine("products", ctx.date());
    ProductParser parser;
    ProductRecord p;
    long long read = 0;
    CopySpool quarantined_ids;  // products whose element failed validation: they keep their current version
    bool unknown_product_quarantined = false;
    for_each_raw_record(db, "products", ctx.date(), [&](const RawRecord& raw) {
            ++read;
            const std::string& file = raw.source_file;
            const std::string& record = raw.record;
            const long line = raw.line_no;
            if (auto issue = parser.parse(record, load_day, p)) {
                quarantine.add(issue->reason, file, line, issue->detail, record);
                if (parser.product_id_read().empty())
                    unknown_product_quarantined = true;
                else
                    quarantined_ids.field(parser.product_id_read()).end_row();
                return;
            }
            staged.field(p.product_id).field(p.name).field(p.category);
            p.has_subcategory ? staged.field(p.subcategory) : staged.null_field();
            p.has_brand ? staged.field(p.brand) : staged.null_field();
            staged.cents_field(p.price_cents);
            p.has_supplier_id ? staged.field(p.supplier_id) : staged.null_field();
            staged.bool_field(p.active).timestamp_field(p.updated_at).field(file).field(static_cast<long long>(line));
            staged.end_row();
        });
    ctx.check_interrupted();

    db.exec_script(read_sql_file("staging/products_in.sql"));
    staged.load(db, "copy products_in from stdin with (format text)");
    db.exec(read_sql_file("staging/products_snapshot_remove_day.sql"), {ctx.date()});
    Result inserted = db.exec(read_sql_file("staging/products_snapshot_insert.sql"), {ctx.date()});
    const long long carried = carry_forward_quarantined(db, ctx.date(), quarantined_ids, unknown_product_quarantined);
    ctx.counts.rows_read = read;
    ctx.counts.rows_written = inserted.affected();
    ctx.counts.rows_quarantined = quarantine.store(db, "transform");
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("staged {} products for {} from {} raw rows ({} duplicates dropped), {} quarantined ({} products "
                 "kept from the previous snapshot), in {:.2f} s",
                 with_commas(ctx.counts.rows_written), ctx.date(), with_commas(read),
                 with_commas(staged.rows() - ctx.counts.rows_written), with_commas(ctx.counts.rows_quarantined),
                 with_commas(carried), seconds);
}

}  // namespace ecomm
