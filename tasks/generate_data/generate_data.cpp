// The generator: four feeds streamed to disk through big buffers, and the oracle kept as per-date and
// per-key aggregates, computed from what was generated (never read back from a database).
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

namespace ecomm {

namespace {

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
std::mt19937_64 stream_rng(uint64_t seed, int stream, int64_t day) {
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
void cut_in_half(std::string& out, size_t begin) {
    size_t cut = begin + (out.size() - begin) / 2;
    while (cut > begin && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
}
inline int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// secs (UTC) rendered at a UTC offset in minutes: "2025-12-13T19:30:00-05:00", or "...Z" when zulu.
void put_ts(std::string& o, int64_t secs, int offset_min = 0, bool zulu = true) {
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
std::string compact_date(int64_t day) {
    std::string s = format_date(day);
    s.erase(std::remove(s.begin(), s.end(), '-'), s.end());
    return s;
}
inline void put_id(std::string& o, char prefix, uint64_t n, int width) {
    o.push_back(prefix);
    put_padded(o, n, width);
}

// A random-looking (version 4) UUID drawn from key: "3f2b8c1e-9a4d-4e7f-b2c3-5d6e7f8091a2".
void put_uuid(std::string& o, uint64_t key) {
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

void Sink::write_shuffled() {
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

void write_small_file(const fs::path& path, const std::string& text) {
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

void put_product_id(std::string& o, int p) { put_id(o, 'P', p == kUnknownProduct ? 999999 : p + 1, 6); }
void put_user_id(std::string& o, uint32_t u) { put_id(o, 'U', u + 1, 7); }

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

Catalogue build_catalogue(const GeneratorOptions& o, int64_t start_day) {
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

fs::path day_dir(const Context& c, Feed f, int di) {
    fs::path p = c.incoming / kFeed[f] / format_date(c.start_day + di);
    fs::create_directories(p);
    return p;
}
Shuffle shuffle_of(const Context& c, Feed f, int file, const char* key, bool csv = false) {
    return {c.o.shuffle, mix(mix(c.o.seed, 0x5348 + static_cast<uint64_t>(f)), static_cast<uint64_t>(file)), key, csv};
}
void mark_success(Context& c, Feed f, int di) {
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

// ================================================================ orders

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
    out.append("},\"shipping\":{\"country\":\"");
    out.append(pl.country);
    out.append("\",\"region\":\"");
    out.append(pl.region);
    out.append("\",\"city\":\"");
    out.append(m == m_bad_utf8 ? "San Jos\xE9" : pl.city);
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
        for (long long j = from; j < to; ++j) {
            std::string& slot = pending[static_cast<size_t>(j % kLag)];
            if (!slot.empty()) {
                s.buf.append(slot);
                slot.clear();
                c.oracle.count(di, f_orders);
            }
            make_order(c, di, j, true, o);
            write_order(s.buf, c, o, 0, m_none);
            c.oracle.count(di, f_orders);
            if (o.repeat) {
                const size_t len = s.buf.rfind('\n', s.buf.size() - 2);
                const size_t b = len == std::string::npos ? 0 : len + 1;
                s.buf.append(s.buf, b, s.buf.size() - b);
                c.oracle.count(di, f_orders);
            }
            if (o.same_day_update) write_order(slot, c, o, 1, m_none);
            account_order(c, o);
            note_order_scenarios(c, o);
            if (opt.defect_rate > 0 && chance(rng, opt.defect_rate)) emit_defect(s, rot.take());
            s.maybe_flush();
        }
        for (long long j = std::max(from, to - kLag); j < to; ++j) {  // the last same-day updates of the part
            std::string& slot = pending[static_cast<size_t>(j % kLag)];
            if (!slot.empty()) {
                s.buf.append(slot);
                slot.clear();
                c.oracle.count(di, f_orders);
            }
        }
        if (part == 1 && opt.defect_rate > 0) rot.complete([&](int reason) { emit_defect(s, reason); });
        s.close();
    }
    mark_success(c, f_orders, di);
}

// ================================================================ events

enum EventCol { c_event_id, c_user_id, c_session_id, c_event_type, c_event_ts, c_product_id, c_page_url,
                c_device, c_country, c_referrer, n_event_cols };
constexpr const char* kEventCols[] = {"event_id", "user_id", "session_id", "event_type", "event_ts", "product_id",
                                      "page_url", "device", "country", "referrer"};
using EventFields = std::array<std::string, n_event_cols>;

void put_csv_field(std::string& out, std::string_view f) {
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
void put_csv_row(std::string& out, const EventFields& f, const std::vector<int>& cols, size_t ncols) {
    for (size_t k = 0; k < ncols; ++k) {
        if (k) out.push_back(',');
        put_csv_field(out, f[static_cast<size_t>(cols[k])]);
    }
    out.push_back('\n');
}

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

// ================================================================ products

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

// ================================================================ customers

struct CustomerState {
    int8_t segment = 0, place = 0;
    bool deleted = false;
    bool known = false;  // sent at least once (--customer-changes: customers appear over the days)
    bool opt_in = false;
    int email_version = 0;
    int changed_day = -1;
    int64_t signup = 0;
};

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
    out.append("\",\"country\":\"");
    out.append(pl.country);
    out.append("\",\"region\":\"");
    out.append(pl.region);
    out.append("\",\"city\":\"");
    out.append(pl.city);
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

// The customers feed's state across days. With --customer-changes, customers get their first record in the
// order reveal(0), reveal(1), ... (a stride coprime to the customer count: a permutation without a table).
struct CustomerFeed {
    std::vector<CustomerState> cs;
    uint64_t revealed = 0;  // how many of the reveal order are known
    uint64_t stride = 1;
    uint32_t reveal(uint64_t k) const { return static_cast<uint32_t>(k * stride % cs.size()); }
};

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

// ================================================================ the oracle files

std::string avg_text(long long revenue, long long n) {
    if (n <= 0) return "";
    long long sign = revenue < 0 ? -1 : 1;
    long long a = revenue < 0 ? -revenue : revenue;
    return format_cents(sign * ((2 * a + n) / (2 * n)));  // half away from zero
}

void write_oracle(Context& c, const fs::path& dir) {
    const Oracle& q = c.oracle;
    fs::create_directories(dir);
    std::string t;
    auto date_of = [&](size_t idx) { return format_date(q.first_date + static_cast<int64_t>(idx)); };
    auto uid = [](uint32_t u) {
        std::string s;
        put_user_id(s, u);
        return s;
    };

    t = "order_date,orders,cancelled_or_refunded,revenue,units,customers,avg_order_value\n";
    for (size_t d = 0; d < q.sales.size(); ++d) {
        const SalesDay& s = q.sales[d];
        if (!s.orders) continue;
        t += date_of(d) + "," + std::to_string(s.orders) + "," + std::to_string(s.cancelled_or_refunded) + "," +
             format_cents(s.revenue) + "," + std::to_string(s.units) + "," + std::to_string(s.customers.count) + "," +
             avg_text(s.revenue, s.orders - s.cancelled_or_refunded) + "\n";
    }
    write_small_file(dir / "daily_sales.csv", t);

    t = "order_date,category,orders,units,revenue\n";
    for (size_t d = 0; d < q.by_category.size(); ++d) {
        std::vector<std::pair<std::string, const CategoryCell*>> rows;
        for (size_t k = 0; k < q.by_category[d].size(); ++k) {
            const CategoryCell& cell = q.by_category[d][k];
            if (cell.orders) rows.emplace_back(k == 0 ? "Unknown" : kCategories[k - 1].name, &cell);
        }
        std::sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.first < b.first; });
        for (auto& [name, cell] : rows)
            t += date_of(d) + "," + name + "," + std::to_string(cell->orders) + "," + std::to_string(cell->units) +
                 "," + format_cents(cell->revenue) + "\n";
    }
    write_small_file(dir / "sales_by_category.csv", t);

    t = "load_date,feed,reason,count\n";
    std::string fc = "load_date,feed,records,valid,quarantined\n";
    for (int di = 0; di < c.o.days; ++di) {
        for (int f = 0; f < n_feeds; ++f) {
            if (!q.feed_dropped[static_cast<size_t>(di) * n_feeds + static_cast<size_t>(f)]) continue;
            long long badn = 0;
            std::vector<std::pair<std::string, long long>> rows;
            for (int r = 0; r < n_reasons; ++r) {
                long long n = q.bad[static_cast<size_t>(di)][static_cast<size_t>(f)][static_cast<size_t>(r)];
                badn += n;
                if (n) rows.emplace_back(kReason[r], n);
            }
            std::sort(rows.begin(), rows.end());
            for (auto& [reason, n] : rows)
                t += format_date(c.start_day + di) + "," + kFeed[f] + "," + reason + "," + std::to_string(n) + "\n";
            long long recs = q.records[static_cast<size_t>(di)][static_cast<size_t>(f)];
            fc += format_date(c.start_day + di) + "," + kFeed[f] + "," + std::to_string(recs) + "," +
                  std::to_string(recs - badn) + "," + std::to_string(badn) + "\n";
        }
    }
    write_small_file(dir / "quarantine.csv", t);
    write_small_file(dir / "feed_counts.csv", fc);

    t = "event_date,event_type,events,users,sessions\n";
    std::string fu = "event_date,sessions,product_view_sessions,add_to_cart_sessions,begin_checkout_sessions,purchase_sessions\n";
    for (size_t d = 0; d < q.events.size(); ++d) {
        std::vector<int> order(n_event_types);
        for (int k = 0; k < n_event_types; ++k) order[static_cast<size_t>(k)] = k;
        std::sort(order.begin(), order.end(), [](int a, int b) { return std::string_view(kEventTypes[a]) < kEventTypes[b]; });
        for (int k : order) {
            const EventCell& e = q.events[d][static_cast<size_t>(k)];
            if (e.events)
                t += date_of(d) + "," + kEventTypes[k] + "," + std::to_string(e.events) + "," +
                     std::to_string(e.users.count) + "," + std::to_string(e.sessions) + "\n";
        }
        const FunnelDay& f = q.funnel[d];
        if (f.sessions)
            fu += date_of(d) + "," + std::to_string(f.sessions) + "," + std::to_string(f.by_type[e_product_view]) + "," +
                  std::to_string(f.by_type[e_add_to_cart]) + "," + std::to_string(f.by_type[e_begin_checkout]) + "," +
                  std::to_string(f.by_type[e_purchase]) + "\n";
    }
    write_small_file(dir / "daily_events.csv", t);
    write_small_file(dir / "funnel_daily.csv", fu);

    {
        Sink s(dir / "customer_summary.csv", false);
        s.buf = "user_id,orders,revenue,first_order_date,last_order_date\n";
        for (size_t u = 0; u < q.customers.size(); ++u) {
            const CustomerTotals& ct = q.customers[u];
            if (!ct.orders) continue;
            s.buf += uid(static_cast<uint32_t>(u)) + "," + std::to_string(ct.orders) + "," + format_cents(ct.revenue) +
                     "," + format_date(ct.first_day) + "," + format_date(ct.last_day) + "\n";
            s.maybe_flush();
        }
        s.close();
    }

    t = "product_id,version,valid_from_day,price,category,subcategory,brand,active,is_current\n";
    for (int p = 0; p < c.cat.n; ++p) {
        const auto& vs = c.cat.versions[static_cast<size_t>(p)];
        for (size_t k = 0; k < vs.size(); ++k) {
            const ProductAttrs& a = vs[k].a;
            std::string id;
            put_product_id(id, p);
            t += id + "," + std::to_string(k + 1) + "," + format_date(c.start_day + vs[k].valid_from_day) + "," +
                 format_cents(a.price) + "," + kCategories[static_cast<size_t>(a.category)].name + "," +
                 kCategories[static_cast<size_t>(a.category)].subs[static_cast<size_t>(a.sub)] + "," + kBrands[a.brand] +
                 "," + (a.active ? "true" : "false") + "," +
                 (k + 1 == vs.size() && c.cat.current[static_cast<size_t>(p)] ? "true" : "false") + "\n";
        }
    }
    write_small_file(dir / "product_versions.csv", t);

    {
        std::vector<CustomerVersion> vs = q.customer_versions;
        std::stable_sort(vs.begin(), vs.end(), [](const CustomerVersion& a, const CustomerVersion& b) {
            return a.user != b.user ? a.user < b.user : a.valid_from < b.valid_from;
        });
        Sink s(dir / "customer_versions.csv", false);
        s.buf = "user_id,version,valid_from,segment,country,region,city,is_current,is_deleted\n";
        int version = 0;
        for (size_t k = 0; k < vs.size(); ++k) {
            const CustomerVersion& v = vs[k];
            version = k > 0 && vs[k - 1].user == v.user ? version + 1 : 1;
            const bool last = k + 1 == vs.size() || vs[k + 1].user != v.user;
            const bool deleted = last && q.customer_deleted[v.user];
            const Place& pl = kPlaces[v.place];
            s.buf += uid(v.user) + "," + std::to_string(version) + ",";
            put_ts(s.buf, v.valid_from);
            s.buf += std::string(",") + kSegments[v.segment] + "," + pl.country + "," + pl.region + ",";
            put_csv_field(s.buf, pl.city);
            s.buf += std::string(",") + (last && !deleted ? "true" : "false") + "," + (deleted ? "true" : "false") + "\n";
            s.maybe_flush();
        }
        s.close();
    }

    t = "name,key\n";
    for (const auto& [name, key] : q.scenarios) t += name + "," + key + "\n";
    write_small_file(dir / "scenarios.csv", t);

    write_small_file(dir / "README.txt", R"(Expected results written by generate_data (the test oracle)
==========================================================

Computed in C++ from the records generate_data wrote (never read back from a database), with the data
contract's semantics. Every file is CSV with a header row; money is exact text with two decimals.

daily_sales.csv        order_date,orders,cancelled_or_refunded,revenue,units,customers,avg_order_value
                       one row per UTC order date (of order_ts) with at least one order; latest valid state
                       of each order across all generated days; revenue/units/customers (distinct user_id)
                       over orders not cancelled or refunded; avg = revenue / those orders, half-up to the
                       cent, empty when there is none.
sales_by_category.csv  order_date,category,orders,units,revenue: lines of orders not cancelled/refunded;
                       category of the product version valid at order_ts (see below); orders = distinct
                       orders with a line in that category; 'Unknown' = product in no snapshot.
quarantine.csv         load_date,feed,reason,count: one row per non-zero count.
feed_counts.csv        load_date,feed,records,valid,quarantined: one row per feed drop (products only on
                       snapshot days); records = physical records, CSV header excluded, a CSV record with
                       a line break inside a quoted field counts once; exact repeats count as valid records.
daily_events.csv       event_date,event_type,events,users,sessions: first arrival of each event_id;
                       users = distinct non-empty user_id.
funnel_daily.csv       event_date,sessions,product_view_sessions,add_to_cart_sessions,
                       begin_checkout_sessions,purchase_sessions (distinct sessions that day).
customer_summary.csv   user_id,orders,revenue,first_order_date,last_order_date: orders not cancelled or
                       refunded, latest state; users without such an order are absent.
product_versions.csv   product_id,version,valid_from_day,price,category,subcategory,brand,active,is_current:
                       the SCD2 history. A snapshot on day D (all updated_at = D 00:00:00Z) starts a version
                       when an attribute changed or the product was absent; the version holds from D 00:00Z
                       to the next version; the first version also covers everything before (-infinity).
                       A product missing from the last snapshot has no current version.
customer_versions.csv  user_id,version,valid_from,segment,country,region,city,is_current,is_deleted:
                       valid_from = updated_at of the change; email/name/phone changes and identical
                       re-sends make no version; a delete closes the last version (is_deleted = true).
scenarios.csv          name,key: where the interesting cases are (order ids, product ids, user ids, counts).

Feeds: orders part-1.json and part-2.json[.gz] per day (later-day updates of earlier orders come first
in part-1; a same-day update comes 64 orders later in the same file); events events-1.csv; products
products.json (part-1/part-2 on the second snapshot), one array element per line; customers customers.json.
Deliberately bad records carry ids with a Q (ORD-YYYYMMDD-Q..., EYYYYMMDDQ..., PQ..., UQ...), except
quarantined updates of real orders (status "lost" or a future updated_at), and order and event ids with
--id-style uuid (random UUIDs for good and bad records alike). With --shuffle, records are in random order
within each orders, events and customers file (the records of one order or customer in the order written).
)");
}

}  // namespace

GeneratorTotals generate_data(const GeneratorOptions& opt) {
    auto start = parse_date(opt.start);
    if (!start) throw UsageError("--start " + opt.start + " is not a date (YYYY-MM-DD)");
    if (opt.days < 1) throw UsageError("--days must be at least 1");
    if (opt.products < 130 || opt.products > 899'999) throw UsageError("--products must be between 130 and 899999");
    if (opt.customers < 50 || opt.customers > 8'999'999) throw UsageError("--customers must be between 50 and 8999999");
    if (opt.orders_per_day < 0 || opt.events_per_day < 0) throw UsageError("counts must not be negative");
    if (!(opt.defect_rate >= 0 && opt.defect_rate <= 0.5)) throw UsageError("--defect-rate must be within [0, 0.5]");

    Context c{opt, *start, fs::path(opt.out) / "incoming", {}, {}, {}};
    fs::remove_all(c.incoming);
    fs::remove_all(fs::path(opt.out) / "expected");
    c.cat = build_catalogue(opt, c.start_day);
    for (int di = -1; di <= opt.days; ++di) c.compact.push_back(compact_date(c.start_day + di));
    Oracle& q = c.oracle;
    const size_t ndates = static_cast<size_t>(opt.days) + 2;
    q.first_date = c.start_day - 1;
    q.sales.resize(ndates);
    q.by_category.assign(ndates, std::vector<CategoryCell>(kCategories.size() + 1));
    q.customers.resize(static_cast<size_t>(opt.customers));
    q.events.resize(ndates);
    q.funnel.resize(ndates);
    q.records.assign(static_cast<size_t>(opt.days), {});
    q.bad.assign(static_cast<size_t>(opt.days), {});
    q.feed_dropped.assign(static_cast<size_t>(opt.days) * n_feeds, 0);
    q.customer_deleted.assign(static_cast<size_t>(opt.customers), 0);

    auto pid = [](int p) {
        std::string s;
        put_product_id(s, p);
        return s;
    };
    q.scenario("unknown_product", pid(kUnknownProduct));
    if (c.cat.snapshot_days.size() >= 2) {
        q.scenario("late_product", pid(kLateProduct));
        q.scenario("price_change", pid(kPriceChangeProduct));
        q.scenario("category_change", pid(kCategoryChangeProduct));
        q.scenario("missing_from_snapshot", pid(kMissingProduct));
    }

    CustomerFeed customers = make_customer_feed(static_cast<size_t>(opt.customers));
    std::vector<EventFields> carried;
    size_t next_snapshot = 0;
    for (int di = 0; di < opt.days; ++di) {
        const auto t0 = std::chrono::steady_clock::now();
        if (next_snapshot < c.cat.snapshot_days.size() && c.cat.snapshot_days[next_snapshot] == di)
            generate_products_snapshot(c, next_snapshot++);
        generate_customers_day(c, di, customers);
        generate_orders_day(c, di);
        generate_events_day(c, di, carried);
        long long recs = 0, bad = 0;
        for (int f = 0; f < n_feeds; ++f) {
            recs += q.records[static_cast<size_t>(di)][static_cast<size_t>(f)];
            for (int r = 0; r < n_reasons; ++r) bad += q.bad[static_cast<size_t>(di)][static_cast<size_t>(f)][static_cast<size_t>(r)];
        }
        spdlog::info("wrote {} records ({} deliberately bad) for {} in {:.2f} s", recs, bad,
                     format_date(c.start_day + di),
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    q.scenario("anonymous_events", std::to_string(q.anonymous_events));
    write_oracle(c, fs::path(opt.out) / "expected");

    GeneratorTotals totals;
    for (int di = 0; di < opt.days; ++di)
        for (int f = 0; f < n_feeds; ++f) {
            totals.records += q.records[static_cast<size_t>(di)][static_cast<size_t>(f)];
            for (int r = 0; r < n_reasons; ++r) totals.quarantined += q.bad[static_cast<size_t>(di)][static_cast<size_t>(f)][static_cast<size_t>(r)];
        }
    return totals;
}

}  // namespace ecomm
