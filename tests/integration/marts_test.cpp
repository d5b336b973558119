// compute_daily_metrics: marts and daily_metrics on hand-inserted facts with hand-computed expectations,
// plus (once the generator and every task exist) the end-to-end comparison with the generator's oracle.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/task.hpp"

#include "harness.hpp"

namespace fs = std::filesystem;

namespace ecomm::testing {

class MartsTest : public WarehouseTest {
protected:
    static constexpr const char* load = "2026-01-03";

    void SetUp() override {
        WarehouseTest::SetUp();
        if (HasFatalFailure()) return;
        for (const char* t : {"warehouse.fact_orders", "warehouse.fact_order_lines", "warehouse.fact_events"})
            db().exec(std::string("select warehouse.ensure_month_partitions('") + t + "', '2025-12-01', '2026-01-31')");
    }

    void order(const std::string& id, const std::string& date, const std::string& user, const std::string& status,
               const std::string& revenue, int units, const std::string& load_date = load) {
        db().exec(
            "insert into warehouse.fact_orders (order_id, order_date, date_key, order_ts, updated_at, customer_key, "
            "user_key, status, is_cancelled_or_refunded, channel, currency, payment_method, payment_amount, revenue, "
            "units, line_count, ship_country, ship_region, load_date) "
            "values ($1, $2::date, to_char($2::date, 'YYYYMMDD')::int, $2::date + time '12:00', $2::date + time '12:00', "
            "null, $3, $4, $4 in ('cancelled', 'refunded'), 'web', 'USD', 'paypal', $5::numeric, $5::numeric, "
            "$6::int, 1, 'US', null, $7::date)",
            {id, date, user, status, revenue, std::to_string(units), load_date});
    }

    // a line of an order already inserted (copies its date, user and status); product_key may be empty (null)
    void line(const std::string& id, int n, const std::string& product_key, int quantity, const std::string& revenue) {
        db().exec(
            "insert into warehouse.fact_order_lines (order_id, line_number, order_date, date_key, order_ts, "
            "product_key, product_id, customer_key, user_key, status, is_cancelled_or_refunded, quantity, unit_price, "
            "discount, revenue, load_date) "
            "select o.order_id, $2::int, o.order_date, o.date_key, o.order_ts, $3::bigint, coalesce((select p.product_id from warehouse.dim_product p where p.product_key = $3::bigint), 'PX'), "
            "null, o.user_key, o.status, o.is_cancelled_or_refunded, $4::int, $5::numeric / $4::int, 0, $5::numeric, "
            "o.load_date from warehouse.fact_orders o where o.order_id = $1",
            {id, std::to_string(n), product_key.empty() ? std::nullopt : std::optional<std::string>(product_key),
             std::to_string(quantity), revenue});
    }

    void event(const std::string& id, const std::string& ts, const std::string& type, const std::string& session,
               const std::string& user) {
        db().exec(
            "insert into warehouse.fact_events (event_id, event_date, event_ts, event_type, session_id, user_key, "
            "product_key, device, country, page_url, load_date) "
            "values ($1, ($2::timestamptz at time zone 'UTC')::date, $2::timestamptz, $3, $4, $5, null, 'mobile', "
            "'US', '/', $6::date)",
            {id, ts, type, session, user.empty() ? std::nullopt : std::optional<std::string>(user), std::string(load)});
    }

    void queue(const std::string& subject, const std::string& date, const std::string& load_date = load) {
        db().exec("insert into warehouse.mart_refresh_queue values ($1::date, $2, $3::date)", {load_date, subject, date});
    }

    // Products: 1 Shoes; 2 inferred; 3 Bags until 2025-12-14, then 4 Accessories (its second version).
    void products() {
        db().exec(
            "insert into warehouse.dim_product (product_key, product_id, name, category, valid_from, valid_to, "
            "is_current, is_inferred) overriding system value values "
            "(1, 'P1', 'Runner', 'Shoes', '-infinity', 'infinity', true, false), "
            "(2, 'P2', null, 'Unknown', '-infinity', 'infinity', true, true), "
            "(3, 'P3', 'Tote', 'Bags', '-infinity', '2025-12-14', false, false), "
            "(4, 'P3', 'Tote', 'Accessories', '2025-12-14', 'infinity', true, false)");
    }

