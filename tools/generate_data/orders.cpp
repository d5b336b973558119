// The orders feed: each day's new orders and the later updates of earlier ones, regenerated from their keys.
#include "generator.hpp"

namespace ecomm::generator {

namespace {

struct OrderLine {
    int product;
    int quantity;
    long long unit_price, discount;
};
struct OrderVersion {
    int day;  // load day index it arrives on
    int64_t updated_at;
    int8_t status;
    int8_t defect;  // -1 valid, else the Reason it is quarantined for
};
struct Order {
    int day = 0;
    long long index = 0;
    bool defect_record = false;
    int64_t order_ts = 0;
    int tz = 0;  // 0: Z; 1: -05:00 local evening (UTC date = local date + 1); 2: +02:00 just after midnight
    int nv = 0;
    OrderVersion v[6];
    bool same_day_update = false;  // v[1] arrives later in the same day's file
    // content
    uint32_t user = 0;
    int channel = 0, method = 0, place = 0, nlines = 0;
    OrderLine lines[4];
    long long revenue = 0, payment = 0;
    bool repeat = false;
    int final_version(int days) const {  // the version that wins within the generated days
        int w = 0;
        for (int k = 0; k < nv; ++k)
            if (v[k].defect < 0 && v[k].day < days) w = k;
        return w;
    }
};

enum OrderMutation { m_none, m_bad_utf8, m_truncate, m_no_user, m_null_order_ts, m_no_items, m_eur,
                     m_status_lost, m_quantity_zero, m_channel_fax, m_discount_too_big, m_method_cash,
                     m_future };

void make_order(const Context& c, int di, long long i, bool with_content, Order& o, bool defect_record = false) {
    const GeneratorOptions& opt = c.o;
    const int64_t day = c.start_day + di;
    KeyedRng r{mix(mix(opt.seed, defect_record ? 0x51 : 0x4f), (static_cast<uint64_t>(di) << 40) ^ static_cast<uint64_t>(i))};
    o = Order{};
    o.day = di;
    o.index = i;
    o.defect_record = defect_record;
    const bool scen = !defect_record;
    double u = unit(r);
    if ((scen && i == 7) || u < 0.015) {
        o.tz = 1;
        o.order_ts = (day + 1) * 86400 + static_cast<int64_t>(below(r, 3540));
    } else if ((scen && i == 8) || u < 0.025) {
        o.tz = 2;
        o.order_ts = day * 86400 - 7200 + static_cast<int64_t>(below(r, 3600));
    } else {
        o.order_ts = day * 86400 + static_cast<int64_t>(below(r, 82800));
    }
    o.v[o.nv++] = {di, o.order_ts, s_placed, -1};
    if (!defect_record) {
        if ((i == 10) || (i >= 14 && chance(r, 0.08))) {
            bool equal = i == 10 || o.tz != 0 || chance(r, 0.5);
            o.v[o.nv++] = {di, equal ? o.order_ts : o.order_ts + 60 * (5 + static_cast<int64_t>(below(r, 50))), s_paid, -1};
            o.same_day_update = true;
        }
        struct Step {
            int offset;
            int8_t status;
        };
        static const std::vector<Step> kFull{{1, s_paid}, {2, s_shipped}, {3, s_delivered}};
        static const std::vector<Step> kShip{{1, s_paid}, {2, s_shipped}};
        static const std::vector<Step> kCancel{{1, s_cancelled}};
        static const std::vector<Step> kRefund{{1, s_paid}, {3, s_refunded}};
        static const std::vector<Step> kLatePay{{2, s_paid}};
        const std::vector<Step>* path = nullptr;
        if (i == 9) path = &kFull;
        else if (i == 11) path = &kCancel;
        else if (i == 12) path = &kRefund;
        else if (i == 13) path = &kShip;
        else if (i >= 14 && chance(r, 0.35)) {
            double w = unit(r);
            path = w < 0.4 ? &kFull : w < 0.6 ? &kShip : w < 0.75 ? &kCancel : w < 0.9 ? &kRefund : &kLatePay;
        }
        if (path) {
            for (size_t k = 0; k < path->size(); ++k) {
                const Step& st = (*path)[k];
                int e = di + st.offset;
                int64_t ts = (c.start_day + e) * 86400 + 21600 + static_cast<int64_t>(below(r, 43200));
                int8_t defect = -1;
                if (opt.defect_rate > 0) {
                    bool bad = (i == 13 && k == 1) || chance(r, std::min(0.5, opt.defect_rate * 2));
                    if (bad) defect = (i == 13 || chance(r, 0.5)) ? r_future_timestamp : r_invalid_value;
                }
                o.v[o.nv++] = {e, ts, st.status, defect};
            }
        }
    }
    if (!with_content) return;
    o.user = static_cast<uint32_t>(below(r, static_cast<uint64_t>(opt.customers)));
    o.channel = static_cast<int>(below(r, 3));
    o.method = static_cast<int>(below(r, 5));
    o.place = static_cast<int>(below(r, kNumPlaces));
    double ln = unit(r);
    o.nlines = ln < 0.6 ? 1 : ln < 0.85 ? 2 : ln < 0.95 ? 3 : 4;
    const int snap = c.cat.snapshot_at(di);
    for (int k = 0; k < o.nlines; ++k) {
        OrderLine& l = o.lines[k];
        l.product = static_cast<int>(below(r, static_cast<uint64_t>(opt.products)));
        if (l.product == kMissingProduct && di >= c.cat.removal_day - 1) l.product = kMissingProduct + 1;
        if (k == 0 && scen && i <= 4) {
            static const int forced[] = {kLateProduct, kPriceChangeProduct, kUnknownProduct, kCategoryChangeProduct,
                                         kMissingProduct};
            if (i != 4 || di < c.cat.removal_day - 1) l.product = forced[i];
        }
        l.quantity = chance(r, 0.75) ? 1 : 2 + static_cast<int>(below(r, 3));
        l.unit_price = c.cat.price_for_orders(l.product, snap);
        l.discount = chance(r, 0.2) ? l.quantity * l.unit_price / 10 : 0;
        o.revenue += l.quantity * l.unit_price - l.discount;
    }
    o.payment = o.revenue;
    if ((scen && i == 5) || chance(r, 0.003)) o.payment = o.revenue + 500;
    o.repeat = (scen && i == 6) || chance(r, 0.01);
}

void put_order_id(std::string& out, const Context& c, const Order& o) {
    if (c.o.uuid_ids) {
        put_uuid(out, mix(mix(c.o.seed, o.defect_record ? 0x71 : 0x70),
                          (static_cast<uint64_t>(o.day) << 40) ^ static_cast<uint64_t>(o.index)));
        return;
    }
    out.append("ORD-");
    out.append(c.day_compact(o.day));
    out.push_back('-');
    if (o.defect_record) {
        out.push_back('Q');
        put_padded(out, static_cast<uint64_t>(o.index + 1), 6);
    } else {
        put_padded(out, static_cast<uint64_t>(o.index + 1), 7);
    }
}

void put_order_ts(std::string& out, const Order& o, int64_t secs) {
    if (o.tz == 1) put_ts(out, secs, -300, false);
    else if (o.tz == 2) put_ts(out, secs, 120, false);
    else put_ts(out, secs);
}

// One order record (one line, with '\n') for version k, broken by mutation m (m_none = valid).
void write_order(std::string& out, const Context& c, const Order& o, int k, OrderMutation m) {
    const size_t begin = out.size();
    const OrderVersion& v = o.v[k];
    int64_t order_ts = o.order_ts, updated_at = v.updated_at;
    if (m == m_future) {
        updated_at = (c.start_day + v.day + 2) * 86400 + 36000;
        if (k == 0) order_ts = updated_at;
    }
    out.append("{\"order_id\":\"");
    put_order_id(out, c, o);
    out.append("\",");
    if (m != m_no_user) {
        out.append("\"user_id\":\"");
        put_user_id(out, o.user);
        out.append("\",");
    }
    out.append("\"order_ts\":");
    if (m == m_null_order_ts) {
        out.append("null");
    } else {
        out.push_back('"');
        if (m == m_future && k == 0) put_ts(out, order_ts);
        else put_order_ts(out, o, order_ts);
        out.push_back('"');
    }
    out.append(",\"updated_at\":\"");
    // the placed version and a same-day update use order_ts's offset (an equal updated_at is the same text)
    if ((k == 0 && m != m_future) || (o.same_day_update && k == 1)) put_order_ts(out, o, updated_at);
    else put_ts(out, updated_at);
    out.append("\",\"status\":\"");
    out.append(m == m_status_lost ? "lost" : kStatus[v.status]);
    out.append("\",\"currency\":\"");
    out.append(m == m_eur ? "EUR" : "USD");
    out.append("\",\"channel\":\"");
    out.append(m == m_channel_fax ? "fax" : kChannels[o.channel]);
    out.append("\",");
    if (m != m_no_items) {
        out.append("\"items\":[");
        for (int li = 0; li < o.nlines; ++li) {
            const OrderLine& l = o.lines[li];
            if (li) out.push_back(',');
            out.append("{\"product_id\":\"");
            put_product_id(out, l.product);
            out.append("\",\"quantity\":");
            put_uint(out, m == m_quantity_zero && li == 0 ? 0 : static_cast<uint64_t>(l.quantity));
            out.append(",\"unit_price\":");
            append_cents(out, l.unit_price);
            long long discount = m == m_discount_too_big && li == 0 ? l.quantity * l.unit_price + 100 : l.discount;
            if (discount != 0 || (o.index + li) % 2 == 0) {
                out.append(",\"discount\":");
                append_cents(out, discount);
            }
            out.push_back('}');
        }
        out.append("],");
    }
    out.append("\"payment\":{\"method\":\"");
    out.append(m == m_method_cash ? "cash" : kMethods[o.method]);
    out.append("\",\"amount\":");
    append_cents(out, o.payment);
    const Place& pl = kPlaces[o.place];
    out.append("},\"shipping\":{");
    append_place(out, pl, m == m_bad_utf8 ? "San Jos\xE9" : pl.city);
    out.append("\",\"postal_code\":\"");
    out.append(pl.postal);
    out.append("\"}}");
    if (m == m_truncate) cut_in_half(out, begin);
    out.push_back('\n');
}

// The oracle's share of one order: its latest state within the generated days.
void account_order(Context& c, const Order& o) {
    Oracle& q = c.oracle;
    const OrderVersion& fin = o.v[o.final_version(c.o.days)];
    const int64_t date = floor_div(o.order_ts, 86400);
    SalesDay& sd = q.sales[q.date_index(date)];
    ++sd.orders;
    if (fin.status == s_cancelled || fin.status == s_refunded) {
        ++sd.cancelled_or_refunded;
        return;
    }
    long long units = 0;
    int seen_cats[4];
    int nseen = 0;
    auto& cells = q.by_category[q.date_index(date)];
    for (int k = 0; k < o.nlines; ++k) {
        const OrderLine& l = o.lines[k];
        units += l.quantity;
        int cat = c.cat.category_at(l.product, o.order_ts, c.start_day) + 1;
        CategoryCell& cell = cells[static_cast<size_t>(cat)];
        cell.units += l.quantity;
        cell.revenue += l.quantity * l.unit_price - l.discount;
        if (std::find(seen_cats, seen_cats + nseen, cat) == seen_cats + nseen) {
            seen_cats[nseen++] = cat;
            ++cell.orders;
        }
    }
    sd.revenue += o.revenue;
    sd.units += units;
    sd.customers.add(o.user);
    CustomerTotals& ct = q.customers[o.user];
    ++ct.orders;
    ct.revenue += o.revenue;
    ct.first_day = std::min(ct.first_day, date);
    ct.last_day = std::max(ct.last_day, date);
}

std::string order_id_text(const Context& c, const Order& o) {
    std::string s;
    put_order_id(s, c, o);
    return s;
}

void note_order_scenarios(Context& c, const Order& o) {
    const int days = c.o.days;
    std::string id;
    auto key = [&] {
        if (id.empty()) id = order_id_text(c, o);
        return id;
    };
    if (o.tz == 1) c.oracle.scenario("midnight_offset_next_utc_day", key());
    if (o.tz == 2) c.oracle.scenario("midnight_offset_prev_utc_day", key());
    if (o.repeat) c.oracle.scenario("repeated_line", key());
    if (o.payment != o.revenue) c.oracle.scenario("payment_mismatch", key());
    if (o.same_day_update) {
        c.oracle.scenario(o.v[1].updated_at == o.order_ts ? "same_day_update_equal_updated_at"
                                                          : "same_day_update_newer_updated_at", key());
    }
    const OrderVersion& fin = o.v[o.final_version(c.o.days)];
    for (int k = 1; k < o.nv; ++k) {
        const OrderVersion& v = o.v[k];
        if (v.day >= days || v.day == o.day) continue;
        if (v.defect >= 0) c.oracle.scenario("quarantined_update", key());
        else c.oracle.scenario("updated_order", key());
    }
    if (fin.day != o.day && fin.day < days) {
        if (fin.status == s_cancelled) c.oracle.scenario("cancelled_order", key());
        if (fin.status == s_refunded) c.oracle.scenario("refunded_order", key());
        if (fin.status == s_delivered) c.oracle.scenario("delivered_order", key());
    }
}

OrderMutation order_mutation(int reason, long long nth) {
    switch (reason) {
    case r_invalid_utf8: return m_bad_utf8;
    case r_malformed: return m_truncate;
    case r_missing_field: {
        static const OrderMutation v[] = {m_no_user, m_null_order_ts, m_no_items};
        return v[nth % 3];
    }
    case r_unsupported_currency: return m_eur;
    case r_invalid_value: {
        static const OrderMutation v[] = {m_status_lost, m_quantity_zero, m_channel_fax, m_discount_too_big, m_method_cash};
        return v[nth % 5];
    }
    default: return m_future;
    }
}

}  // namespace

void generate_orders_day(Context& c, int di) {
    const GeneratorOptions& opt = c.o;
    const long long n = opt.orders_per_day;
    const fs::path dir = day_dir(c, f_orders, di);
    std::mt19937_64 rng = stream_rng(opt.seed, f_orders, di);
    DefectRotation rot(n_reasons);
    long long defect_no = 0;
    Order o, old;
    auto emit_defect = [&](Sink& s, int reason) {
        Order d;
        make_order(c, di, defect_no, true, d, true);
        write_order(s.buf, c, d, 0, order_mutation(reason, defect_no / n_reasons));
        ++defect_no;
        c.oracle.quarantine(di, f_orders, static_cast<Reason>(reason));
        s.maybe_flush();
    };
    constexpr int kLag = 64;  // a same-day update arrives this many orders after its order
    std::vector<std::string> pending(kLag);
    const long long half = n / 2;
    for (int part = 0; part < 2; ++part) {
        const long long from = part == 0 ? 0 : half, to = part == 0 ? half : n;
        const bool gz = opt.gzip && part == 1;
        Sink s(dir / (part == 0 ? "part-1.json" : (gz ? "part-2.json.gz" : "part-2.json")), gz,
               shuffle_of(c, f_orders, di * 2 + part, "order_id"));
        if (part == 0) {
            // Later-day updates of the orders of the three days before: regenerated, not remembered.
            for (int dp = std::max(0, di - 3); dp < di; ++dp) {
                for (long long i = 0; i < n; ++i) {
                    make_order(c, dp, i, false, old);
                    bool due = false;
                    for (int k = 1; k < old.nv; ++k) due |= old.v[k].day == di;
                    if (!due) continue;
                    make_order(c, dp, i, true, old);
                    for (int k = 1; k < old.nv; ++k) {
                        if (old.v[k].day != di) continue;
                        const int8_t d = old.v[k].defect;
                        write_order(s.buf, c, old, k, d < 0 ? m_none : d == r_future_timestamp ? m_future : m_status_lost);
                        if (d < 0) c.oracle.count(di, f_orders);
                        else c.oracle.quarantine(di, f_orders, static_cast<Reason>(d));
                    }
                    s.maybe_flush();
                }
            }
        }
        auto flush_pending = [&](long long j) {  // the same-day update held kLag orders back
            std::string& slot = pending[static_cast<size_t>(j % kLag)];
            if (slot.empty()) return;
            s.buf.append(slot);
            slot.clear();
            c.oracle.count(di, f_orders);
        };
        for (long long j = from; j < to; ++j) {
            flush_pending(j);
            make_order(c, di, j, true, o);
            write_order(s.buf, c, o, 0, m_none);
            c.oracle.count(di, f_orders);
            if (o.repeat) {
                const size_t len = s.buf.rfind('\n', s.buf.size() - 2);
                const size_t b = len == std::string::npos ? 0 : len + 1;
                s.buf.append(s.buf, b, s.buf.size() - b);
                c.oracle.count(di, f_orders);
            }
            if (o.same_day_update) write_order(pending[static_cast<size_t>(j % kLag)], c, o, 1, m_none);
            account_order(c, o);
            note_order_scenarios(c, o);
            if (opt.defect_rate > 0 && chance(rng, opt.defect_rate)) emit_defect(s, rot.take());
            s.maybe_flush();
        }
        for (long long j = std::max(from, to - kLag); j < to; ++j) flush_pending(j);  // the part's last updates
        if (part == 1 && opt.defect_rate > 0) rot.complete([&](int reason) { emit_defect(s, reason); });
        s.close();
    }
    mark_success(c, f_orders, di);
}

}  // namespace ecomm::generator
