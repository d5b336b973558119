"""Both dashboard pages in a real browser (headless Chromium over the DevTools protocol): the charts render, the
headline numbers in the DOM equal marts.daily_sales for the last day and the audit tables for the last night,
no console error, no request leaves the machine, the empty state and the database-down banner; a screenshot of
each page is saved under the test artifacts folder."""

from __future__ import annotations

import shutil
from decimal import Decimal
from urllib.parse import urlparse

import pytest

from cdp import Browser
from conftest import ARTIFACTS, NIGHT_TASKS, Dashboard, REPO

# every chart a loaded warehouse fills, per page (the rule history fills on a click)
HEALTH_CHARTS = ["chart-timeline", "chart-durations", "chart-quarantine", "chart-volume", "chart-completion"]
BUSINESS_CHARTS = ["chart-sales", "chart-aov", "chart-categories", "chart-funnel", "chart-customers"]

CHARTS_DRAWN = """(ids => ids.map(id => {
    const canvas = document.getElementById(id), chart = Chart.getChart(canvas);
    return {id, drawn: !!chart && !canvas.hidden && canvas.width > 0,
            points: chart ? chart.data.datasets.reduce((n, d) => n + d.data.length, 0) : 0};
}))(%s)"""


@pytest.fixture()
def browser():
    b = Browser()
    yield b
    b.close()


def money(text: str) -> Decimal:
    assert text.startswith("$"), text
    return Decimal(text[1:].replace(",", ""))


def number(text: str) -> int:
    return int(text.replace(",", ""))


def assert_stayed_local(browser: Browser, server: Dashboard) -> None:
    urls = browser.requested_urls()
    assert any(u.endswith("/vendor/chart.min.js") for u in urls), urls
    for url in urls:
        parsed = urlparse(url)
        assert parsed.scheme == "data" or (parsed.scheme == "http" and parsed.netloc == f"127.0.0.1:{server.port}"), \
            f"the page requested {url}"


def open_ready(browser: Browser, url: str, charts: list[str]) -> None:
    browser.open(url)
    browser.wait_for("document.body.dataset.state === 'ready'")
    drawn = browser.evaluate(CHARTS_DRAWN % charts)
    assert all(c["drawn"] and c["points"] > 0 for c in drawn), drawn


def test_business_page_headlines_equal_the_last_day_of_daily_sales(browser, dashboard, loaded):
    open_ready(browser, dashboard.url + "/business", BUSINESS_CHARTS)
    last = loaded.rows("select * from marts.daily_sales order by order_date desc limit 1")[0]
    text = lambda id: browser.evaluate(f"document.getElementById('{id}').textContent")  # noqa: E731
    assert money(text("kpi-revenue")) == last["revenue"]
    assert number(text("kpi-orders")) == last["orders"]
    assert money(text("kpi-aov")) == last["avg_order_value"]
    assert number(text("kpi-units")) == last["units"]
    assert number(text("kpi-customers")) == last["customers"]
    assert last["order_date"] in browser.evaluate("document.querySelector('.kpi-day').textContent")
    # numbers formatted for people: thousands separators and the currency
    total = loaded.rows("select sum(revenue) as r from marts.daily_sales")[0]["r"]
    assert f"${total:,.2f}" in text("kpi-revenue-range")
    assert browser.evaluate("document.getElementById('range-to').value") == last["order_date"]
    # the date-range picker: two days only
    days = [r["order_date"] for r in loaded.rows("select order_date from marts.daily_sales order by 1")]
    browser.evaluate(f"""(() => {{ document.getElementById('range-from').value = '{days[1]}';
        document.getElementById('range-to').value = '{days[2]}';
        document.querySelector('#range button').click(); }})()""")
    browser.wait_for("document.body.dataset.state === 'ready' && "
                     f"document.querySelector('.kpi-day').textContent.includes('{days[2]}')")
    assert browser.evaluate("Chart.getChart(document.getElementById('chart-sales')).data.labels") == days[1:3]
    revenue = loaded.rows(f"select revenue from marts.daily_sales where order_date = '{days[2]}'")[0]["revenue"]
    assert money(text("kpi-revenue")) == revenue
    # back to the default range for the screenshot
    browser.open(dashboard.url + "/business")
    browser.wait_for("document.body.dataset.state === 'ready'")
    browser.screenshot(ARTIFACTS / "dashboard-business.png")
    assert browser.console_errors() == []
    assert_stayed_local(browser, dashboard)