    void fixture() {
        products();
        // 2025-12-13: 4 orders, 1 cancelled; sales 37.98 + 10.01 + 0.03 = 48.02 over 3 orders, users ua and uc
        order("O1", "2025-12-13", "ua", "paid", "37.98", 2);
        line("O1", 1, "1", 1, "17.99");
        line("O1", 2, "2", 1, "19.99");
        order("O2", "2025-12-13", "ua", "delivered", "10.01", 1);
        line("O2", 1, "3", 1, "10.01");
        order("O3", "2025-12-13", "ub", "cancelled", "100.00", 3);
        line("O3", 1, "1", 3, "100.00");
        order("O4", "2025-12-13", "uc", "placed", "0.03", 1);
        line("O4", 1, "", 1, "0.03");
        // 2025-12-14: only a refunded order
        order("O5", "2025-12-14", "ub", "refunded", "5.00", 1);
        line("O5", 1, "1", 1, "5.00");
        // another month
        order("O6", "2026-01-02", "ud", "shipped", "1.00", 1);
        line("O6", 1, "4", 1, "1.00");
        // a date this load did not queue: its (stale) mart row must stay as it is
        order("O7", "2025-12-15", "ue", "paid", "9.99", 1, "2026-01-02");
        line("O7", 1, "1", 1, "9.99");
        db().exec("insert into marts.daily_sales (order_date, orders, cancelled_or_refunded, revenue, units, customers, "
                  "avg_order_value) values ('2025-12-15', 42, 0, 1.00, 1, 1, 1.00), "
                  "('2025-12-16', 7, 0, 70.00, 7, 7, 10.00)");  // 12-16 queued but has no orders left: removed

        event("E01", "2025-12-13T09:00:00Z", "page_view", "S1", "ua");
        event("E02", "2025-12-13T09:01:00Z", "product_view", "S1", "ua");
        event("E03", "2025-12-13T09:02:00Z", "add_to_cart", "S1", "ua");
        event("E04", "2025-12-13T10:00:00Z", "product_view", "S2", "");
        event("E05", "2025-12-13T10:01:00Z", "page_view", "S2", "");
        event("E06", "2025-12-13T11:00:00Z", "page_view", "S3", "ub");
        event("E07", "2025-12-13T11:01:00Z", "product_view", "S3", "ub");
        event("E08", "2025-12-13T11:02:00Z", "add_to_cart", "S3", "ub");
        event("E09", "2025-12-13T11:03:00Z", "begin_checkout", "S3", "ub");
        event("E10", "2025-12-13T11:04:00Z", "purchase", "S3", "ub");
        event("E11", "2025-12-13T23:59:59Z", "page_view", "S4", "ua");
        event("E12", "2025-12-14T00:00:00Z", "page_view", "S4", "ua");  // same session, next UTC date

        for (const char* d : {"2025-12-13", "2025-12-14", "2025-12-16", "2026-01-02"}) queue("orders", d);
        for (const char* d : {"2025-12-13", "2025-12-14"}) queue("events", d);
    }

    // A query of the pack with its $n parameters replaced by literals (so diff() can compare it).
    std::string query(const std::string& file, const std::vector<std::string>& params) {
        std::ifstream in(sql_dir() + "/queries/" + file);
        EXPECT_TRUE(in) << "no query " << file;
        std::stringstream ss;
        ss << in.rdbuf();
        std::string sql = ss.str();
        for (size_t i = params.size(); i-- > 0;) {  // $10 before $1 would matter; we have at most $3
            const std::string ph = "$" + std::to_string(i + 1);
            for (size_t at; (at = sql.find(ph)) != std::string::npos;) sql.replace(at, ph.size(), db().quote_literal(params[i]));
        }
        while (!sql.empty() && (sql.back() == '\n' || sql.back() == ';')) sql.pop_back();
        return sql;
    }

    // The relations an EXPLAIN (format json) of the query reads.
    std::string relations(const std::string& sql, const std::string& like) {
        const std::string plan = db().scalar("explain (format json) " + sql).value_or("");
        return db().scalar("select string_agg(distinct r #>> '{}', ',') from jsonb_path_query($1::jsonb, "
                           "'strict $.**.\"Relation Name\"') r where r #>> '{}' like $2",
                           {plan, like}).value_or("");
    }

    // The marts' rows (refreshed_at left out): what a rerun or another load order must not change.
    std::string marts_only() {
        return dump("select order_date::text, orders::text, cancelled_or_refunded::text, revenue::text || '/' || "
                    "units || '/' || customers || '/' || coalesce(avg_order_value::text, 'null') from marts.daily_sales") +
               dump("select order_date::text, category, orders || '/' || units || '/' || revenue from marts.sales_by_category") +
               dump("select event_date::text, event_type, events || '/' || users || '/' || sessions from marts.daily_events") +
               dump("select event_date::text, sessions::text, product_view_sessions || '/' || add_to_cart_sessions || '/' "
                    "|| begin_checkout_sessions || '/' || purchase_sessions from marts.funnel_daily") +
               dump("select user_key, orders::text, revenue || '/' || first_order_date || '/' || last_order_date || '/' "
                    "|| as_of_date || '/' || recency_days || '/' || r_score || f_score || m_score "
                    "from marts.customer_summary");
    }

