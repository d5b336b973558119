"""The whole DAG run by a real Airflow 3 (`airflow dags test`) over the real executables and PostgreSQL.

Three generated days (2025-12-15 Monday with a products snapshot, 2025-12-16 without one, 2025-12-17 with
the closing snapshot) are loaded one run per day into a fresh database; the marts must then equal the
generator's oracle. A fourth run on data with many bad records must fail at dq_checks.
"""

from __future__ import annotations

import csv
import io
import json
import sys

import pytest

from conftest import REPO, Warehouse, dags_test, generate_data, require_executables

sys.path.insert(0, str(REPO / "tests" / "docker"))
from check_stack import as_values  # noqa: E402  (the marts-to-oracle row comparison the live Docker test uses)

DAYS = ["2025-12-15", "2025-12-16", "2025-12-17"]
FEEDS = ["orders", "events", "products", "customers"]
DAG_TASKS = ({f"extract_{f}" for f in FEEDS} | {f"transform_{f}" for f in FEEDS} | {"dq_checks"}
             | {"load_dim_date", "load_dim_product", "load_dim_customer", "load_fact_orders", "load_fact_events"}
             | {"compute_daily_metrics", "apply_retention"})
PRODUCT_TASKS = {"extract_products", "transform_products"}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    require_executables(*DAG_TASKS, "migrate", "generate_data")
    out = generate_data(tmp_path_factory.mktemp("landing"), start=DAYS[0], days=len(DAYS))
    products = out / "incoming" / "products"
    # the generator's catalogue days: the first day, Mondays and the last day; the middle day has none
    assert (products / DAYS[0]).is_dir() and (products / DAYS[2]).is_dir()
    assert not (products / DAYS[1]).exists()
    return out


@pytest.fixture(scope="module")
def loaded(data_dir, tmp_path_factory):
    """The three days, one `airflow dags test` each, in date order; results kept for the tests below."""
    warehouse = Warehouse("daily")
    logs = tmp_path_factory.mktemp("logs")
    common = {"ECOMM_BIN_DIR": str(require_executables(*DAG_TASKS)), "ECOMM_DATA_DIR": str(data_dir)}
    runs = {}
    try:
        # day 1: the database from the workers' PG* environment, the date from the logical date
        runs[DAYS[0]] = dags_test(DAYS[0], logs / "day1.log", **common, **warehouse.env())
        # day 2: the database from the Airflow connection `ecomm_warehouse` (the PG* environment points at a
        # database that does not exist), the date from params.date (the logical date is another day)
        connection = {"conn_type": "postgres", "host": warehouse.pg["PGHOST"], "port": int(warehouse.pg["PGPORT"]),
                      "login": warehouse.pg["PGUSER"], "schema": warehouse.name}
        runs[DAYS[1]] = dags_test("2025-12-26", logs / "day2.log", conf={"date": DAYS[1]}, **common,
                                  **{**warehouse.env(), "PGDATABASE": "ecomm_no_such_database"},
                                  AIRFLOW_CONN_ECOMM_WAREHOUSE=json.dumps(connection))
        runs[DAYS[2]] = dags_test(DAYS[2], logs / "day3.log", **common, **warehouse.env())
        yield warehouse, runs
    finally:
        warehouse.drop()


def states(run) -> dict[str, str]:
    return {task: state for task, (state, _tries) in run[2].items()}


def explain(run) -> str:
    return f"run {run[1]} exited {run[0]}; task states {states(run)}; last output:\n{run[3][-4000:]}"


def test_a_day_with_every_drop_runs_every_task(loaded):
    _, runs = loaded
    for day in (DAYS[0], DAYS[2]):
        run = runs[day]
        assert run[0] == 0, explain(run)
        assert states(run) == {task: "success" for task in DAG_TASKS}, explain(run)


def test_a_day_without_products_skips_only_the_products_tasks(loaded):
    _, runs = loaded
    run = runs[DAYS[1]]
    assert run[0] == 0, explain(run)
    expected = {task: "skipped" if task in PRODUCT_TASKS else "success" for task in DAG_TASKS}
    assert states(run) == expected, explain(run)


def test_each_task_ran_once_for_its_date_with_the_airflow_run_id(loaded):
    warehouse, runs = loaded
    for day, run in runs.items():
        rows = warehouse.query(
            f"select task, run_date, status from audit.task_runs where run_id = '{run[1]}' order by task")
        recorded = {task: (run_date, status) for task, run_date, status in
                    (line.split("|") for line in rows.splitlines())}
        ran = {task for task, state in states(run).items() if state == "success"}
        assert ran <= set(recorded), f"{day}: no audit row with run id {run[1]} for {sorted(ran - set(recorded))}"
        for task in ran:
            assert recorded[task] == (day, "succeeded"), f"{day} {task}: {recorded[task]}"
        assert len(rows.splitlines()) == len(recorded), "a task ran twice (retried?)"


def test_marts_equal_the_oracle(loaded, data_dir):
    warehouse, runs = loaded
    assert all(run[0] == 0 for run in runs.values()), "a daily run failed"
    with open(data_dir / "expected" / "daily_sales.csv", newline="") as f:
        expected = list(csv.reader(f))
    columns = expected[0]
    assert columns == ["order_date", "orders", "cancelled_or_refunded", "revenue", "units", "customers",
                       "avg_order_value"]
    actual = list(csv.reader(io.StringIO(warehouse.query(
        f"select {', '.join(columns)} from marts.daily_sales order by order_date", csv=True))))
    assert actual[0] == columns
    assert len(expected) > 3
    assert [as_values(r) for r in actual[1:]] == [as_values(r) for r in expected[1:]]


