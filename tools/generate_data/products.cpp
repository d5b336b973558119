// The products feed: the catalogue snapshots as JSON arrays, one element per line.
#include "generator.hpp"

namespace ecomm::generator {

namespace {

void write_product(std::string& out, const Context& c, int p, const ProductAttrs& a, int64_t day, int mutation,
                   long long defect_no) {
    // mutation: 0 valid, 1 invalid_utf8, 2 malformed (missing comma), 3 missing price, 4 active "yes", 5 future
    out.append("{\"product_id\":\"");
    if (p >= 0) put_product_id(out, p);
    else {
        out.append("PQ");
        put_padded(out, static_cast<uint64_t>(defect_no + 1), 6);
    }
    out.append("\",\"name\":\"");
    const std::string& name = c.cat.names[static_cast<size_t>(p >= 0 ? p : 0)];
    for (char ch : name) {
        if (ch == '"') out.push_back('\\');
        out.push_back(ch);
    }
    if (mutation == 1) out.append(" caf\xE9");
    out.append(mutation == 2 ? "\" \"category\":\"" : "\",\"category\":\"");
    const Category& cat = kCategories[static_cast<size_t>(a.category)];
    out.append(cat.name);
    out.append("\",\"subcategory\":\"");
    out.append(cat.subs[static_cast<size_t>(a.sub)]);
    out.append("\",\"brand\":\"");
    out.append(kBrands[a.brand]);
    out.push_back('"');
    if (mutation != 3) {
        out.append(",\"price\":");
        append_cents(out, a.price);
    }
    out.append(",\"supplier_id\":\"S");
    put_padded(out, static_cast<uint64_t>(c.cat.suppliers[static_cast<size_t>(p >= 0 ? p : 0)]), 3);
    out.append("\",\"active\":");
    out.append(mutation == 4 ? "\"yes\"" : a.active ? "true" : "false");
    out.append(",\"updated_at\":\"");
    put_ts(out, mutation == 5 ? (day + 3) * 86400 : day * 86400);
    out.append("\"}");
}

}  // namespace

void generate_products_snapshot(Context& c, size_t s) {
    const GeneratorOptions& opt = c.o;
    const int di = c.cat.snapshot_days[s];
    const int64_t day = c.start_day + di;
    const fs::path dir = day_dir(c, f_products, di);
    std::mt19937_64 drng = stream_rng(opt.seed, 100 + f_products, di);
    const bool split = s == 1 || c.cat.snapshot_days.size() == 1;
    static const Reason kReasons[] = {r_invalid_utf8, r_malformed, r_missing_field, r_invalid_value, r_future_timestamp};
    DefectRotation rot(5);
    long long defect_no = 0;
    std::vector<int> ids;
    for (int p = 0; p < c.cat.n; ++p)
        if (c.cat.present[s][static_cast<size_t>(p)]) ids.push_back(p);
    const size_t half = split ? ids.size() / 2 : ids.size();
    for (int part = 0; part < (split ? 2 : 1); ++part) {
        Sink out(dir / (split ? (part == 0 ? "part-1.json" : "part-2.json") : "products.json"), false);
        out.buf.append("[\n");
        bool first = true;
        auto element = [&] {
            if (!first) out.buf.append(",\n");
            first = false;
        };
        auto emit_defect = [&](int kind) {
            element();
            write_product(out.buf, c, -1, c.cat.attrs[s][0], day, kind + 1, defect_no++);
            c.oracle.quarantine(di, f_products, kReasons[kind]);
        };
        const size_t from = part == 0 ? 0 : half, to = part == 0 ? half : ids.size();
        for (size_t k = from; k < to; ++k) {
            element();
            write_product(out.buf, c, ids[k], c.cat.attrs[s][static_cast<size_t>(ids[k])], day, 0, 0);
            c.oracle.count(di, f_products);
            if (opt.defect_rate > 0 && chance(drng, opt.defect_rate)) emit_defect(rot.take());
        }
        if (opt.defect_rate > 0 && part == (split ? 1 : 0)) rot.complete(emit_defect);
        out.buf.append("\n]\n");
        out.close();
    }
    mark_success(c, f_products, di);
}

}  // namespace ecomm::generator