    std::string marts_state() {
        return marts_only() +
               dump("select run_date::text, raw_orders::text, staging_orders || '/' || fact_orders || '/' || raw_events "
                    "|| '/' || staging_events || '/' || fact_events || '/' || quarantined_count || '/' || "
                    "dq_failed_count || '/' || runtime_seconds from warehouse.daily_metrics");
    }
};

TEST_F(MartsTest, DailySalesCountsAllOrdersButSalesOnlyFromLiveOnes) {
    fixture();
    run_ok("compute_daily_metrics", {"--date", load});
    EXPECT_EQ(diff("select order_date::text, orders::text, cancelled_or_refunded::text, revenue::text, units::text, "
                   "customers::text, avg_order_value::text from marts.daily_sales",
                   "values ('2025-12-13', '4', '1', '48.02', '4', '2', '16.01'), "        // 48.02 / 3 = 16.0066 -> 16.01
                   "       ('2025-12-14', '1', '1', '0.00', '0', '0', null), "            // no live order: avg null
                   "       ('2025-12-15', '42', '0', '1.00', '1', '1', '1.00'), "         // not queued: untouched
                   "       ('2026-01-02', '1', '0', '1.00', '1', '1', '1.00')"),         // 12-16 queued, no orders: gone
              "");
}

TEST_F(MartsTest, SalesByCategoryUsesTheLinesProductVersionAndUnknown) {
    fixture();
    run_ok("compute_daily_metrics", {"--date", load});
    // O1's inferred product and O4's line without a product are Unknown; O3 (cancelled) and O5 (refunded) are out
    EXPECT_EQ(diff("select order_date::text, category, orders::text, units::text, revenue::text "
                   "from marts.sales_by_category",
                   "values ('2025-12-13', 'Shoes', '1', '1', '17.99'), "
                   "       ('2025-12-13', 'Unknown', '2', '2', '20.02'), "
                   "       ('2025-12-13', 'Bags', '1', '1', '10.01'), "
                   "       ('2026-01-02', 'Accessories', '1', '1', '1.00')"),
              "");
}

// load_dim_product completes an inferred member in place (same key, no fact moves, nothing queued): the next
// refresh, whatever its load, must re-derive the order dates that counted that product as Unknown.
TEST_F(MartsTest, CompletedInferredProductLeavesUnknownOnTheNextRefresh) {
    fixture();
    run_ok("compute_daily_metrics", {"--date", load});
    EXPECT_EQ(count("select count(*) from warehouse.mart_inferred_products where order_date = '2025-12-13' "
                    "and product_key = 2"), 1);
    db().exec("update warehouse.dim_product set is_inferred = false, name = 'Robot', category = 'Toys' "
              "where product_key = 2");
    run_ok("compute_daily_metrics", {"--date", "2026-01-04"});  // queued nothing
    EXPECT_EQ(diff("select order_date::text, category, orders::text, units::text, revenue::text "
                   "from marts.sales_by_category where order_date = '2025-12-13'",
                   "values ('2025-12-13', 'Shoes', '1', '1', '17.99'), ('2025-12-13', 'Toys', '1', '1', '19.99'), "
                   "       ('2025-12-13', 'Unknown', '1', '1', '0.03'), ('2025-12-13', 'Bags', '1', '1', '10.01')"),
              "");
    EXPECT_EQ(count("select count(*) from warehouse.mart_inferred_products"), 0);
}

TEST_F(MartsTest, DailyEventsAndFunnelCountDistinctSessionsAndKnownUsers) {
    fixture();
    run_ok("compute_daily_metrics", {"--date", load});
    EXPECT_EQ(diff("select event_date::text, event_type, events::text, users::text, sessions::text "
                   "from marts.daily_events",
                   "values ('2025-12-13', 'page_view', '4', '2', '4'), "  // anonymous S2 counts as a session, not a user
                   "       ('2025-12-13', 'product_view', '3', '2', '3'), "
                   "       ('2025-12-13', 'add_to_cart', '2', '2', '2'), "
                   "       ('2025-12-13', 'begin_checkout', '1', '1', '1'), "
                   "       ('2025-12-13', 'purchase', '1', '1', '1'), "
                   "       ('2025-12-14', 'page_view', '1', '1', '1')"),
              "");
    EXPECT_EQ(diff("select event_date::text, sessions::text, product_view_sessions::text, add_to_cart_sessions::text, "
                   "begin_checkout_sessions::text, purchase_sessions::text from marts.funnel_daily",
                   "values ('2025-12-13', '4', '3', '2', '1', '1'), ('2025-12-14', '1', '0', '0', '0', '0')"),
              "");
}

TEST_F(MartsTest, CustomerSummaryRanksEveryCustomerWithLiveOrders) {
    fixture();
    run_ok("compute_daily_metrics", {"--date", load});
    // ub has only cancelled/refunded orders: absent. ue's order is on a date no load queued: not counted yet
    // (the summary counts the refreshed dates, as every mart does). ntile(5) over 3 customers gives 1..3;
    // ties broken by user_key.
    EXPECT_EQ(diff("select user_key, orders::text, revenue::text, first_order_date::text, last_order_date::text, "
                   "as_of_date::text, recency_days::text, r_score::text, f_score::text, m_score::text "
                   "from marts.customer_summary",
                   "values ('ua', '2', '47.99', '2025-12-13', '2025-12-13', '2026-01-03', '21', '1', '3', '3'), "
                   "       ('uc', '1', '0.03', '2025-12-13', '2025-12-13', '2026-01-03', '21', '2', '1', '1'), "
                   "       ('ud', '1', '1.00', '2026-01-02', '2026-01-02', '2026-01-03', '1', '3', '2', '2')"),
              "");
    // a later load queues ue's date: ue comes in, every customer is ranked again from the new as-of date
    queue("orders", "2025-12-15", "2026-01-04");
    run_ok("compute_daily_metrics", {"--date", "2026-01-04"});
    EXPECT_EQ(diff("select user_key, orders::text, revenue::text, first_order_date::text, last_order_date::text, "
                   "as_of_date::text, recency_days::text, r_score::text, f_score::text, m_score::text "
                   "from marts.customer_summary",
                   "values ('ua', '2', '47.99', '2025-12-13', '2025-12-13', '2026-01-04', '22', '1', '4', '4'), "
                   "       ('uc', '1', '0.03', '2025-12-13', '2025-12-13', '2026-01-04', '22', '2', '1', '1'), "
                   "       ('ue', '1', '9.99', '2025-12-15', '2025-12-15', '2026-01-04', '20', '3', '3', '3'), "
                   "       ('ud', '1', '1.00', '2026-01-02', '2026-01-02', '2026-01-04', '2', '4', '2', '2')"),
              "");
}

// The summary is kept by difference (the queued dates' old counts off, new ones on): after corrections that
// move orders between customers and dates, cancel a customer's only order or take away a customer's first
// or last order date, it must equal a rebuild from every fact, scores included.
TEST_F(MartsTest, CustomerSummaryByDifferenceEqualsAFullRebuildAfterCorrections) {
    fixture();
    queue("orders", "2025-12-15");
    run_ok("compute_daily_metrics", {"--date", load});
    const std::string rebuild =
        "with as_of as (select max(load_date) as as_of_date from warehouse.mart_refresh_queue), "
        "per_customer as (select user_key, count(*) as orders, sum(revenue) as revenue, min(order_date) as first, "
        "max(order_date) as last from warehouse.fact_orders where not is_cancelled_or_refunded group by user_key) "
        "select c.user_key, c.orders::text, c.revenue::text, c.first::text, c.last::text, a.as_of_date::text, "
        "(a.as_of_date - c.last)::text, "
        "(ntile(5) over (order by c.last, c.user_key collate \"C\"))::text, "
        "(ntile(5) over (order by c.orders, c.user_key collate \"C\"))::text, "
        "(ntile(5) over (order by c.revenue, c.user_key collate \"C\"))::text "
        "from per_customer c cross join as_of a";
    const std::string summary =
        "select user_key, orders::text, revenue::text, first_order_date::text, last_order_date::text, "
        "as_of_date::text, recency_days::text, r_score::text, f_score::text, m_score::text from marts.customer_summary";
    EXPECT_EQ(diff(summary, rebuild), "");

    // load 2026-01-04 corrects: O4 (uc's only order) moves to ua on 2025-12-14; O1 moves from ua's 2025-12-13 to
    // 2026-01-02 (ua's last date moves out, its first stays with O2); ud's only order O6 is cancelled; O7 (ue,
    // 2025-12-15) moves to 2025-12-20, so ue's first and last date are taken away and looked up again
    db().exec("update warehouse.fact_orders set user_key = 'ua', order_date = '2025-12-14', load_date = '2026-01-04' "
              "where order_id = 'O4'");
    db().exec("update warehouse.fact_orders set order_date = '2026-01-02', load_date = '2026-01-04' where order_id = 'O1'");
    db().exec("update warehouse.fact_orders set status = 'cancelled', is_cancelled_or_refunded = true, "
              "load_date = '2026-01-04' where order_id = 'O6'");
    db().exec("update warehouse.fact_orders set order_date = '2025-12-20', load_date = '2026-01-04' where order_id = 'O7'");
    for (const char* d : {"2025-12-13", "2025-12-14", "2025-12-15", "2025-12-20", "2026-01-02"})
        queue("orders", d, "2026-01-04");
    run_ok("compute_daily_metrics", {"--date", "2026-01-04"});
    EXPECT_EQ(diff(summary, rebuild), "");
    EXPECT_EQ(count("select count(*) from marts.customer_summary where user_key in ('uc', 'ud')"), 0);
    EXPECT_EQ(diff("select orders::text, revenue::text, first_order_date::text, last_order_date::text "
                   "from marts.customer_summary where user_key = 'ua'",
                   "values ('3', '48.02', '2025-12-13', '2026-01-02')"),
              "");

    // rerunning either load changes nothing; so does running an earlier load after a later one
    const std::string after = dump(summary);
    run_ok("compute_daily_metrics", {"--date", "2026-01-04"});
    EXPECT_EQ(dump(summary), after);
    run_ok("compute_daily_metrics", {"--date", load});
    EXPECT_EQ(dump(summary), after);
    EXPECT_EQ(diff("select order_date::text, user_key, orders::text, revenue::text from warehouse.mart_customer_days",
                   "select order_date::text, user_key, count(*)::text, sum(revenue)::text from warehouse.fact_orders "
                   "where not is_cancelled_or_refunded group by 1, 2"),
              "");
}

TEST_F(MartsTest, DailyMetricsCountsWhatTheLoadDidAndLatestSuccessfulRuntimes) {
    fixture();
    db().exec("insert into raw.orders (load_date, source_file, line_no, record) values "
              "('2026-01-03', 'orders/2026-01-03/a.json', 1, '{}'), ('2026-01-03', 'orders/2026-01-03/a.json', 2, '{}'), "
              "('2026-01-02', 'orders/2026-01-02/a.json', 1, '{}')");
    db().exec("insert into raw.events (load_date, source_file, line_no, record) values "
              "('2026-01-03', 'events/2026-01-03/a.csv', 2, 'x')");
    db().exec("insert into staging.events (event_id, event_ts, event_date, event_type, session_id, load_date, "
              "source_file, line_no) values ('E01', '2025-12-13T09:00:00Z', '2025-12-13', 'page_view', 'S1', "
              "'2026-01-03', 'events/2026-01-03/a.csv', 2)");
    db().exec("insert into audit.bad_records (load_date, feed, stage, source_file, line_no, reason, detail, record) values "
              "('2026-01-03', 'orders', 'transform', 'f', 1, 'invalid_value', 'd', 'r'), "
              "('2026-01-03', 'events', 'extract', 'f', 2, 'malformed', 'd', 'r'), "
              "('2026-01-02', 'events', 'extract', 'f', 2, 'malformed', 'd', 'r')");
    db().exec("insert into audit.dq_results (load_date, rule, rules_version, dimension, feed, observed, threshold, "
              "comparison, unit, severity, passed, status) values "
              "('2026-01-03', 'a', '1', 'validity', 'orders', 90, 97, '>=', 'percent', 'error', false, 'failed'), "
              "('2026-01-03', 'b', '1', 'validity', 'events', 99, 97, '>=', 'percent', 'error', true, 'passed'), "
              "('2026-01-03', 'c', '1', 'volume', 'products', null, 1, '>=', 'count', 'error', null, 'skipped'), "
              "('2026-01-02', 'a', '1', 'validity', 'orders', 90, 97, '>=', 'percent', 'error', false, 'failed')");
    db().exec("insert into audit.task_runs (task, run_date, status, started_at, finished_at, duration_seconds) values "
              "('extract_orders', '2026-01-03', 'succeeded', now() - interval '2 hours', now() - interval '2 hours', 1.5), "
              "('extract_orders', '2026-01-03', 'succeeded', now() - interval '1 hour', now() - interval '1 hour', 2.0), "
              "('transform_orders', '2026-01-03', 'failed', now(), now(), 9.0), "
              "('load_fact_orders', '2026-01-03', 'succeeded', now(), now(), 0.25), "
              "('load_fact_orders', '2026-01-02', 'succeeded', now(), now(), 100), "
              "('compute_daily_metrics', '2026-01-03', 'succeeded', now(), now(), 50)");
    run_ok("compute_daily_metrics", {"--date", load});
    // fact_orders: O1..O6 were loaded by 2026-01-03 (O7 by 01-02); all 12 events; runtime 2.0 + 0.25
    EXPECT_EQ(diff("select run_date::text, raw_orders::text, staging_orders::text, fact_orders::text, raw_events::text, "
                   "staging_events::text, fact_events::text, quarantined_count::text, dq_failed_count::text, "
                   "runtime_seconds::text from warehouse.daily_metrics",
                   "values ('2026-01-03', '2', '0', '6', '1', '1', '12', '2', '1', '2.250')"),
              "");
}

TEST_F(MartsTest, RerunChangesNothingAndAnEmptyQueueStillWritesMetrics) {
    fixture();
    run_ok("compute_daily_metrics", {"--date", load});
    const std::string first = marts_state();
    run_ok("compute_daily_metrics", {"--date", load});
    EXPECT_EQ(marts_state(), first);
    // a load that queued nothing leaves the marts alone but still records its metrics row
    run_ok("compute_daily_metrics", {"--date", "2026-01-04"});
    EXPECT_EQ(count("select count(*) from warehouse.daily_metrics where run_date = '2026-01-04'"), 1);
    EXPECT_EQ(count("select count(*) from marts.daily_sales"), 4);
}

TEST_F(MartsTest, MissingMartSqlIsAUsageErrorAndChangesNothing) {
    fixture();
    const std::string empty = temp_dir("ecomm-nosql");
    setenv("ECOMM_SQL_DIR", empty.c_str(), 1);
    auto r = run("compute_daily_metrics", {"--date", load});
    unsetenv("ECOMM_SQL_DIR");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("marts/refresh_order_groups.sql"), std::string::npos) << r.output;
    EXPECT_EQ(count("select count(*) from marts.daily_sales"), 2);  // the two pre-existing rows
    fs::remove_all(empty);
}

