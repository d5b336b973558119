"""The dashboard's JSON API against a warehouse loaded with generated days: every endpoint's numbers equal the
marts and audit tables it summarizes (exactly: money as Decimal), the bounds, the empty warehouse, and /healthz
going 503 while the database is down and 200 when it is back."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from conftest import NIGHT_TASKS, Dashboard

LATEST_RUNS = """
    select distinct on (task) *
    from audit.task_runs
    where run_date = (select max(run_date) from audit.task_runs)
    order by task, started_at desc, task_run_id desc
"""


def by(rows, *keys):
    return {tuple(str(r[k]) for k in keys): r for r in rows}


def test_sales_daily_equals_the_mart_to_the_cent(dashboard, loaded):
    body = dashboard.api("/api/sales/daily")
    mart = loaded.rows("select order_date, orders, cancelled_or_refunded, revenue, units, customers, avg_order_value"
                       " from marts.daily_sales order by order_date")
    assert len(mart) >= 7
    assert body["days"] == mart  # every column of every day, revenue as exact decimals
    assert body["to_date"] == mart[-1]["order_date"]
    totals = loaded.rows("select sum(orders) as orders, sum(revenue) as revenue, sum(units) as units,"
                         " round(sum(revenue) / sum(orders - cancelled_or_refunded), 2) as aov"
                         " from marts.daily_sales")[0]
    assert body["totals"]["revenue"] == totals["revenue"]
    assert body["totals"]["orders"] == totals["orders"]
    assert body["totals"]["units"] == totals["units"]
    assert body["totals"]["avg_order_value"] == totals["aov"]
    assert isinstance(body["totals"]["revenue"], Decimal)


def test_a_date_range_selects_its_days(dashboard, loaded):
    days = [r["order_date"] for r in loaded.rows("select order_date from marts.daily_sales order by 1")]
    body = dashboard.api(f"/api/sales/daily?from={days[2]}&to={days[4]}")
    assert [d["order_date"] for d in body["days"]] == days[2:5]
    revenue = loaded.rows(f"select sum(revenue) as r from marts.daily_sales where order_date between '{days[2]}'"
                          f" and '{days[4]}'")[0]["r"]
    assert body["totals"]["revenue"] == revenue


def test_categories_funnel_and_customers_equal_their_marts(dashboard, loaded):
    categories = dashboard.api("/api/sales/categories")
    expected = loaded.rows("select category, sum(orders) as orders, sum(units) as units, sum(revenue) as revenue"
                           " from marts.sales_by_category group by category")
    assert by(categories, "category") == by(expected, "category")
    assert [c["revenue"] for c in categories] == sorted((c["revenue"] for c in categories), reverse=True)

    funnel = dashboard.api("/api/funnel")
    sums = loaded.rows("select sum(sessions) as sessions, sum(product_view_sessions) as product_view_sessions,"
                       " sum(add_to_cart_sessions) as add_to_cart_sessions,"
                       " sum(begin_checkout_sessions) as begin_checkout_sessions,"
                       " sum(purchase_sessions) as purchase_sessions from marts.funnel_daily")[0]
    assert funnel["totals"] == sums
    assert len(funnel["days"]) == int(loaded.query("select count(*) from marts.funnel_daily"))

    customers = dashboard.api("/api/customers")
    daily = by(loaded.rows("select order_date, customers from marts.daily_sales"), "order_date")
    # from the facts: each day's buyers (orders not cancelled or refunded), new on their first order's date
    facts = by(loaded.rows("""
        select f.order_date,
               count(distinct f.user_key) filter (where c.first_order_date = f.order_date) as new_customers,
               count(distinct f.user_key) filter (where c.first_order_date < f.order_date) as returning_customers
        from warehouse.fact_orders f join marts.customer_summary c using (user_key)
        where not f.is_cancelled_or_refunded group by f.order_date"""), "order_date")
    assert [d["order_date"] for d in customers] == sorted(k[0] for k in daily)
    for day in customers:
        assert day["customers"] == daily[(day["order_date"],)]["customers"]
        fact = facts[(day["order_date"],)]
        assert (day["new_customers"], day["returning_customers"]) == \
            (fact["new_customers"], fact["returning_customers"]), day
    assert any(d["returning_customers"] > 0 for d in customers) and any(d["new_customers"] > 0 for d in customers)


def test_last_night_is_every_tasks_latest_run(dashboard, loaded):
    night = dashboard.api("/api/runs/night")
    runs = loaded.rows(LATEST_RUNS)
    assert night["run_date"] == loaded.query("select max(run_date) from audit.task_runs").strip()
    assert by(night["tasks"], "task").keys() == by(runs, "task").keys()
    assert len(night["tasks"]) == len(NIGHT_TASKS)  # every DAG task ran (products skipped on non-Mondays)
    for task in night["tasks"]:
        run = by(runs, "task")[(task["task"],)]
        for key in ("status", "rows_read", "rows_written", "rows_quarantined", "duration_seconds", "error"):
            assert task[key] == run[key], (task["task"], key)
    quarantined = sum(t["rows_quarantined"] for t in night["tasks"])
    assert quarantined == sum(r["rows_quarantined"] for r in runs) and quarantined > 0


def test_durations_cover_the_last_nights(dashboard, loaded):
    rows = dashboard.api("/api/runs/durations?days=3")
    nights = sorted({r["run_date"] for r in rows})
    assert nights == [r["run_date"] for r in loaded.rows(
        "select distinct run_date from audit.task_runs order by run_date desc limit 3")][::-1]
    assert len(rows) == 3 * len(NIGHT_TASKS)
    everything = dashboard.api("/api/runs/durations")
    assert len({r["run_date"] for r in everything}) == 7


def test_quality_latest_and_history_equal_dq_results(dashboard, loaded):
    latest = dashboard.api("/api/quality/latest")
    expected = loaded.rows("select distinct on (rule) rule, load_date, observed, threshold, severity, passed, status"
                           " from audit.dq_results order by rule, load_date desc")
    assert by(latest, "rule").keys() == by(expected, "rule").keys()
    for rule in latest:
        row = by(expected, "rule")[(rule["rule"],)]
        assert {k: rule[k] for k in row} == row
    failed_first = [r["status"] == "failed" for r in latest]
    assert failed_first == sorted(failed_first, reverse=True)

    rule = expected[0]["rule"]
    history = dashboard.api(f"/api/quality/history?rule={rule}&days=30")
    assert [(h["load_date"], h["observed"], h["status"]) for h in history] == [
        (r["load_date"], r["observed"], r["status"]) for r in loaded.rows(
            f"select load_date, observed, status from audit.dq_results where rule = '{rule}' order by load_date")]
    assert len(history) == 7


def test_quarantine_counts_and_samples_equal_bad_records(dashboard, loaded):
    daily = dashboard.api("/api/quarantine/daily")
    expected = loaded.rows("select load_date, feed, reason, count(*) as records from audit.bad_records"
                           " group by 1, 2, 3")
    assert by(daily["rows"], "load_date", "feed", "reason") == by(expected, "load_date", "feed", "reason")
    assert sum(r["records"] for r in daily["rows"]) == int(loaded.query("select count(*) from audit.bad_records"))

    day = daily["to_date"]
    samples = dashboard.api(f"/api/quarantine/samples?date={day}&feed=events&reason=malformed&limit=5")
    records = loaded.rows(f"select source_file, line_no, detail, record from audit.bad_records where load_date ="
                          f" '{day}' and feed = 'events' and reason = 'malformed' order by source_file, line_no"
                          f" limit 6")[:5]
    assert [(s["source_file"], s["line_no"], s["detail"], s["record"]) for s in samples] == [
        (r["source_file"], r["line_no"], r["detail"], r["record"]) for r in records]
    assert len(samples) == 5 and len(records) == 5  # the limit held: more records exist
    assert int(loaded.query(f"select count(*) from audit.bad_records where load_date = '{day}' and feed = 'events'"
                            f" and reason = 'malformed'")) > 5
    # the customers feed's records are personal data: where and why, never the text
    customers = dashboard.api(f"/api/quarantine/samples?date={day}&feed=customers&limit=100")
    assert customers and all(s["record"] is None and s["source_file"] and s["line_no"] > 0 for s in customers)


def test_freshness_and_volume_equal_the_extract_runs(dashboard, loaded):
    freshness = dashboard.api("/api/freshness")
    for feed in freshness["feeds"]:
        last = loaded.query(f"select max(run_date) from audit.task_runs where task = 'extract_{feed['feed']}'"
                            f" and status = 'succeeded'").strip()
        assert feed["last_load_date"] == last, feed
    assert {f["feed"] for f in freshness["feeds"]} == {"orders", "events", "products", "customers"}
    assert freshness["last_order_date"] == loaded.query("select max(order_date) from marts.daily_sales").strip()

    volume = by(dashboard.api("/api/volume"), "feed")
    orders = volume[("orders",)]
    reads = [r["rows_read"] for r in loaded.rows(
        "select run_date, rows_read from audit.task_runs where task = 'extract_orders' and status = 'succeeded'"
        " order by run_date desc")]
    assert orders["rows"] == reads[0]
    trailing = reads[1:8]
    mean = sum(trailing) / len(trailing)
    assert orders["mean"] == round(Decimal(mean), 1)
    assert orders["trailing_nights"] == len(trailing) == 6
    assert orders["low"] <= orders["rows"] <= orders["high"] and orders["outside"] is False
    assert [h["rows"] for h in orders["history"]] == reads[::-1]


def test_completion_equals_daily_metrics(dashboard, loaded):
    body = dashboard.api("/api/completion")
    metrics = loaded.rows("select run_date, raw_orders, staging_orders, fact_orders, raw_events, staging_events,"
                          " fact_events, quarantined_count, dq_failed_count, runtime_seconds"
                          " from warehouse.daily_metrics order by run_date")
    assert [{k: r[k] for k in metrics[0]} for r in body["rows"]] == metrics
    for r in body["rows"]:
        assert r["orders_staging_pct"] == round(Decimal(100) * r["staging_orders"] / r["raw_orders"], 2)
        assert r["events_fact_pct"] == round(Decimal(100) * r["fact_events"] / r["staging_events"], 2)


@pytest.mark.parametrize("path, message", [
    ("/api/sales/daily?from=2024-01-01&to=2025-12-31", "at most 366"),
    ("/api/sales/daily?from=2025-12-20&to=2025-12-01", "from must not be after to"),
    ("/api/sales/daily?from=2025-02-30", "YYYY-MM-DD"),
    ("/api/runs/durations?days=91", "from 1 to 90"),
    ("/api/quarantine/samples?limit=1000", "from 1 to 100"),
    ("/api/quarantine/samples?feed=payments", "feed must be one of"),
    ("/api/quality/history", "rule is required"),
    ("/api/sales/daily?from=2025-12-01&from=2025-12-02", "more than once"),
])
def test_every_query_is_bounded(dashboard, path, message):
    status, body = dashboard.get(path)
    assert status == 400 and message in body["error"], body


def test_the_monitor_role_reads_marts_warehouse_and_audit_only(loaded):
    for relation in ("audit.task_runs", "audit.bad_records", "audit.dq_results", "marts.daily_sales",
                     "warehouse.daily_metrics", "warehouse.fact_orders"):
        assert loaded.query(f"select count(*) > 0 from {relation}", role="ecomm_monitor").strip() == "t", relation
    for relation in ("private.customer_pii", "raw.orders", "staging.orders"):
        with pytest.raises(AssertionError, match="permission denied"):
            loaded.query(f"select 1 from {relation} limit 1", role="ecomm_monitor")


def test_the_empty_warehouse_answers_with_empty_panels(empty_dashboard):
    overview = empty_dashboard.api("/api/overview")
    assert overview["has_runs"] is False and overview["has_sales"] is False
    assert empty_dashboard.api("/api/runs/night")["tasks"] == []
    for path in ("/api/runs/durations", "/api/quality/latest", "/api/customers", "/api/sales/categories"):
        assert empty_dashboard.api(path) == [], path
    assert empty_dashboard.api("/api/sales/daily")["days"] == []
    assert empty_dashboard.api("/api/quarantine/daily")["rows"] == []
    assert empty_dashboard.api("/api/completion")["rows"] == []
    assert all(f["last_load_date"] is None and f["late"] for f in empty_dashboard.api("/api/freshness")["feeds"])
    assert all(f["rows"] is None for f in empty_dashboard.api("/api/volume"))
    assert empty_dashboard.get("/healthz") == (200, {"status": "ok"})


def wait_for_status(server: Dashboard, path: str, status: int, seconds: float = 20) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        got, body = server.get(path)
        if got == status or time.monotonic() > deadline:
            assert got == status, f"GET {path}: {got} {body}, wanted {status}"
            return body
        time.sleep(0.3)


def test_healthz_is_503_while_the_database_is_down_and_recovers(throwaway_cluster):
    server = Dashboard(throwaway_cluster.warehouse.dsn(), "down")
    try:
        assert server.get("/healthz") == (200, {"status": "ok"})
        assert server.api("/api/overview")["has_runs"] is False
        throwaway_cluster.local_pg("stop")
        down = wait_for_status(server, "/healthz", 503)
        assert down["status"] == "unavailable" and "connect" in down["error"], down
        status, body = server.get("/api/overview")
        assert status == 503 and body["status"] == "unavailable"
        throwaway_cluster.local_pg("start")
        assert wait_for_status(server, "/healthz", 200) == {"status": "ok"}
        assert server.api("/api/overview")["has_runs"] is False
    finally:
        server.stop()


def test_a_missing_role_is_reported_by_healthz(throwaway_cluster):
    """A database not migrated (no ecomm_monitor) is not healthy: the reason says which role is missing."""
    warehouse = throwaway_cluster.warehouse
    warehouse.query(f'drop database "{warehouse.name}" with (force)', database="postgres")
    warehouse.query(f'create database "{warehouse.name}"', database="postgres")
    warehouse.query("drop role if exists ecomm_monitor", database="postgres")
    server = Dashboard(warehouse.dsn(), "norole")
    try:
        status, body = server.get("/healthz")
        assert status == 503 and "ecomm_monitor" in body["error"], body
    finally:
        server.stop()
