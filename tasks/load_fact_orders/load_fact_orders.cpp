// Orders fact loader. The facts of load D are exactly the orders whose staging state load D set: delete
// what D loaded before and the older states those orders replaced, then load. Every order date whose
// facts changed (old and new) is queued for compute_daily_metrics. Dimension keys are chosen as of order_ts,
// with inferred members for products and customers no snapshot has shown yet.
//
// The keys are looked up in C++: the versions of the day's customers and products are read once into memory
// (what the day's keys hold), and the day's orders and lines are streamed by binary COPY from a second
// connection, keyed row by row as they pass, and written by binary COPY on the task's connection, which stays
// the only writer of facts. A month holding at least --bulk-min-orders of the load's orders gets a
// sub-partition of its own for the load, written by COPY FREEZE into a new table that is attached afterwards
// (its indexes built in one sort each); the rest goes through the parent tables.
#include "load_fact_orders.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <unordered_map>

#include "common/copy.hpp"
#include "common/sql_names.hpp"
#include "common/errors.hpp"
#include "common/logging.hpp"
#include "common/sql_files.hpp"
#include "common/timeutil.hpp"

namespace ecomm {

namespace {

constexpr int64_t postgres_epoch_micros = 946'684'800'000'000LL;  // 2000-01-01 in Unix microseconds

// A dimension's versions of one natural key, by valid_from (binary timestamptz: -infinity is the least).
struct Version {
    int64_t valid_from;
    int64_t key;
};
using Versions = std::vector<Version>;

// The key as of `ts`: the latest version with valid_from <= ts (warehouse.customer_key_at and
// warehouse.product_key_at); null (nullptr) when there is none.
const Version* version_at(const Versions& versions, int64_t ts) {
    auto it = std::upper_bound(versions.begin(), versions.end(), ts,
                               [](int64_t t, const Version& v) { return t < v.valid_from; });
    return it == versions.begin() ? nullptr : &*(it - 1);
}

void sort_by_valid_from(Versions& versions) {
    std::sort(versions.begin(), versions.end(), [](const Version& a, const Version& b) { return a.valid_from < b.valid_from; });
}

struct Customer {
    std::string user_key;
    Versions versions;
};

// What a fact row takes from its order's timestamp: the UTC order date and its month (the partition).
struct OrderDate {
    int64_t day;
    int month;  // year * 12 + month - 1
    explicit OrderDate(int64_t order_ts_unix_micros) : day(utc_day(order_ts_unix_micros)) {
        int y;
        unsigned m, d;
        civil_from_days(day, y, m, d);
        month = y * 12 + static_cast<int>(m) - 1;
    }
};

// A bulk month's new table for this load (warehouse.begin_bulk_load).
struct FreshTable {
    std::string month;  // its first day, YYYY-MM-DD
    int month_key;      // as OrderDate::month
    std::string table;
};

// Where one fact table's rows of this load go: each bulk month's new table (COPY FREEZE, attached after), and
// the parent for the rest. One connection carries one COPY at a time: the first destination is streamed to,
// the others are spooled to local files and loaded after it.
class FactDestinations {
public:
    FactDestinations(Connection& db, const std::string& parent, const std::string& columns,
                     const std::vector<FreshTable>& fresh)
        : db_(db), columns_(columns) {
        for (const auto& f : fresh) all_.push_back({f.table, true, f.month_key});
        all_.push_back({parent, false, -1});
        for (auto& d : all_) by_month_.emplace(d.month, &d);  // all_ is complete: no reallocation from here
        auto& first = all_.front();
        first.stream = std::make_unique<BinaryCopyIn>(db_, copy_sql(first));
        first.writer = first.stream.get();
    }

    BinaryRowWriter& for_month(int month) {
        auto it = by_month_.find(month);
        Destination& d = it == by_month_.end() ? all_.back() : *it->second;
        if (!d.writer) {
            d.spool = std::make_unique<CopySpool>();
            d.spooled = std::make_unique<BinaryRowWriter>(*d.spool);
            d.writer = d.spooled.get();
        }
        return *d.writer;
    }

