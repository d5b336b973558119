// The generator's shared ground: randomness, text formatting, output files (gzip, shuffle), the reference
// data and catalogue, the oracle state, and the entry point of each feed writer (one .cpp per feed, oracle.cpp,
// driven by generate_data.cpp). The four feeds are streamed to disk through big buffers, and the oracle is kept
// as per-date and per-key aggregates computed from what was generated (never read back from a database).
//
// Oracle rules where the contract is silent (also in docs/DATA_CONTRACT.md and expected/README.txt):
// - Product version valid at an instant ts: a snapshot on day D (updated_at = D 00:00:00Z for every
//   product in it) starts a new version of a product when price, category, subcategory, brand or active
//   differ from its current version, or when the product was absent before. Versions are
//   [D 00:00:00Z, next version's start); the earliest version of a product reaches back to -infinity, so an
//   order placed before the product's first snapshot ("late product") gets the first snapshot's category.
//   A product never seen in any snapshot is category 'Unknown'. A product missing from a snapshot is closed
//   at that snapshot's day; the generator never orders it at or after the day before its closure.
// - Order latest state: greatest updated_at, ties broken by arrival (day, file name, line); a quarantined
//   update never wins, so the previous valid state stays. Order date = UTC date of order_ts.
// - Events: counted once per event_id (repeats are exact copies, so "first arrival" is order-independent).
//
// Randomness: std::mt19937_64 per (feed, day) for streams, and a splitmix64 stream keyed by (day, order
// index) for orders, so any order can be regenerated in O(1) when its later updates are due: updates need
// no memory. Distributions are our own (modulo / 53-bit scaling), so output is identical on any libstdc++.
#pragma once

#include "generate_data.hpp"

#include <spdlog/spdlog.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.hpp"
#include "common/money.hpp"
#include "common/timeutil.hpp"