// The marts are refreshed on two connections at once (one per lane of files): a failure in either lane rolls
// back both, and the error reported is the failing statement's, not the cancel it sent to the other lane.
TEST_F(MartsTest, AFailureInEitherLaneLeavesEveryMartAsItWas) {
    fixture();
    run_ok("compute_daily_metrics", {"--date", load});
    const std::string before = marts_state();
    // a correction the next refresh would count: O1 moves to the next day
    db().exec("update warehouse.fact_orders set order_date = '2025-12-14', date_key = 20251214 where order_id = 'O1'");
    db().exec("update warehouse.fact_order_lines set order_date = '2025-12-14', date_key = 20251214 "
              "where order_id = 'O1'");
    db().exec("insert into warehouse.mart_refresh_queue (load_date, subject, business_date) "
              "values ('2026-01-03', 'orders', '2025-12-14') on conflict do nothing");
    // the first, a middle and the last file of lane 1; the first and last of lane 0
    for (const char* broken :
         {"category_dates.sql", "sales_by_category.sql", "daily_metrics.sql", "refresh_order_groups.sql",
          "customer_rows.sql"}) {
        const std::string dir = temp_dir("ecomm-lanes");
        fs::copy(sql_dir(), dir, fs::copy_options::recursive);
        std::ofstream(dir + "/marts/" + broken) << "select 1 / (select count(*) - count(*) from refresh_load);\n";
        setenv("ECOMM_SQL_DIR", dir.c_str(), 1);
        auto r = run("compute_daily_metrics", {"--date", load});
        unsetenv("ECOMM_SQL_DIR");
        fs::remove_all(dir);
        EXPECT_NE(r.exit_code, 0) << broken << ": " << r.output;
        EXPECT_NE(r.output.find("division by zero"), std::string::npos) << broken << ": " << r.output;
        EXPECT_EQ(marts_state(), before) << broken;
    }
    // and once nothing fails, the correction is counted
    run_ok("compute_daily_metrics", {"--date", load});
    EXPECT_NE(marts_state(), before);
}