def test_health_page_shows_last_night_and_its_panels(browser, dashboard, loaded):
    open_ready(browser, dashboard.url + "/", HEALTH_CHARTS)
    night = loaded.rows("""select distinct on (task) task, status, rows_quarantined from audit.task_runs
                           where run_date = (select max(run_date) from audit.task_runs)
                           order by task, started_at desc, task_run_id desc""")
    text = lambda id: browser.evaluate(f"document.getElementById('{id}').textContent")  # noqa: E731
    assert text("kpi-night") == loaded.query("select max(run_date) from audit.task_runs").strip()
    done = sum(r["status"] in ("succeeded", "skipped") for r in night)
    assert text("kpi-tasks-ok") == f"{done} / {len(night)}"
    assert number(text("kpi-tasks-failed")) == sum(r["status"] == "failed" for r in night)
    assert number(text("kpi-quarantined")) == sum(r["rows_quarantined"] for r in night)
    assert browser.evaluate("Chart.getChart(document.getElementById('chart-timeline')).data.labels.length") == len(NIGHT_TASKS)
    assert browser.evaluate("document.querySelectorAll('#table-night tbody tr').length") == len(NIGHT_TASKS)

    # a rule's history on a click
    browser.evaluate("document.querySelector('#table-quality tbody tr').click()")
    browser.wait_for("!!Chart.getChart(document.getElementById('chart-quality-history'))")
    # sample records on a click of a quarantine bar: a real mouse click at the bar's position
    x, y = browser.evaluate("""(() => {
        const canvas = document.getElementById('chart-quarantine'), chart = Chart.getChart(canvas);
        canvas.scrollIntoView({block: 'center'});
        const last = chart.data.labels.length - 1;
        const i = chart.data.datasets.findIndex(d => d.data[last] > 0);
        const bar = chart.getDatasetMeta(i).data[last], box = canvas.getBoundingClientRect();
        const top = Math.min(bar.y, bar.base), bottom = Math.max(bar.y, bar.base);
        return [box.left + bar.x, box.top + (top + bottom) / 2];
    })()""")
    browser.click(x, y)
    browser.wait_for("document.querySelectorAll('#table-samples tbody tr').length > 0")
    cells = browser.evaluate("[...document.querySelectorAll('#table-samples tbody tr:first-child td')]"
                             ".map(td => td.textContent)")
    assert "/" in cells[0] and number(cells[1]) > 0, cells  # the file and the line
    browser.screenshot(ARTIFACTS / "dashboard-health.png")
    assert browser.console_errors() == []
    assert_stayed_local(browser, dashboard)


def test_empty_warehouse_shows_what_to_run(browser, empty_dashboard):
    for page in ("/", "/business"):
        browser.open(empty_dashboard.url + page)
        browser.wait_for("document.body.dataset.state === 'empty'")
        message = browser.evaluate("document.getElementById('empty').textContent")
        assert "make demo" in message and "scripts/run-day" in message, message
        # no panel, no broken chart: the content is not laid out at all
        assert browser.evaluate("document.getElementById('content').getClientRects().length") == 0
    browser.screenshot(ARTIFACTS / "dashboard-empty.png")
    assert browser.console_errors() == []
    assert_stayed_local(browser, empty_dashboard)


def test_a_database_that_goes_away_shows_a_banner_and_recovers(browser, throwaway_cluster):
    server = Dashboard(throwaway_cluster.warehouse.dsn(), "browser-down")
    try:
        throwaway_cluster.local_pg("stop")
        browser.open(server.url + "/")
        browser.wait_for("document.body.dataset.state === 'unavailable'")
        banner = browser.evaluate("document.getElementById('banner').getClientRects().length ? "
                                  "document.getElementById('banner').textContent : ''")
        assert "not answering" in banner, banner
        throwaway_cluster.local_pg("start")
        # the page retries on its own every 10 s while the database is away
        browser.wait_for("document.body.dataset.state === 'empty'", timeout=30)
        assert browser.evaluate("document.getElementById('banner').getClientRects().length") == 0
    finally:
        server.stop()


def test_screenshots_for_the_readme_are_the_tests_own():
    """docs/ holds the screenshots this test run makes (the README shows them); refreshed when asked to."""
    import os

    for name in ("dashboard-health.png", "dashboard-business.png"):
        made = ARTIFACTS / name
        assert made.exists() and made.stat().st_size > 20_000, f"{made} was not made by the browser tests"
        if os.environ.get("ECOMM_UPDATE_SCREENSHOTS") == "1":
            shutil.copyfile(made, REPO / "docs" / name)