    // Ends the streamed COPY and loads the spooled ones; returns the rows loaded.
    long long finish() {
        long long rows = all_.front().stream->finish();
        for (auto& d : all_) {
            if (!d.spool) continue;
            d.spooled->end();
            rows += d.spool->load(db_, copy_sql(d));
        }
        return rows;
    }

private:
    struct Destination {
        std::string table;
        bool fresh;  // a bulk month's new table: COPY FREEZE
        int month;   // -1: the parent, for every other month
        std::unique_ptr<BinaryCopyIn> stream;
        std::unique_ptr<CopySpool> spool;
        std::unique_ptr<BinaryRowWriter> spooled;
        BinaryRowWriter* writer = nullptr;
    };
    std::string copy_sql(const Destination& d) const {
        return "copy " + d.table + " (" + columns_ + ") from stdin with (format binary" + (d.fresh ? ", freeze)" : ")");
    }
    Connection& db_;
    std::string columns_;
    std::vector<Destination> all_;  // the bulk months', then the parent
    std::map<int, Destination*> by_month_;
};

constexpr const char* fact_orders_columns =
    "order_id, order_date, date_key, order_ts, updated_at, customer_key, user_key, status, is_cancelled_or_refunded, "
    "channel, currency, payment_method, payment_amount, revenue, units, line_count, ship_country, ship_region, "
    "load_date";

constexpr const char* fact_lines_columns =
    "order_id, line_number, order_date, date_key, order_ts, product_key, product_id, customer_key, user_key, status, "
    "is_cancelled_or_refunded, quantity, unit_price, discount, revenue, load_date";

// A dimension key, or null when no version covers the fact.
void write_key(BinaryRowWriter& w, const Version* v) {
    if (v)
        w.int8(v->key);
    else
        w.null();
}

bool is_cancelled_or_refunded(std::string_view status) { return status == "cancelled" || status == "refunded"; }

}  // namespace

void load_fact_orders(TaskContext& ctx, const LoadFactOrdersOptions& options) {
    Connection& db = *ctx.db;
    auto started = std::chrono::steady_clock::now();
    auto since = [](auto t0) { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    const std::vector<std::optional<std::string>> date{ctx.date()};
    const int64_t load_day = ctx.load_day();
    db.exec(read_sql_file("warehouse/fact_orders_lock_dimensions.sql"));  // first, held to commit

    db.exec(read_sql_file("warehouse/fact_orders_dates.sql"), date);
    auto months = db.exec(read_sql_file("warehouse/fact_orders_months.sql"));
    std::vector<std::string> bulk_months;
    for (int i = 0; i < months.rows(); ++i) {
        ctx.counts.rows_read += months.integer(i, 1);
        if (months.integer(i, 1) >= options.bulk_min_orders) bulk_months.push_back(months.text(i, 0));
    }
    // the load's order dates' keys, from warehouse.date_key (the key's one definition, dim_date's too)
    std::unordered_map<int64_t, int32_t> date_keys;
    {
        auto r = db.exec("select order_date - date '1970-01-01', date_key from load_order_dates");
        for (int i = 0; i < r.rows(); ++i) date_keys.emplace(r.integer(i, 0), static_cast<int32_t>(r.integer(i, 1)));
    }
    auto date_key_of = [&](const OrderDate& when) {
        auto it = date_keys.find(when.day);
        if (it == date_keys.end())  // the reader's snapshot is newer than load_order_dates': staging changed
            throw RetryableError("staging.orders of load " + ctx.date() + " changed while it was read (order date " +
                                 format_date(when.day) + ")");
        return it->second;
    };
    if (months.rows() > 0) {
        db.exec("select warehouse.ensure_month_partitions('warehouse.fact_orders', $1::date, $2::date), "
                "warehouse.ensure_month_partitions('warehouse.fact_order_lines', $1::date, $2::date)",
                {months.text(0, 0), months.text(months.rows() - 1, 0)});
    }

    // The reader: the day's users and inferred members (committed on their own, so the reads see them), then
    // the dimension versions and the day's rows, streamed
    Connection reader(ctx.options.dsn, ctx.task + "_reader");
    reader.exec("set work_mem = '256MB'");  // the day's hash joins in memory
    reader.exec("set jit = off");           // compiling costs more than it saves on these short queries
    reader.exec(read_sql_file("warehouse/fact_orders_day_users.sql"), date);
    long long inferred = reader.scalar_int(read_sql_file("warehouse/fact_orders_inferred_members.sql"), date);

    auto t0 = std::chrono::steady_clock::now();
    std::unordered_map<std::string, Customer> customers;  // by user_id: the day's users
    copy_out_binary(reader, "copy (" + read_sql_file("warehouse/fact_orders_customer_versions.sql") + ") to stdout",
                    [&](const std::vector<std::string_view>& f) {
                        Customer& c = customers[std::string(f[0])];
                        if (c.user_key.empty()) c.user_key = f[1];
                        if (f[2].data()) c.versions.push_back({read_int8(f[2]), read_int8(f[3])});
                    });
    std::unordered_map<std::string, Versions> products;  // by product_id: the day's products
    const std::string product_versions = "warehouse/fact_orders_product_versions.sql";
    copy_out_binary(reader, copy_query_with(reader, read_sql_file(product_versions), ctx.date(), product_versions),
                    [&](const std::vector<std::string_view>& f) {
                        products[std::string(f[0])].push_back({read_int8(f[1]), read_int8(f[2])});
                    });
    for (auto& [id, c] : customers) sort_by_valid_from(c.versions);
    for (auto& [id, versions] : products) sort_by_valid_from(versions);
    spdlog::debug("read the versions of {} customers and {} products in {:.2f} s",
                  with_commas(static_cast<long long>(customers.size())),
                  with_commas(static_cast<long long>(products.size())), since(t0));
    auto customer_of = [&](std::string_view user_id) -> const Customer& {
        auto it = customers.find(std::string(user_id));
        if (it == customers.end() || it->second.user_key.empty())
            throw DataQualityError("staging.orders of load " + ctx.date() + ": no user key for user id \"" +
                                   std::string(user_id) + "\"");
        return it->second;
    };

    db.exec_script(read_sql_file("warehouse/fact_orders_clear.sql"), date);

    // per table: the bulk months' new tables (none on a rerun: the load's sub-partition exists, emptied above)
    auto begin_bulk = [&](const char* parent) {
        std::vector<FreshTable> fresh;
        for (const auto& month : bulk_months) {
            auto r = db.exec("select warehouse.begin_bulk_load($1::regclass, $2::date, $3::date)", {parent, month, ctx.date()});
            if (!r.is_null(0, 0))
                fresh.push_back({month, OrderDate(*parse_date(month) * micros_per_day).month, r.text(0, 0)});
        }
        return fresh;
    };
    auto end_bulk = [&](const char* parent, const std::vector<FreshTable>& fresh) {
        for (const auto& f : fresh)
            db.exec("select warehouse.end_bulk_load($1::regclass, $2::date, $3::date)", {parent, f.month, ctx.date()});
    };
    long long streamed = 0;
    // one fact table: the day's rows from `sql_file` on the reader, each written by write_row into the
    // destination of its order's month; returns the rows loaded
    using RowWriter = std::function<void(const std::vector<std::string_view>&, const OrderDate&, const Customer&,
                                         BinaryRowWriter&)>;
    auto load_facts = [&](const char* parent, const char* columns, const char* sql_file, size_t order_ts_field,
                          size_t user_id_field, const RowWriter& write_row) {
        auto t0 = std::chrono::steady_clock::now();
        auto fresh = begin_bulk(parent);
        long long rows = 0;
        {
            FactDestinations out(db, parent, columns, fresh);
            copy_out_binary(reader, copy_query_with(reader, read_sql_file(sql_file), ctx.date(), sql_file),
                            [&](const std::vector<std::string_view>& f) {
                                if ((++streamed & 0xFFFF) == 0) ctx.check_interrupted();
                                const OrderDate when(read_int8(f[order_ts_field]) + postgres_epoch_micros);
                                write_row(f, when, customer_of(f[user_id_field]), out.for_month(when.month));
                            });
            rows = out.finish();
        }
        end_bulk(parent, fresh);
        spdlog::debug("{}: {} rows in {:.2f} s ({} bulk month(s) of their own)", parent, with_commas(rows), since(t0),
                      fresh.size());
        return rows;
    };
    auto timestamp = [](std::string_view field) { return read_int8(field) + postgres_epoch_micros; };

    ctx.counts.rows_written = load_facts(
        "warehouse.fact_orders", fact_orders_columns, "warehouse/fact_orders_day_orders.sql", 2, 1,
        [&](const std::vector<std::string_view>& f, const OrderDate& when, const Customer& c, BinaryRowWriter& w) {
            w.text(f[0]).date(when.day).int4(date_key_of(when)).timestamp(timestamp(f[2])).timestamp(timestamp(f[3]));
            write_key(w, version_at(c.versions, read_int8(f[2])));
            w.text(c.user_key).text(f[4]).boolean(is_cancelled_or_refunded(f[4]));
            w.text(f[5]).text(f[6]).text(f[7]).cents(read_int8(f[8])).cents(read_int8(f[9]));
            w.int4(static_cast<int32_t>(read_int8(f[10]))).int4(static_cast<int32_t>(read_int8(f[11]))).text(f[12]);
            if (f[13].data())
                w.text(f[13]);
            else
                w.null();
            w.date(load_day).end_row();
        });
    long long lines = load_facts(
        "warehouse.fact_order_lines", fact_lines_columns, "warehouse/fact_orders_day_lines.sql", 3, 2,
        [&](const std::vector<std::string_view>& f, const OrderDate& when, const Customer& c, BinaryRowWriter& w) {
            const int64_t order_ts = read_int8(f[3]);
            w.text(f[0]).int4(static_cast<int32_t>(read_int8(f[1]))).date(when.day).int4(date_key_of(when));
            w.timestamp(timestamp(f[3]));
            auto p = products.find(std::string(f[5]));
            write_key(w, p == products.end() ? nullptr : version_at(p->second, order_ts));
            w.text(f[5]);
            write_key(w, version_at(c.versions, order_ts));
            w.text(c.user_key).text(f[4]).boolean(is_cancelled_or_refunded(f[4]));
            w.int4(static_cast<int32_t>(read_int8(f[6]))).cents(read_int8(f[7])).cents(read_int8(f[8]));
            w.cents(read_int8(f[9])).date(load_day).end_row();
        });

    long long dates = db.exec(read_sql_file("warehouse/fact_orders_queue_dates.sql"), date).affected();
    double secs = since(started);
    spdlog::info("loaded {} orders and {} order lines into the facts in {:.2f} s ({}); {} inferred member(s); "
                 "{} order date(s) queued",
                 with_commas(ctx.counts.rows_written), with_commas(lines), secs, rate(ctx.counts.rows_written, secs),
                 inferred, dates);
}

}  // namespace ecomm