TEST_F(MartsTest, QueryPackAnswersOnKnownData) {
    fixture();
    db().exec("insert into audit.dq_results (load_date, rule, rules_version, dimension, feed, observed, threshold, "
              "comparison, unit, severity, passed, status) values "
              "('2026-01-03', 'orders_validity', '1', 'validity', 'orders', 90, 97, '>=', 'percent', 'error', false, 'failed')");
    db().exec("insert into audit.task_runs (task, run_date, status) values ('load_fact_orders', '2026-01-03', 'failed')");
    run_ok("compute_daily_metrics", {"--date", load});
    const std::vector<std::string> period{"2025-12-01", "2026-01-31"};

    EXPECT_EQ(diff("select order_date::text, category, orders::text, units::text, revenue::text, revenue_share_pct::text "
                   "from (" + query("revenue_by_category_per_day.sql", period) + ") q",
                   "values ('2025-12-13', 'Shoes', '1', '1', '17.99', '37.46'), "
                   "       ('2025-12-13', 'Unknown', '2', '2', '20.02', '41.69'), "
                   "       ('2025-12-13', 'Bags', '1', '1', '10.01', '20.85'), "
                   "       ('2026-01-02', 'Accessories', '1', '1', '1.00', '100.00')"),
              "");
    EXPECT_EQ(diff("select event_date::text, sessions::text, product_view_pct::text, add_to_cart_pct::text, "
                   "begin_checkout_pct::text, conversion_pct::text from (" +
                       query("conversion_funnel.sql", {"2025-12-13", "2025-12-14"}) + ") q",
                   "values ('2025-12-13', '4', '75.00', '50.00', '25.00', '25.00'), "
                   "       ('2025-12-14', '1', '0.00', '0.00', '0.00', '0.00')"),
              "");
    // live orders: ua 2 (47.99), uc, ud, ue one each; 59.01 in all
    EXPECT_EQ(diff("select customers::text, repeat_customers::text, repeat_customer_pct::text, revenue::text, "
                   "repeat_revenue::text, repeat_revenue_pct::text from (" + query("repeat_customers.sql", period) + ") q",
                   "values ('4', '1', '25.00', '59.01', '47.99', '81.33')"),
              "");
    EXPECT_EQ(diff("select run_date::text, fact_orders::text, fact_events::text, dq_failed_count::text, failed_rules, "
                   "failed_runs::text from (" + query("pipeline_health.sql", {"2026-01-01", "2026-01-31"}) + ") q",
                   "values ('2026-01-03', '6', '12', '1', 'orders_validity (error)', '1')"),
              "");
    // December: O1-O5 and O7, two cancelled/refunded; 58.01 over 4 live orders = 14.5025
    EXPECT_EQ(diff("select month::text, orders::text, cancelled_or_refunded::text, revenue::text, customers::text, "
                   "avg_order_value::text from (" + query("monthly_revenue.sql", period) + ") q",
                   "values ('2025-12-01', '6', '2', '58.01', '3', '14.50'), ('2026-01-01', '1', '0', '1.00', '1', '1.00')"),
              "");
    // P1: O1 17.99 + O7 9.99 (O3, O5 out); P3 over two versions 10.01 + 1.00, named by its current version
    EXPECT_EQ(diff("select product_id, coalesce(name, '-'), category, orders::text, units::text, revenue::text, "
                   "revenue_rank::text from (" + query("top_products.sql", {"2025-12-01", "2026-01-31", "3"}) + ") q",
                   "values ('P1', 'Runner', 'Shoes', '2', '2', '27.98', '1'), "
                   "       ('P2', '-', 'Unknown', '1', '1', '19.99', '2'), "
                   "       ('P3', 'Tote', 'Accessories', '2', '2', '11.01', '3')"),
              "");
    EXPECT_EQ(diff("select payment_method, orders::text, revenue::text, orders_pct::text, revenue_pct::text from (" +
                       query("payment_method_mix.sql", period) + ") q",
                   "values ('paypal', '5', '59.01', '100.00', '100.00')"),
              "");
}

