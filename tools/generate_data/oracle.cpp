// The oracle: the expected results under <out>/expected, from the aggregates the feed writers kept.
#include "generator.hpp"

namespace ecomm::generator {

namespace {

std::string avg_text(long long revenue, long long n) {
    if (n <= 0) return "";
    long long sign = revenue < 0 ? -1 : 1;
    long long a = revenue < 0 ? -revenue : revenue;
    return format_cents(sign * ((2 * a + n) / (2 * n)));  // half away from zero
}

}  // namespace

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

}  // namespace ecomm::generator
