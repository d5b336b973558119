// The events feed: each day's clickstream CSV, with repeats, carried resends and deliberate defects.
#include "generator.hpp"

namespace ecomm::generator {

namespace {

constexpr const char* kEventCols[] = {"event_id", "user_id", "session_id", "event_type", "event_ts", "product_id",
                                      "page_url", "device", "country", "referrer"};
void put_csv_row(std::string& out, const EventFields& f, const std::vector<int>& cols, size_t ncols) {
    for (size_t k = 0; k < ncols; ++k) {
        if (k) out.push_back(',');
        put_csv_field(out, f[static_cast<size_t>(cols[k])]);
    }
    out.push_back('\n');
}

}  // namespace

void generate_events_day(Context& c, int di, std::vector<EventFields>& carried) {
    const GeneratorOptions& opt = c.o;
    const int64_t day = c.start_day + di;
    std::mt19937_64 rng = stream_rng(opt.seed, f_events, di);
    std::mt19937_64 drng = stream_rng(opt.seed, 100 + f_events, di);  // defect placement
    std::vector<int> cols = {c_event_id, c_user_id, c_session_id, c_event_type, c_event_ts,
                             c_product_id, c_page_url, c_device, c_country};
    if (di % 3 == 1)  // shuffled header on some days
        for (size_t k = cols.size() - 1; k > 0; --k) std::swap(cols[k], cols[below(rng, k + 1)]);
    if (di % 4 == 3) cols.insert(cols.begin() + 4, c_referrer);  // an unknown extra column on some days
    const std::string& dc = c.day_compact(di);
    Sink s(day_dir(c, f_events, di) / "events-1.csv", false, shuffle_of(c, f_events, di, nullptr, true));
    for (size_t k = 0; k < cols.size(); ++k) {
        if (k) s.buf.push_back(',');
        s.buf.append(kEventCols[cols[k]]);
    }
    s.buf.push_back('\n');
    for (const EventFields& f : carried) {  // exact resend of yesterday's first events: not counted again
        put_csv_row(s.buf, f, cols, cols.size());
        c.oracle.count(di, f_events);
        c.oracle.scenario("repeated_event_next_day", f[c_event_id]);
    }
    carried.clear();

    Oracle& q = c.oracle;
    const size_t date = q.date_index(day);
    EventFields f;
    DefectRotation rot(6);  // utf8, line break, too few columns, missing, invalid, future
    long long defect_no = 0, event_no = 0, session_no = 0;
    auto emit_defect = [&](int kind) {
        EventFields d;
        d[c_event_id] = "E" + dc + "Q" + std::to_string(1000000 + defect_no);
        if (opt.uuid_ids) {
            d[c_event_id].clear();
            put_uuid(d[c_event_id], mix(mix(opt.seed, 0x46), (static_cast<uint64_t>(di) << 40) ^ static_cast<uint64_t>(defect_no)));
        }
        d[c_user_id] = "";
        d[c_session_id] = "S" + dc + "Q" + std::to_string(1000000 + defect_no);
        d[c_event_type] = "page_view";
        d[c_event_ts].clear();
        put_ts(d[c_event_ts], day * 86400 + 43200);
        d[c_page_url] = "/";
        d[c_device] = "desktop";
        d[c_country] = "US";
        d[c_referrer] = "";
        Reason reason = r_malformed;
        size_t ncols = cols.size();
        switch (kind) {
        case 0: d[c_page_url] = "/p/caf\xE9"; reason = r_invalid_utf8; break;
        case 1: d[c_page_url] = "/search?q=two\nlines"; break;
        case 2: ncols = std::max<size_t>(1, cols.size() - 3); break;
        case 3:
            reason = r_missing_field;
            if (defect_no / 6 % 2 == 0) d[c_session_id] = "";
            else d[c_event_type] = "product_view";  // without its product_id
            break;
        case 4:
            reason = r_invalid_value;
            if (defect_no / 6 % 2 == 0) d[c_event_type] = "click";
            else d[c_device] = "watch";
            break;
        default:
            reason = r_future_timestamp;
            d[c_event_ts].clear();
            put_ts(d[c_event_ts], (day + 2) * 86400 + 3600);
        }
        put_csv_row(s.buf, d, cols, ncols);
        q.quarantine(di, f_events, reason);
        ++defect_no;
    };
    static const char* kUrls[] = {"/", "/p/", "/search?q=shoes,red", "/search?q=\"trail\" boots", "/cart", "/checkout"};
    while (event_no < opt.events_per_day) {
        ++session_no;
        const bool anonymous = chance(rng, 0.15);
        const uint32_t user = static_cast<uint32_t>(below(rng, static_cast<uint64_t>(opt.customers)));
        const int device = static_cast<int>(below(rng, 3));
        const int place = static_cast<int>(below(rng, kNumPlaces));
        int64_t ts = day * 86400 + static_cast<int64_t>(below(rng, 82800));
        int types[16];
        int nt = 0;
        types[nt++] = e_page_view;
        if (chance(rng, 0.3)) types[nt++] = e_page_view;
        if (chance(rng, 0.7)) {
            int views = 1 + static_cast<int>(below(rng, 3));
            for (int k = 0; k < views; ++k) types[nt++] = e_product_view;
            if (chance(rng, 0.35)) {
                types[nt++] = e_add_to_cart;
                if (chance(rng, 0.1)) types[nt++] = e_remove_from_cart;
                if (chance(rng, 0.5)) {
                    types[nt++] = e_begin_checkout;
                    if (chance(rng, 0.7)) types[nt++] = e_purchase;
                }
            }
        }
        f[c_session_id].assign("S").append(dc);
        put_padded(f[c_session_id], static_cast<uint64_t>(session_no), 7);
        f[c_user_id].clear();
        if (!anonymous) put_user_id(f[c_user_id], user);
        f[c_device] = kDevices[device];
        f[c_country] = kPlaces[place].country;
        f[c_referrer] = "";
        unsigned mask = 0;
        int product = static_cast<int>(below(rng, static_cast<uint64_t>(opt.products)));
        for (int k = 0; k < nt && event_no < opt.events_per_day; ++k) {
            ++event_no;
            const int t = types[k];
            if (opt.uuid_ids) {
                f[c_event_id].clear();
                put_uuid(f[c_event_id], mix(mix(opt.seed, 0x45), (static_cast<uint64_t>(di) << 40) ^ static_cast<uint64_t>(event_no)));
            } else {
                f[c_event_id].assign("E").append(dc);
                put_padded(f[c_event_id], static_cast<uint64_t>(event_no), 8);
            }
            f[c_event_type] = kEventTypes[t];
            f[c_event_ts].clear();
            put_ts(f[c_event_ts], ts);
            ts += 5 + static_cast<int64_t>(below(rng, 116));
            f[c_product_id].clear();
            if (t == e_product_view) product = static_cast<int>(below(rng, static_cast<uint64_t>(opt.products)));
            if (t == e_product_view || t == e_add_to_cart || t == e_remove_from_cart) put_product_id(f[c_product_id], product);
            const int url = t == e_page_view ? static_cast<int>(below(rng, 4)) : t == e_product_view ? 1 : t <= e_remove_from_cart ? 4 : 5;
            f[c_page_url] = kUrls[url == 1 && t == e_page_view ? 0 : url];
            if (url == 1) f[c_page_url].append(std::to_string(product + 1));
            if (k == 0 && chance(rng, 0.2)) f[c_referrer] = "https://ads.example.com/?a=1,b=\"2\"";
            put_csv_row(s.buf, f, cols, cols.size());
            q.count(di, f_events);
            EventCell& cell = q.events[date][static_cast<size_t>(t)];
            ++cell.events;
            if (!anonymous) cell.users.add(user);
            else ++q.anonymous_events;
            if (!(mask & (1u << t))) {
                mask |= 1u << t;
                ++cell.sessions;
            }
            if (carried.size() < 2 && di + 1 < opt.days) carried.push_back(f);
            if (chance(rng, 0.002)) {  // an exact repeat in the same file
                put_csv_row(s.buf, f, cols, cols.size());
                q.count(di, f_events);
                q.scenario("repeated_event_same_day", f[c_event_id]);
            }
            if (opt.defect_rate > 0 && chance(drng, opt.defect_rate)) emit_defect(rot.take());
            s.maybe_flush();
        }
        if (mask) {
            FunnelDay& fd = q.funnel[date];
            ++fd.sessions;
            for (int t = 0; t < n_event_types; ++t)
                if (mask & (1u << t)) ++fd.by_type[t];
        }
    }
    if (opt.defect_rate > 0) rot.complete(emit_defect);
    s.close();
    mark_success(c, f_events, di);
}

}  // namespace ecomm::generator