// Monthly partitions: a query of one month reads that month's partition only (pruning on order_date). The
// orders facts' months are sub-partitioned by load date: every relation read must then be one of that month's
// (<table>_yYYYYmMM_...), and with the month's bulk load attached, the query reads it too.
TEST_F(MartsTest, OneMonthQueriesTouchOnePartition) {
    fixture();
    // a bulk-loaded load date in December, as load_fact_orders attaches it
    for (const char* t : {"warehouse.fact_orders", "warehouse.fact_order_lines"}) {
        auto made = db().scalar(std::string("select warehouse.begin_bulk_load('") + t + "', '2025-12-01', '2025-12-20')");
        ASSERT_TRUE(made.has_value());
        db().exec(std::string("select warehouse.end_bulk_load('") + t + "', '2025-12-01', '2025-12-20')");
    }
    const std::vector<std::string> december{"2025-12-01", "2025-12-31"};
    EXPECT_EQ(relations(query("monthly_revenue.sql", december), "fact_orders%"),
              "fact_orders_y2025m12_d20251220,fact_orders_y2025m12_default");
    EXPECT_EQ(relations(query("top_products.sql", {"2025-12-01", "2025-12-31", "10"}), "fact_order_lines%"),
              "fact_order_lines_y2025m12_d20251220,fact_order_lines_y2025m12_default");
    EXPECT_EQ(relations("select sum(revenue) from warehouse.fact_order_lines "
                        "where order_date >= '2026-01-01' and order_date < '2026-02-01'", "fact_order_lines%"),
              "fact_order_lines_y2026m01_default");
    // events facts are partitioned by month only
    EXPECT_EQ(relations("select count(*) from warehouse.fact_events "
                        "where event_date >= '2025-12-01' and event_date < '2026-01-01'", "fact_events%"),
              "fact_events_y2025m12");
    // and without a date filter every month is read (the checks above are not vacuous)
    EXPECT_EQ(relations("select sum(revenue) from warehouse.fact_orders", "fact_orders%"),
              "fact_orders_y2025m12_d20251220,fact_orders_y2025m12_default,fact_orders_y2026m01_default");
}