namespace ecomm::generator {

namespace fs = std::filesystem;

// ---------------------------------------------------------------- reasons, feeds

enum Reason { r_invalid_utf8, r_malformed, r_missing_field, r_unsupported_currency, r_invalid_value,
              r_future_timestamp, n_reasons };
constexpr const char* kReason[] = {"invalid_utf8", "malformed", "missing_field", "unsupported_currency",
                                   "invalid_value", "future_timestamp"};
enum Feed { f_customers, f_events, f_orders, f_products, n_feeds };
constexpr const char* kFeed[] = {"customers", "events", "orders", "products"};

// ---------------------------------------------------------------- randomness

inline uint64_t splitmix(uint64_t& s) {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
inline uint64_t mix(uint64_t a, uint64_t b) {
    uint64_t s = a ^ ((b + 0x632be59bd9b4e019ULL) * 0x9e3779b97f4a7c15ULL);
    splitmix(s);
    return splitmix(s);
}
struct KeyedRng {
    uint64_t s;
    uint64_t operator()() { return splitmix(s); }
};
template <class G> inline uint64_t below(G& g, uint64_t n) { return n ? g() % n : 0; }
template <class G> inline double unit(G& g) { return static_cast<double>(g() >> 11) * 0x1.0p-53; }
template <class G> inline bool chance(G& g, double p) { return unit(g) < p; }
inline std::mt19937_64 stream_rng(uint64_t seed, int stream, int64_t day) {
    return std::mt19937_64(mix(mix(seed, 1000 + stream), static_cast<uint64_t>(day)));
}

// ---------------------------------------------------------------- text

inline void put_uint(std::string& o, uint64_t v) {
    char b[24];
    auto r = std::to_chars(b, b + sizeof b, v);
    o.append(b, r.ptr);
}
inline void put_padded(std::string& o, uint64_t v, int width) {
    char b[24];
    auto r = std::to_chars(b, b + sizeof b, v);
    for (int n = static_cast<int>(r.ptr - b); n < width; ++n) o.push_back('0');
    o.append(b, r.ptr);
}
inline void put2(std::string& o, unsigned v) {
    o.push_back(static_cast<char>('0' + v / 10));
    o.push_back(static_cast<char>('0' + v % 10));
}
// Cuts a record to half its length (a "malformed" defect) without splitting a UTF-8 sequence, so the
// result breaks the JSON rule only, never the UTF-8 one.
inline void cut_in_half(std::string& out, size_t begin) {
    size_t cut = begin + (out.size() - begin) / 2;
    while (cut > begin && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
}
inline int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// secs (UTC) rendered at a UTC offset in minutes: "2025-12-13T19:30:00-05:00", or "...Z" when zulu.
inline void put_ts(std::string& o, int64_t secs, int offset_min = 0, bool zulu = true) {
    int64_t local = secs + offset_min * 60;
    int64_t day = floor_div(local, 86400);
    int64_t sod = local - day * 86400;
    int y;
    unsigned m, d;
    civil_from_days(day, y, m, d);
    put_padded(o, static_cast<uint64_t>(y), 4);
    o.push_back('-');
    put2(o, m);
    o.push_back('-');
    put2(o, d);
    o.push_back('T');
    put2(o, static_cast<unsigned>(sod / 3600));
    o.push_back(':');
    put2(o, static_cast<unsigned>(sod / 60 % 60));
    o.push_back(':');
    put2(o, static_cast<unsigned>(sod % 60));
    if (zulu) {
        o.push_back('Z');
    } else {
        int a = offset_min < 0 ? -offset_min : offset_min;
        o.push_back(offset_min < 0 ? '-' : '+');
        put2(o, static_cast<unsigned>(a / 60));
        o.push_back(':');
        put2(o, static_cast<unsigned>(a % 60));
    }
}
inline std::string compact_date(int64_t day) {
    std::string s = format_date(day);
    s.erase(std::remove(s.begin(), s.end(), '-'), s.end());
    return s;
}
inline void put_id(std::string& o, char prefix, uint64_t n, int width) {
    o.push_back(prefix);
    put_padded(o, n, width);
}

// A random-looking (version 4) UUID drawn from key: "3f2b8c1e-9a4d-4e7f-b2c3-5d6e7f8091a2".
inline void put_uuid(std::string& o, uint64_t key) {
    uint64_t hi = splitmix(key), lo = splitmix(key);
    hi = (hi & ~0xF000ULL) | 0x4000ULL;
    lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
    static const char* kHex = "0123456789abcdef";
    auto hex = [&](uint64_t v, int digits) {
        for (int k = digits - 1; k >= 0; --k) o.push_back(kHex[(v >> (4 * k)) & 0xF]);
    };
    hex(hi >> 32, 8);
    o.push_back('-');
    hex(hi >> 16, 4);
    o.push_back('-');
    hex(hi, 4);
    o.push_back('-');
    hex(lo >> 48, 4);
    o.push_back('-');
    hex(lo, 12);
}

// ---------------------------------------------------------------- output files

// How a Sink shuffles its records (--shuffle): the whole file is held in memory and written in random order
// at close. Records sharing the value of JSON field `key` keep their relative order (a same-day update of an
// order with an equal updated_at must still arrive after it: arrival breaks the tie). A CSV record ends at a
// line break outside quotes, and its first record (the header) stays first.
struct Shuffle {
    bool on = false;
    uint64_t seed = 0;
    const char* key = nullptr;  // e.g. "order_id"; null: no order to keep
    bool csv = false;
};

// A file written through a 4 MiB buffer (plain or gzip); throws on any write error.
class Sink {
public:
    Sink(const fs::path& path, bool gzip, Shuffle shuffle = {}) : path_(path), shuffle_(shuffle) {
        buf.reserve(kFlushAt + (1 << 16));
        if (gzip) {
            gz_ = gzopen(path.c_str(), "wb1");
            if (!gz_) throw std::runtime_error("cannot create " + path.string());
            gzbuffer(gz_, 1 << 20);
        } else {
            f_ = std::fopen(path.c_str(), "wb");
            if (!f_) throw std::runtime_error("cannot create " + path.string() + ": " + std::strerror(errno));
            std::setvbuf(f_, nullptr, _IONBF, 0);
        }
    }
    Sink(const Sink&) = delete;
    Sink& operator=(const Sink&) = delete;
    ~Sink() {
        if (f_) std::fclose(f_);
        if (gz_) gzclose(gz_);
    }
    void maybe_flush() {
        if (!shuffle_.on && buf.size() >= kFlushAt) flush();
    }
    void close() {
        if (shuffle_.on) write_shuffled();
        flush();
        if (f_ && std::fclose(f_) != 0) {
            f_ = nullptr;
            throw std::runtime_error("cannot write " + path_.string());
        }
        f_ = nullptr;
        if (gz_ && gzclose(gz_) != Z_OK) {
            gz_ = nullptr;
            throw std::runtime_error("cannot write " + path_.string());
        }
        gz_ = nullptr;
    }

    std::string buf;  // append records here, then call maybe_flush()

private:
    static constexpr size_t kFlushAt = 4u << 20;
    void flush() {
        write(buf.data(), buf.size());
        buf.clear();
    }
    void write(const char* data, size_t n) {
        if (n == 0) return;
        bool ok = f_ ? std::fwrite(data, 1, n, f_) == n
                     : gzwrite(gz_, data, static_cast<unsigned>(n)) == static_cast<int>(n);
        if (!ok) throw std::runtime_error("cannot write " + path_.string());
    }
    void write_shuffled();
    fs::path path_;
    Shuffle shuffle_;
    FILE* f_ = nullptr;
    gzFile gz_ = nullptr;
};

inline void Sink::write_shuffled() {
    std::vector<size_t> starts{0};  // record r is buf[starts[r], starts[r + 1])
    bool quoted = false;
    for (size_t k = 0; k < buf.size(); ++k) {
        if (shuffle_.csv && buf[k] == '"') quoted = !quoted;
        else if (buf[k] == '\n' && !quoted) starts.push_back(k + 1);
    }
    if (starts.back() != buf.size()) starts.push_back(buf.size());
    const size_t n = starts.size() - 1, head = shuffle_.csv && n > 0 ? 1 : 0;
    auto record = [&](size_t r) { return std::string_view(buf).substr(starts[r], starts[r + 1] - starts[r]); };
    std::vector<size_t> order(n);  // order[position] = record
    for (size_t r = 0; r < n; ++r) order[r] = r;
    uint64_t state = shuffle_.seed;
    for (size_t k = n; k > head + 1; --k) std::swap(order[k - 1], order[head + splitmix(state) % (k - head)]);
    if (shuffle_.key) {
        // records with the same key, in file order; each group takes back its positions in file order
        const std::string field = std::string("\"") + shuffle_.key + "\":\"";
        std::vector<std::pair<std::string_view, size_t>> keyed;
        for (size_t r = 0; r < n; ++r) {
            std::string_view rec = record(r);
            size_t b = rec.find(field);
            if (b == std::string_view::npos) continue;
            b += field.size();
            size_t e = rec.find('"', b);
            if (e != std::string_view::npos) keyed.emplace_back(rec.substr(b, e - b), r);
        }
        std::sort(keyed.begin(), keyed.end());
        std::vector<size_t> position(n);
        for (size_t p = 0; p < n; ++p) position[order[p]] = p;
        std::vector<size_t> places;
        for (size_t g = 0; g < keyed.size();) {
            size_t e = g + 1;
            while (e < keyed.size() && keyed[e].first == keyed[g].first) ++e;
            if (e - g > 1) {
                places.clear();
                for (size_t k = g; k < e; ++k) places.push_back(position[keyed[k].second]);
                std::sort(places.begin(), places.end());
                for (size_t k = g; k < e; ++k) order[places[k - g]] = keyed[k].second;
            }
            g = e;
        }
    }
    std::string chunk;
    chunk.reserve(kFlushAt + (1 << 16));
    for (size_t r : order) {
        chunk.append(record(r));
        if (chunk.size() >= kFlushAt) {
            write(chunk.data(), chunk.size());
            chunk.clear();
        }
    }
    write(chunk.data(), chunk.size());
    buf.clear();
}

inline void write_small_file(const fs::path& path, const std::string& text) {
    Sink s(path, false);
    s.buf = text;
    s.close();
}

// ---------------------------------------------------------------- reference data

struct Category {
    const char* name;
    std::vector<const char*> subs;
};
const std::vector<Category> kCategories = {
    {"Shoes", {"Running", "Casual", "Boots"}},          {"Apparel", {"Shirts", "Jackets", "Pants"}},
    {"Electronics", {"Audio", "Phones", "Accessories"}}, {"Home", {"Kitchen", "Decor", "Bedding"}},
    {"Beauty", {"Skincare", "Makeup"}},                  {"Sports", {"Fitness", "Outdoor", "Cycling"}},
    {"Toys", {"Puzzles", "Games"}},                      {"Books", {"Fiction", "Technical"}}};
constexpr const char* kBrands[] = {"Acme", "Northwind", "Contoso", "Globex", "Initech",
                                   "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay"};
struct Place {
    const char* country;
    const char* region;
    const char* city;
    const char* postal;
};
constexpr Place kPlaces[] = {{"US", "CA", "San Jose", "95112"},  {"US", "NY", "New York", "10001"},
                             {"US", "TX", "Austin", "73301"},    {"US", "WA", "Seattle", "98101"},
                             {"US", "IL", "Chicago", "60601"},   {"US", "ID", "Coeur d'Alene", "83814"},
                             {"GB", "ENG", "London", "SW1A 1AA"}, {"DE", "BE", "Berlin", "10115"},
                             {"CA", "ON", "Toronto", "M5H 2N2"}, {"US", "MA", "Boston", "02108"},
                             {"US", "CA", "Los Angeles", "90012"}};
constexpr int kSanJose = 0, kLosAngeles = 10;  // same country and region: a city-only change
// The JSON fields of a place, up to the city's text: "country":"US","region":"CA","city":"<city> (the caller
// closes the string; a defect may give another city).
inline void append_place(std::string& out, const Place& pl, std::string_view city) {
    out.append("\"country\":\"");
    out.append(pl.country);
    out.append("\",\"region\":\"");
    out.append(pl.region);
    out.append("\",\"city\":\"");
    out.append(city);
}
constexpr int kNumPlaces = sizeof kPlaces / sizeof kPlaces[0];
constexpr const char* kChannels[] = {"web", "app", "marketplace"};
constexpr const char* kMethods[] = {"credit_card", "debit_card", "paypal", "apple_pay", "gift_card"};
enum Status { s_placed, s_paid, s_shipped, s_delivered, s_cancelled, s_refunded };
constexpr const char* kStatus[] = {"placed", "paid", "shipped", "delivered", "cancelled", "refunded"};
constexpr const char* kSegments[] = {"consumer", "premium", "business"};
constexpr const char* kFirstNames[] = {"Ana", "Ben", "Chloé", "Dev", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonas"};
constexpr const char* kLastNames[] = {"Diaz", "O'Brien", "Müller", "Smith", "Nguyen", "Rossi", "García", "Kim"};
enum EventType { e_page_view, e_product_view, e_add_to_cart, e_remove_from_cart, e_begin_checkout, e_purchase,
                 n_event_types };
constexpr const char* kEventTypes[] = {"page_view", "product_view", "add_to_cart", "remove_from_cart",
                                       "begin_checkout", "purchase"};
constexpr const char* kDevices[] = {"desktop", "mobile", "tablet"};

// Scenario keys (0-based indexes): P000007 leaves the catalogue, P000042 changes price, P000050 changes
// category, P000123 is ordered from day 1 but first catalogued at the second snapshot, P999999 never is.
constexpr int kMissingProduct = 6, kPriceChangeProduct = 41, kCategoryChangeProduct = 49, kLateProduct = 122;
constexpr int kUnknownProduct = -2;  // rendered as P999999
constexpr int kSegmentChangeUser = 41, kCityChangeUser = 42, kDeletedUser = 43;

inline void put_product_id(std::string& o, int p) { put_id(o, 'P', p == kUnknownProduct ? 999999 : p + 1, 6); }
inline void put_user_id(std::string& o, uint32_t u) { put_id(o, 'U', u + 1, 7); }

// ---------------------------------------------------------------- bitsets for distinct counts

struct DistinctSet {
    std::vector<uint64_t> bits;
    long long count = 0;
    void add(uint32_t i) {
        size_t w = i / 64;
        if (w >= bits.size()) bits.resize(w + 1, 0);
        uint64_t m = 1ULL << (i % 64);
        if (!(bits[w] & m)) {
            bits[w] |= m;
            ++count;
        }
    }
};

// ---------------------------------------------------------------- the catalogue (small: kept in memory)

struct ProductAttrs {
    long long price = 0;
    int category = 0, sub = 0, brand = 0;
    bool active = true;
    bool operator==(const ProductAttrs&) const = default;
};
struct ProductVersion {
    int64_t valid_from_day;
    ProductAttrs a;
};

struct Catalogue {
    int n = 0;
    std::vector<int> snapshot_days;                 // day indexes from the start
    std::vector<std::vector<ProductAttrs>> attrs;   // [snapshot][product]
    std::vector<std::vector<uint8_t>> present;      // [snapshot][product]
    std::vector<std::string> names;
    std::vector<int> suppliers;
    std::vector<std::vector<ProductVersion>> versions;  // per product, oldest first
    std::vector<uint8_t> current;                   // per product: in the last snapshot
    int removal_day = INT_MAX;                      // day index of the first snapshot without kMissingProduct

    int snapshot_at(int di) const {  // latest snapshot at or before day di
        int s = 0;
        for (size_t k = 0; k < snapshot_days.size(); ++k)
            if (snapshot_days[k] <= di) s = static_cast<int>(k);
        return s;
    }
    long long price_for_orders(int p, int snap) const {
        if (p < 0) return 1499;
        if (present[snap][p]) return attrs[snap][p].price;
        return attrs[0][p].price;  // the late product before its first snapshot: its base price
    }
    // Category index at an instant; -1 = Unknown (never in a snapshot). See the rule at the top of the file.
    int category_at(int p, int64_t secs, int64_t start_day) const {
        if (p < 0 || versions[p].empty()) return -1;
        const auto& vs = versions[p];
        const ProductVersion* hit = &vs.front();
        for (const auto& v : vs)
            if ((start_day + v.valid_from_day) * 86400 <= secs) hit = &v;
        return hit->a.category;
    }
};

inline Catalogue build_catalogue(const GeneratorOptions& o, int64_t start_day) {
    Catalogue c;
    c.n = o.products;
    for (int di = 0; di < o.days; ++di)
        if (di == 0 || (start_day + di + 4) % 7 == 1) c.snapshot_days.push_back(di);  // day 0 and Mondays
    if (c.snapshot_days.size() == 1 && o.days >= 2) c.snapshot_days.push_back(o.days - 1);

    std::mt19937_64 rng = stream_rng(o.seed, f_products, -1);
    std::vector<ProductAttrs> base(c.n);
    c.names.resize(c.n);
    c.suppliers.resize(c.n);
    for (int p = 0; p < c.n; ++p) {
        ProductAttrs& a = base[p];
        a.category = static_cast<int>(below(rng, kCategories.size()));
        a.sub = static_cast<int>(below(rng, kCategories[a.category].subs.size()));
        a.brand = static_cast<int>(below(rng, 10));
        a.price = chance(rng, 0.25) ? 990 + 10 * static_cast<long long>(below(rng, 2000))
                                    : 99 + 100 * static_cast<long long>(below(rng, 300));
        a.active = !chance(rng, 0.03);
        c.suppliers[p] = 1 + static_cast<int>(below(rng, 40));
        std::string name = std::string(kBrands[a.brand]) + " " + kCategories[a.category].subs[a.sub] + " " +
                           std::to_string(p + 1);
        if (p % 17 == 0) name += " \"Pro\"";
        if (p % 23 == 0) name += ", 2-pack";
        c.names[p] = name;
    }
    for (size_t s = 0; s < c.snapshot_days.size(); ++s) {
        std::vector<ProductAttrs> cur = s == 0 ? base : c.attrs[s - 1];
        if (s > 0) {
            std::mt19937_64 r = stream_rng(o.seed, f_products, c.snapshot_days[s]);
            for (int p = 0; p < c.n; ++p) {
                if (chance(r, 0.05)) cur[p].price = std::max(99LL, cur[p].price + 100 * (static_cast<long long>(below(r, 11)) - 5));
                if (chance(r, 0.01)) cur[p].active = !cur[p].active;
            }
            if (s == 1) {
                cur[kPriceChangeProduct].price += 500;
                cur[kCategoryChangeProduct].category = (cur[kCategoryChangeProduct].category + 1) % 8;
                cur[kCategoryChangeProduct].sub = 0;
            }
        }
        std::vector<uint8_t> pres(c.n, 1);
        pres[kLateProduct] = s >= 1;
        pres[kMissingProduct] = s == 0;
        if (s == 1) c.removal_day = c.snapshot_days[s];
        c.attrs.push_back(std::move(cur));
        c.present.push_back(std::move(pres));
    }
    // SCD2 history as the warehouse should record it.
    c.versions.resize(c.n);
    c.current.assign(c.n, 0);
    std::vector<uint8_t> open(c.n, 0);
    for (size_t s = 0; s < c.snapshot_days.size(); ++s) {
        for (int p = 0; p < c.n; ++p) {
            if (!c.present[s][p]) {
                open[p] = 0;
                continue;
            }
            if (!open[p] || !(c.versions[p].back().a == c.attrs[s][p]))
                c.versions[p].push_back({c.snapshot_days[s], c.attrs[s][p]});
            open[p] = 1;
        }
    }
    for (int p = 0; p < c.n; ++p) c.current[p] = open[p];
    return c;
}

// ---------------------------------------------------------------- oracle state

struct SalesDay {
    long long orders = 0, cancelled_or_refunded = 0, revenue = 0, units = 0;
    DistinctSet customers;
};
struct CategoryCell {
    long long orders = 0, units = 0, revenue = 0;
};
struct CustomerTotals {
    long long orders = 0, revenue = 0;
    int64_t first_day = INT64_MAX, last_day = INT64_MIN;
};
struct EventCell {
    long long events = 0, sessions = 0;
    DistinctSet users;
};
struct FunnelDay {
    long long sessions = 0;
    long long by_type[n_event_types] = {};
};
struct CustomerVersion {
    uint32_t user;
    int64_t valid_from;
    int8_t segment, place;
};

struct Oracle {
    int64_t first_date = 0;  // order/event dates are indexed from start - 1
    std::vector<SalesDay> sales;
    std::vector<std::vector<CategoryCell>> by_category;  // [date][category + 1], 0 = Unknown
    std::vector<CustomerTotals> customers;
    std::vector<std::array<EventCell, n_event_types>> events;
    std::vector<FunnelDay> funnel;
    std::vector<std::array<long long, n_feeds>> records;                 // [load day][feed]
    std::vector<std::array<std::array<long long, n_reasons>, n_feeds>> bad;  // [load day][feed][reason]
    std::vector<uint8_t> feed_dropped;                                    // [load day * n_feeds + feed]
    std::vector<CustomerVersion> customer_versions;
    std::vector<uint8_t> customer_deleted;
    std::map<std::string, std::string> scenarios;  // name -> key (first found)
    long long anonymous_events = 0;

    size_t date_index(int64_t date) const { return static_cast<size_t>(date - first_date); }
    void scenario(const std::string& name, const std::string& key) { scenarios.emplace(name, key); }
    void count(int di, Feed f, long long n = 1) { records[di][f] += n; }
    void quarantine(int di, Feed f, Reason r) {
        records[di][f] += 1;
        bad[di][f][r] += 1;
    }
};

struct Context {
    const GeneratorOptions& o;
    int64_t start_day;
    fs::path incoming;
    Catalogue cat;
    Oracle oracle;
    std::vector<std::string> compact;  // per day index (and -1..days+1 shifted by 1): "20251213"
    const std::string& day_compact(int di) const { return compact[static_cast<size_t>(di + 1)]; }
};

inline fs::path day_dir(const Context& c, Feed f, int di) {
    fs::path p = c.incoming / kFeed[f] / format_date(c.start_day + di);
    fs::create_directories(p);
    return p;
}
inline Shuffle shuffle_of(const Context& c, Feed f, int file, const char* key, bool csv = false) {
    return {c.o.shuffle, mix(mix(c.o.seed, 0x5348 + static_cast<uint64_t>(f)), static_cast<uint64_t>(file)), key, csv};
}
inline void mark_success(Context& c, Feed f, int di) {
    write_small_file(day_dir(c, f, di) / "_SUCCESS", "");
    c.oracle.feed_dropped[static_cast<size_t>(di) * n_feeds + f] = 1;
}

// Defects rotate through kinds so every kind shows up; at the end of a drop, missing kinds are added.
struct DefectRotation {
    std::vector<long long> seen;
    long long next = 0;
    explicit DefectRotation(int kinds) : seen(kinds, 0) {}
    int take() {
        int k = static_cast<int>(next++ % static_cast<long long>(seen.size()));
        ++seen[k];
        return k;
    }
    template <class F> void complete(F&& emit) {
        for (size_t k = 0; k < seen.size(); ++k)
            if (!seen[k]) {
                ++seen[k];
                ++next;
                emit(static_cast<int>(k));
            }
    }
};


// ---------------------------------------------------------------- events: the CSV columns

enum EventCol { c_event_id, c_user_id, c_session_id, c_event_type, c_event_ts, c_product_id, c_page_url,
                c_device, c_country, c_referrer, n_event_cols };
using EventFields = std::array<std::string, n_event_cols>;

inline void put_csv_field(std::string& out, std::string_view f) {
    if (f.find_first_of(",\"\r\n") == std::string_view::npos) {
        out.append(f);
        return;
    }
    out.push_back('"');
    for (char ch : f) {
        if (ch == '"') out.push_back('"');
        out.push_back(ch);
    }
    out.push_back('"');
}

// ---------------------------------------------------------------- customers: the state across days

struct CustomerState {
    int8_t segment = 0, place = 0;
    bool deleted = false;
    bool known = false;  // sent at least once (--customer-changes: customers appear over the days)
    bool opt_in = false;
    int email_version = 0;
    int changed_day = -1;
    int64_t signup = 0;
};

// The customers feed's state across days. With --customer-changes, customers get their first record in the
// order reveal(0), reveal(1), ... (a stride coprime to the customer count: a permutation without a table).
struct CustomerFeed {
    std::vector<CustomerState> cs;
    uint64_t revealed = 0;  // how many of the reveal order are known
    uint64_t stride = 1;
    uint32_t reveal(uint64_t k) const { return static_cast<uint32_t>(k * stride % cs.size()); }
};

// ---------------------------------------------------------------- the feed writers and the oracle

// orders.cpp: a day's part-1.json and part-2.json[.gz] (new orders and updates of earlier ones)
void generate_orders_day(Context& c, int di);
// events.cpp: a day's events-1.csv; `carried` holds the first events that the next day sends again
void generate_events_day(Context& c, int di, std::vector<EventFields>& carried);
// products.cpp: catalogue snapshot number s
void generate_products_snapshot(Context& c, size_t s);
// customers.cpp
CustomerFeed make_customer_feed(size_t n);
void generate_customers_day(Context& c, int di, CustomerFeed& feed);
// oracle.cpp: the expected results under <out>/expected
void write_oracle(Context& c, const fs::path& dir);

}  // namespace ecomm::generator
