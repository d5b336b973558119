// The customers feed: each day's NDJSON changes (upserts, deletes, deliberate defects).
#include "generator.hpp"

namespace ecomm::generator {

namespace {

void write_customer(std::string& out, const Context& c, uint32_t u, const CustomerState& st, bool del,
                    int64_t updated_at, int mutation, long long defect_no) {
    // mutation: 0 valid, 1 invalid_utf8, 2 truncated, 3 no user_id, 4 segment "vip", 5 future updated_at
    const size_t begin = out.size();
    out.append("{\"op\":\"");
    out.append(del ? "delete" : "upsert");
    out.append("\",");
    if (mutation != 3) {
        out.append("\"user_id\":\"");
        if (mutation == 0) put_user_id(out, u);
        else {
            out.append("UQ");
            put_padded(out, static_cast<uint64_t>(defect_no + 1), 6);
        }
        out.append("\",");
    }
    const char* first = kFirstNames[u % 10];
    const char* last = kLastNames[(u / 10) % 8];
    out.append("\"email\":\"user");
    put_uint(out, u + 1);
    if (st.email_version) {
        out.push_back('.');
        put_uint(out, static_cast<uint64_t>(st.email_version));
    }
    out.append("@example.com\",\"first_name\":\"");
    out.append(first);
    out.append("\",\"last_name\":\"");
    out.append(mutation == 1 ? "Mu\xFCller" : last);
    out.append("\",\"phone\":\"+1-408-555-");
    put_padded(out, (u * 7919u) % 10000u, 4);
    const Place& pl = kPlaces[st.place];
    out.append("\",\"segment\":\"");
    out.append(mutation == 4 ? "vip" : kSegments[st.segment]);
    out.append("\",");
    append_place(out, pl, pl.city);
    out.append("\",\"signup_ts\":\"");
    put_ts(out, st.signup);
    out.append("\",\"marketing_opt_in\":");
    out.append(st.opt_in ? "true" : "false");
    out.append(",\"updated_at\":\"");
    put_ts(out, mutation == 5 ? updated_at + 3 * 86400 : updated_at);
    out.append("\"}");
    if (mutation == 2) cut_in_half(out, begin);
    out.push_back('\n');
}

}  // namespace

CustomerFeed make_customer_feed(size_t n) {
    CustomerFeed feed;
    feed.cs.resize(n);
    feed.stride = std::max<uint64_t>(1, static_cast<uint64_t>(static_cast<double>(n) * 0.618));
    while (std::gcd(feed.stride, static_cast<uint64_t>(n)) != 1) ++feed.stride;
    return feed;
}

void generate_customers_day(Context& c, int di, CustomerFeed& feed) {
    std::vector<CustomerState>& cs = feed.cs;
    const GeneratorOptions& opt = c.o;
    const int64_t day = c.start_day + di;
    std::mt19937_64 rng = stream_rng(opt.seed, f_customers, di);
    std::mt19937_64 drng = stream_rng(opt.seed, 100 + f_customers, di);
    Oracle& q = c.oracle;
    Sink s(day_dir(c, f_customers, di) / "customers.json", false, shuffle_of(c, f_customers, di, "user_id"));
    static const Reason kReasons[] = {r_invalid_utf8, r_malformed, r_missing_field, r_invalid_value, r_future_timestamp};
    DefectRotation rot(5);
    long long defect_no = 0;
    auto emit_defect = [&](int kind) {
        CustomerState st;
        st.signup = (day - 400) * 86400;
        write_customer(s.buf, c, static_cast<uint32_t>(defect_no), st, false, day * 86400 + 3600, kind + 1, defect_no);
        ++defect_no;
        q.quarantine(di, f_customers, kReasons[kind]);
    };
    auto emit = [&](uint32_t u, bool del) {
        int64_t ts = day * 86400 + static_cast<int64_t>(below(rng, 82800));
        write_customer(s.buf, c, u, cs[u], del, ts, 0, 0);
        q.count(di, f_customers);
        if (opt.defect_rate > 0 && chance(drng, opt.defect_rate)) emit_defect(rot.take());
        s.maybe_flush();
        return ts;
    };
    auto add_version = [&](uint32_t u, int64_t ts) {
        q.customer_versions.push_back({u, ts, cs[u].segment, cs[u].place});
    };
    const uint32_t n = static_cast<uint32_t>(opt.customers);
    const bool gradual = opt.customer_changes > 0;
    auto first_record = [&](uint32_t u) {
        cs[u].known = true;
        cs[u].changed_day = di;
        add_version(u, emit(u, false));
    };
    long long budget = opt.customer_changes;  // gradual: records left for today
    if (gradual && di > 0) {
        // a fifth of the day's records change known customers, the rest introduce new ones
        long long fresh = std::min<long long>(budget - budget / 5, static_cast<long long>(n - feed.revealed));
        for (long long k = 0; k < fresh && feed.revealed < n; ++k) {
            uint32_t u = feed.reveal(feed.revealed++);
            if (cs[u].known) --k;
            else first_record(u);
        }
        budget -= fresh;
    }
    // a known customer at random: anyone (everyone is known from day one), or one of the revealed ones
    auto pick = [&]() -> uint32_t {
        if (!gradual) return static_cast<uint32_t>(below(rng, n));
        return feed.reveal(below(rng, std::max<uint64_t>(1, feed.revealed)));
    };
    if (di == 0) {
        for (uint32_t u = 0; u < n; ++u) {
            CustomerState& st = cs[u];
            st.segment = static_cast<int8_t>(below(rng, 10) < 7 ? 0 : below(rng, 10) < 6 ? 1 : 2);
            st.place = static_cast<int8_t>(below(rng, kNumPlaces));
            st.opt_in = chance(rng, 0.4);
            st.signup = (day - 30 - static_cast<int64_t>(below(rng, 1000))) * 86400 + static_cast<int64_t>(below(rng, 86400));
            if (u == kCityChangeUser) st.place = kSanJose;
            if (!gradual) first_record(u);
        }
        if (gradual) {  // the scenario customers, then the first of the reveal order
            for (uint32_t u : {kSegmentChangeUser, kCityChangeUser, kDeletedUser})
                if (u < n) first_record(u);
            for (long long k = 3; k < budget && feed.revealed < n; ++k) {
                uint32_t u = feed.reveal(feed.revealed++);
                if (cs[u].known) --k;
                else first_record(u);
            }
        }
    } else {
        auto change_segment = [&](uint32_t u) {
            cs[u].segment = static_cast<int8_t>((cs[u].segment + 1 + below(rng, 2)) % 3);
            add_version(u, emit(u, false));
        };
        auto change_place = [&](uint32_t u) {
            cs[u].place = static_cast<int8_t>((cs[u].place + 1 + below(rng, kNumPlaces - 1)) % kNumPlaces);
            add_version(u, emit(u, false));
        };
        auto remove = [&](uint32_t u) {
            emit(u, true);
            cs[u].deleted = true;
            q.customer_deleted[u] = 1;
        };
        auto scenario_user = [](uint32_t u) { return u == kSegmentChangeUser || u == kCityChangeUser || u == kDeletedUser; };
        if (di == 1) {
            change_segment(kSegmentChangeUser);
            std::string id;
            put_user_id(id, kSegmentChangeUser);
            q.scenario("segment_change", id);
        }
        if (di == 2) {
            cs[kCityChangeUser].place = kLosAngeles;
            add_version(kCityChangeUser, emit(kCityChangeUser, false));
            std::string id;
            put_user_id(id, kCityChangeUser);
            q.scenario("city_change", id);
        }
        if (di == 3) {
            remove(kDeletedUser);
            std::string id;
            put_user_id(id, kDeletedUser);
            q.scenario("customer_delete", id);
        }
        const long long changes = gradual ? std::max<long long>(0, budget) : std::max<long long>(3, n / 100);
        for (long long k = 0; k < changes; ++k) {
            uint32_t u = pick();
            double w = unit(rng);
            if (scenario_user(u) || !cs[u].known || cs[u].deleted || cs[u].changed_day == di) continue;
            cs[u].changed_day = di;
            if (w < 0.35) {
                ++cs[u].email_version;  // personal data only: no new version
                emit(u, false);
            } else if (w < 0.65) {
                change_segment(u);
            } else if (w < 0.85) {
                change_place(u);
            } else {
                emit(u, false);  // an identical re-send: no new version
            }
        }
        const int deletes = 1 + static_cast<int>(below(rng, 2));
        for (int k = 0; k < deletes; ++k) {
            uint32_t u = pick();
            if (scenario_user(u) || !cs[u].known || cs[u].deleted || cs[u].changed_day == di) continue;
            cs[u].changed_day = di;
            remove(u);
        }
    }
    if (opt.defect_rate > 0) rot.complete(emit_defect);
    s.close();
    mark_success(c, f_customers, di);
}

}  // namespace ecomm::generator