// ---------------------------------------------------------------- end to end, against the generator's oracle

namespace {

const std::vector<std::string> dag_order = {
    "extract_orders",   "extract_events",   "extract_products", "extract_customers", "transform_orders",
    "transform_events", "transform_products", "transform_customers", "dq_checks",   "load_dim_date",
    "load_dim_product", "load_dim_customer", "load_fact_orders", "load_fact_events", "compute_daily_metrics"};

bool task_exists(const std::string& task) { return fs::exists(std::string(ECOMM_BIN_DIR) + "/" + task); }

}  // namespace

class MartsEndToEndTest : public MartsTest {
protected:
    static constexpr int days = 7;
    std::string gen_;

    virtual std::vector<std::string> generator_options() const { return {}; }

    void SetUp() override {
        MartsTest::SetUp();
        if (HasFatalFailure()) return;
        for (const char* t : {"extract_orders", "transform_orders", "extract_events", "transform_events",
                              "extract_products", "transform_products", "load_dim_date", "load_dim_product",
                              "load_fact_orders", "load_fact_events", "generate_data"})
            ASSERT_TRUE(task_exists(t)) << t << " is not built: the end-to-end test needs the whole pipeline";
        // load_fact_orders takes its bulk path (a sub-partition per load and month, see 0017) for each day's
        // ~500 orders; later states of earlier days' orders still go through the parent
        setenv("ECOMM_BULK_MIN_ORDERS", "100", 1);
        gen_ = temp_dir("ecomm-e2e");
        std::vector<std::string> args{"--out", gen_, "--start", "2025-12-13", "--days", std::to_string(days),
                                      "--orders-per-day", "500", "--events-per-day", "800", "--products", "150",
                                      "--customers", "400"};
        for (const auto& a : generator_options()) args.push_back(a);
        auto r = run_binary("generate_data", args);
        ASSERT_EQ(r.exit_code, 0) << r.output;
    }
    void TearDown() override {
        unsetenv("ECOMM_BULK_MIN_ORDERS");
        if (!gen_.empty() && !std::getenv("ECOMM_KEEP_TEST_DB")) fs::remove_all(gen_);
        MartsTest::TearDown();
    }

    std::string day(int i) {
        return db().scalar("select ('2025-12-13'::date + $1::int)::text", {std::to_string(i)}).value_or("");
    }

    // Every task of one load date in DAG order; 99 (no drop) is fine for extracts and transforms.
    void run_day(const std::string& date) {
        for (const auto& task : dag_order) {
            ASSERT_TRUE(task_exists(task)) << task << " is not built";
            auto r = run(task, {"--date", date, "--data-dir", gen_});
            const bool may_skip = task.rfind("extract_", 0) == 0 || task.rfind("transform_", 0) == 0 ||
                                  task.rfind("load_dim_", 0) == 0;
            ASSERT_TRUE(r.exit_code == 0 || (may_skip && r.exit_code == 99))
                << task << " --date " << date << " exited " << r.exit_code << ":\n" << r.output;
        }
    }

    void load_oracle() {
        for (const char* f : {"daily_sales", "sales_by_category", "daily_events", "funnel_daily", "customer_summary",
                              "quarantine"})
            load_csv(std::string("expected_") + f, gen_ + "/expected/" + f + ".csv");
    }

    void expect_marts_match_oracle() {
        EXPECT_EQ(diff("select order_date::text, orders::text, cancelled_or_refunded::text, revenue::text, units::text, "
                       "customers::text, coalesce(avg_order_value::text, '') from marts.daily_sales",
                       "select order_date, orders, cancelled_or_refunded, revenue, units, customers, "
                       "coalesce(avg_order_value, '') from expected_daily_sales"),
                  "");
        EXPECT_EQ(diff("select order_date::text, category, orders::text, units::text, revenue::text "
                       "from marts.sales_by_category",
                       "select * from expected_sales_by_category"),
                  "");
        EXPECT_EQ(diff("select event_date::text, event_type, events::text, users::text, sessions::text "
                       "from marts.daily_events",
                       "select * from expected_daily_events"),
                  "");
        EXPECT_EQ(diff("select event_date::text, sessions::text, product_view_sessions::text, add_to_cart_sessions::text, "
                       "begin_checkout_sessions::text, purchase_sessions::text from marts.funnel_daily",
                       "select * from expected_funnel_daily"),
                  "");
        EXPECT_EQ(diff("select user_key, orders::text, revenue::text, first_order_date::text, last_order_date::text "
                       "from marts.customer_summary",
                       "select private.user_key(user_id), orders, revenue, first_order_date, last_order_date "
                       "from expected_customer_summary"),
                  "");
        EXPECT_GT(count("select count(*) from marts.daily_sales"), 0);
    }

