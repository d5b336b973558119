"""The live test's checks against a running stack (tests/docker/run): the demo's DAG runs through Airflow's
REST API, then the warehouse's marts.daily_sales against the generator's oracle.

  python3 tests/docker/check_stack.py runs  URL USER PASSWORD START DAYS TIMEOUT_SECONDS
  python3 tests/docker/check_stack.py marts EXPECTED_CSV ACTUAL_CSV

Only the standard library: it runs with the host's python3.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
import time
import urllib.error
import urllib.request
from decimal import Decimal, InvalidOperation

DAG = "ecomm_warehouse_daily"
PRODUCT_TASKS = {"extract_products", "transform_products"}


def fail(message: str) -> None:
    print(f"check_stack: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def request(url: str, *, token: str | None = None, body: dict | None = None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers), timeout=30) as response:
        return json.load(response)


def check_runs(url: str, user: str, password: str, start: str, days: int, timeout: float) -> None:
    """Every demo day has one backfill run that succeeded, with every task succeeded (the products tasks may be
    skipped on a day without a catalogue drop, and only they), and no other run of the DAG failed."""
    token = request(f"{url}/auth/token", body={"username": user, "password": password})["access_token"]
    first = dt.date.fromisoformat(start)
    wanted = {str(first + dt.timedelta(days=i)) for i in range(days)}
    deadline = time.monotonic() + timeout
    last_report = ""
    while True:
        try:
            runs = request(f"{url}/api/v2/dags/{DAG}/dagRuns?limit=100&order_by=logical_date", token=token)["dag_runs"]
        except (urllib.error.URLError, TimeoutError) as error:  # a busy api-server: retried until the deadline
            runs, report = None, f"api-server did not answer: {error}"
        if runs is not None:
            ours = {r["logical_date"][:10]: r for r in runs if r["run_type"] == "backfill"}
            states = {day: ours[day]["state"] if day in ours else "missing" for day in sorted(wanted)}
            report = " ".join(f"{day}={state}" for day, state in states.items())
            others = [(r["dag_run_id"], r["state"]) for r in runs if r["run_type"] != "backfill"]
            if any(state == "failed" for _, state in others):
                fail(f"a run the demo did not ask for failed: {others}")
            if any(state == "failed" for state in states.values()):
                break
            if all(state == "success" for state in states.values()):
                break
        if report != last_report:
            print(f"check_stack: runs: {report}", flush=True)
            last_report = report
        if time.monotonic() > deadline:
            fail(f"the demo's runs did not finish within {timeout:.0f} s: {report}")
        time.sleep(10)
    dag_tasks = {t["task_id"] for t in request(f"{url}/api/v2/dags/{DAG}/tasks", token=token)["tasks"]}
    for day in sorted(wanted):
        run = ours[day]
        tis = request(f"{url}/api/v2/dags/{DAG}/dagRuns/{run['dag_run_id']}/taskInstances?limit=100",
                      token=token)["task_instances"]
        task_states = {t["task_id"]: t["state"] for t in tis}
        bad = {t: s for t, s in task_states.items()
               if s != "success" and not (s == "skipped" and t in PRODUCT_TASKS)}
        if run["state"] != "success" or bad or set(task_states) != dag_tasks:
            fail(f"{day}: run {run['dag_run_id']} is {run['state']}; tasks not succeeded: {bad or task_states}")
        skipped = sorted(t for t, s in task_states.items() if s == "skipped")
        print(f"check_stack: {day}: {run['dag_run_id']} success, {len(task_states)} tasks"
              + (f" (skipped: {', '.join(skipped)})" if skipped else ""))


def as_values(row: list[str]) -> tuple:
    """A CSV row with its numbers as Decimals (12.5 equals 12.50, never a binary float), the rest as text."""
    def value(text: str):
        try:
            return Decimal(text)
        except InvalidOperation:
            return text
    return tuple(value(field) for field in row)


def check_marts(expected_csv: str, actual_csv: str) -> None:
    with open(expected_csv, newline="") as f:
        expected = list(csv.reader(f))
    with open(actual_csv, newline="") as f:
        actual = list(csv.reader(f))
    if len(expected) < 2:
        fail(f"{expected_csv}: the oracle has no rows")
    if actual[0] != expected[0]:
        fail(f"marts.daily_sales columns {actual[0]} != the oracle's {expected[0]}")
    want = [as_values(r) for r in expected[1:]]
    got = [as_values(r) for r in actual[1:]]
    if got != want:
        diff = [f"  oracle {w}\n  marts  {g}" for w, g in zip(want, got) if w != g]
        fail(f"marts.daily_sales differs from the oracle ({len(got)} rows, {len(want)} expected):\n"
             + "\n".join(diff[:10]))
    print(f"check_stack: marts.daily_sales equals the oracle ({len(got)} order dates)")


if __name__ == "__main__":
    if len(sys.argv) == 8 and sys.argv[1] == "runs":
        check_runs(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]), float(sys.argv[7]))
    elif len(sys.argv) == 4 and sys.argv[1] == "marts":
        check_marts(sys.argv[2], sys.argv[3])
    else:
        fail(__doc__)
