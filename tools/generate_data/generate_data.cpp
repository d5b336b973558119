// generate_data: the driver. Checks the options, then writes each day's feeds in a fixed order (products
// snapshot, customers, orders, events) and finally the oracle; see generator.hpp for the oracle's rules.
#include "generate_data.hpp"

#include "generator.hpp"

namespace ecomm {

using namespace generator;

namespace {

// The records written on day di, all feeds, and how many of them are deliberately bad.
GeneratorTotals day_totals(const Oracle& q, int di) {
    GeneratorTotals t;
    for (int f = 0; f < n_feeds; ++f) {
        t.records += q.records[static_cast<size_t>(di)][static_cast<size_t>(f)];
        for (int r = 0; r < n_reasons; ++r)
            t.quarantined += q.bad[static_cast<size_t>(di)][static_cast<size_t>(f)][static_cast<size_t>(r)];
    }
    return t;
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
        const GeneratorTotals day = day_totals(q, di);
        spdlog::info("wrote {} records ({} deliberately bad) for {} in {:.2f} s", day.records, day.quarantined,
                     format_date(c.start_day + di),
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    q.scenario("anonymous_events", std::to_string(q.anonymous_events));
    write_oracle(c, fs::path(opt.out) / "expected");

    GeneratorTotals totals;
    for (int di = 0; di < opt.days; ++di) {
        const GeneratorTotals day = day_totals(q, di);
        totals.records += day.records;
        totals.quarantined += day.quarantined;
    }
    return totals;
}

}  // namespace ecomm