    // The query pack over the whole period, where the oracle covers the answer.
    void expect_queries_match_oracle() {
        const std::vector<std::string> all{"2025-12-01", "2026-01-31"};
        EXPECT_EQ(diff("select order_date::text, category, orders::text, units::text, revenue::text from (" +
                           query("revenue_by_category_per_day.sql", all) + ") q",
                       "select * from expected_sales_by_category"),
                  "");
        EXPECT_EQ(diff("select event_date::text, sessions::text, product_view_sessions::text, add_to_cart_sessions::text, "
                       "begin_checkout_sessions::text, purchase_sessions::text from (" +
                           query("conversion_funnel.sql", all) + ") q",
                       "select * from expected_funnel_daily"),
                  "");
        EXPECT_EQ(diff("select customers::text, repeat_customers::text, revenue::text from (" +
                           query("repeat_customers.sql", all) + ") q",
                       "select count(*)::text, count(*) filter (where orders::int > 1)::text, "
                       "sum(revenue::numeric)::text from expected_customer_summary"),
                  "");
        EXPECT_EQ(diff("select month::text, orders::text, cancelled_or_refunded::text, revenue::text from (" +
                           query("monthly_revenue.sql", all) + ") q",
                       "select date_trunc('month', order_date::date)::date::text, sum(orders::int)::text, "
                       "sum(cancelled_or_refunded::int)::text, sum(revenue::numeric)::text "
                       "from expected_daily_sales group by 1"),
                  "");
        EXPECT_EQ(diff("select sum(orders)::text, sum(revenue)::text from (" + query("payment_method_mix.sql", all) + ") q",
                       "select sum(orders::int - cancelled_or_refunded::int)::text, sum(revenue::numeric)::text "
                       "from expected_daily_sales"),
                  "");
        EXPECT_EQ(diff("select sum(revenue)::text from (" + query("top_products.sql", {"2025-12-01", "2026-01-31", "1000000"}) +
                           ") q",
                       "select sum(revenue::numeric)::text from expected_daily_sales"),
                  "");
        // pipeline health: one row per load date, its quarantine count = the quarantined records of that date,
        // which for every feed that ran are the oracle's
        EXPECT_EQ(count("select count(*) from (" + query("pipeline_health.sql", all) + ") q"), days);
        EXPECT_EQ(diff("select run_date::text, quarantined_count::text from (" + query("pipeline_health.sql", all) + ") q",
                       "select d::date::text, (select count(*) from audit.bad_records b where b.load_date = d::date)::text "
                       "from generate_series('2025-12-13'::date, '2025-12-19', interval '1 day') d"),
                  "");
        const std::string feeds = "'orders', 'events', 'products', 'customers'";
        EXPECT_EQ(diff("select load_date::text, feed, reason, count(*)::text from audit.bad_records "
                       "where feed in (" + feeds + ") group by 1, 2, 3",
                       "select load_date, feed, reason, count from expected_quarantine where feed in (" + feeds + ")"),
                  "");
    }

    // Every day in date order, then the marts and the query pack against the oracle.
    void load_all_days_and_compare() {
        for (int i = 0; i < days; ++i) {
            run_day(day(i));
            if (HasFatalFailure()) return;
        }
        load_oracle();
        expect_marts_match_oracle();
        expect_queries_match_oracle();
    }
};

TEST_F(MartsEndToEndTest, SevenDaysMatchTheOracleRerunChangesNothingReverseOrderAgrees) {
    load_all_days_and_compare();
    if (HasFatalFailure()) return;
    EXPECT_EQ(count("select count(*) from warehouse.daily_metrics"), days);
    EXPECT_EQ(count("select count(*) from warehouse.daily_metrics where fact_orders = 0 or fact_events = 0"), 0);
    // each day's orders went into a sub-partition of their own (the bulk path) for both fact tables
    EXPECT_EQ(count("select count(*) from pg_class where relispartition and relname ~ "
                    "'^fact_order(s|_lines)_y2025m12_d202512[0-9]{2}$'"),
              2 * days);

    // rerunning a day (every task) changes no mart
    const std::string forward = marts_only();
    run_day(day(3));
    if (HasFatalFailure()) return;
    EXPECT_EQ(marts_only(), forward);

    // the same days loaded newest first give the same marts
    db().exec("do $$ declare t record; begin for t in select schemaname, tablename from pg_tables "
              "where schemaname in ('raw', 'staging', 'warehouse', 'marts', 'audit') loop "
              "execute format('truncate table %I.%I restart identity cascade', t.schemaname, t.tablename); "
              "end loop; end $$");
    for (int i = days - 1; i >= 0; --i) {
        run_day(day(i));
        if (HasFatalFailure()) return;
    }
    expect_marts_match_oracle();
    EXPECT_EQ(marts_only(), forward);
}

// A shop's day: records in random order within each file, random UUID order and event ids, and customers
// who order days before their first customer record (inferred members, completed later).
class MartsShopDayTest : public MartsEndToEndTest {
protected:
    std::vector<std::string> generator_options() const override {
        return {"--shuffle", "--id-style", "uuid", "--customer-changes", "40"};
    }
};

TEST_F(MartsShopDayTest, ShuffledUuidDaysWithLateCustomersMatchTheOracle) {
    load_all_days_and_compare();
    if (HasFatalFailure()) return;
    // most customers who ordered on the first day were not in its customers feed
    EXPECT_GT(count("select count(*) from warehouse.dim_customer where is_inferred"), 0);
    EXPECT_GT(count("select count(distinct user_key) from warehouse.fact_orders where order_date = '2025-12-13'"),
              2 * count("select count(*) from staging.customers_changes where load_date = '2025-12-13'"));
}

}  // namespace ecomm::testing