def test_a_blocking_quality_failure_fails_the_run(tmp_path):
    """Data with many bad records: dq_checks exits 3, is not retried, nothing downstream runs, the run fails."""
    bin_dir = require_executables(*DAG_TASKS)
    day = "2025-12-20"
    data_dir = generate_data(tmp_path / "landing", start=day, days=1, defect_rate=0.3, seed=5)
    warehouse = Warehouse("dqfail")
    try:
        code, run_id, tis, output = dags_test(day, tmp_path / "dq.log", ECOMM_BIN_DIR=str(bin_dir),
                                              ECOMM_DATA_DIR=str(data_dir), **warehouse.env())
        run = (code, run_id, tis, output)
        assert code != 0, explain(run)
        got = states(run)
        assert got["dq_checks"] == "failed", explain(run)
        assert tis["dq_checks"][1] == 1, "dq_checks was retried: a blocking quality failure must fail at once"
        for task in DAG_TASKS:
            if task.startswith(("extract_", "transform_")):
                assert got[task] == "success", explain(run)
            elif task != "dq_checks":
                assert got[task] == "upstream_failed", explain(run)
        audit = warehouse.query(f"select task, status, exit_code from audit.task_runs where run_id = '{run_id}'"
                                " and task = 'dq_checks'")
        assert audit.strip() == "dq_checks|failed|3"
        failed_rules = warehouse.query(
            f"select count(*) from audit.dq_results where load_date = '{day}' and status = 'failed'")
        assert int(failed_rules) >= 1
        loads = warehouse.query(f"select count(*) from audit.task_runs where run_id = '{run_id}'"
                                " and task like 'load_%'")
        assert int(loads) == 0
    finally:
        warehouse.drop()


def test_a_killed_task_rolls_back_and_exits_promptly(tmp_path, monkeypatch):
    """What Airflow does on an execution timeout or a kill: the operator's on_kill() sends SIGTERM to the task's
    process group. The real extract_orders, blocked behind a table lock, must give up at once, roll back and
    exit 1 (retryable), leaving its audit row failed and nothing loaded."""
    import os
    import subprocess
    import threading
    import time
    from datetime import datetime, timezone
    from types import SimpleNamespace

    from airflow.sdk.exceptions import AirflowException, AirflowFailException, AirflowSkipException
    from conftest import local_pg_env
    from test_dag_structure import dag_module

    bin_dir = require_executables("extract_orders", "migrate", "generate_data")
    day = "2025-12-15"
    data_dir = generate_data(tmp_path / "landing", start=day, days=1)
    warehouse = Warehouse("kill")
    holder = subprocess.Popen(["psql", "-X", "-q", "-At", "-d", warehouse.name], env={**os.environ, **local_pg_env()},
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        holder.stdin.write("begin;\nlock table raw.orders in access exclusive mode;\nselect 'locked';\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "locked"

        module = dag_module()
        command = module.dag.get_template_env().from_string(module.dag.get_task("extract_orders").bash_command)
        rendered = command.render(params={}, run_id="kill_test", dag_run=SimpleNamespace(
            logical_date=datetime.fromisoformat(day).replace(tzinfo=timezone.utc), run_after=None))
        for key, value in {**warehouse.env(), "ECOMM_BIN_DIR": str(bin_dir), "ECOMM_DATA_DIR": str(data_dir)}.items():
            monkeypatch.setenv(key, value)
        operator = module.WarehouseTaskOperator(task_id="extract_orders", bash_command=rendered)
        outcome = {}

        def run():
            try:
                operator.execute({})
                outcome["result"] = "success"
            except BaseException as error:  # noqa: BLE001 - the outcome is what is asserted
                outcome["result"] = error

        thread = threading.Thread(target=run)
        thread.start()
        waiting = "select count(*) from pg_stat_activity where application_name = 'extract_orders'" \
                  " and wait_event_type = 'Lock'"
        deadline = time.monotonic() + 60
        while int(warehouse.query(waiting)) == 0:
            assert time.monotonic() < deadline and thread.is_alive(), f"extract_orders never blocked: {outcome}"
            time.sleep(0.2)

        killed_at = time.monotonic()
        operator.on_kill()
        thread.join(timeout=30)
        assert not thread.is_alive(), "the task did not exit within 30 s of SIGTERM"
        assert time.monotonic() - killed_at < 10
        error = outcome["result"]
        assert isinstance(error, AirflowException) and not isinstance(error, (AirflowFailException,
                                                                                AirflowSkipException)), error
        assert operator.subprocess_hook.sub_process.returncode == 1
        holder.stdin.write("rollback;\n")
        holder.stdin.flush()
        audit = warehouse.query("select status, exit_code, error like 'interrupted by signal 15%' from audit.task_runs"
                                " where run_id = 'kill_test'")
        assert audit.strip() == "failed|1|t"
        assert int(warehouse.query(f"select count(*) from raw.orders where load_date = '{day}'")) == 0
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
        warehouse.drop()
