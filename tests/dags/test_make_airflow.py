"""`make airflow` for real: scripts/airflow-local starts Airflow 3 (api-server, scheduler, dag-processor,
triggerer; LocalExecutor) from .venv; the DAG is served with no import errors, the printed login works, and a
manual trigger with no logical date, run by the scheduler, loads a generated day into PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from decimal import Decimal, InvalidOperation
from pathlib import Path

from conftest import DAG_ID, REPO, Warehouse, airflow_env, generate_data, require_executables

DAY = "2025-12-15"
FEEDS = ["orders", "events", "products", "customers"]
DAG_TASKS = ({f"extract_{f}" for f in FEEDS} | {f"transform_{f}" for f in FEEDS} | {"dq_checks"}
             | {"load_dim_date", "load_dim_product", "load_dim_customer", "load_fact_orders", "load_fact_events"}
             | {"compute_daily_metrics", "apply_retention"})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.token = None

    def call(self, method: str, path: str, body=None):
        request = urllib.request.Request(self.base + path, method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")


def wait_for(what: str, check, process, log: Path, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"scripts/airflow-local exited {process.returncode}:\n{log.read_text()[-4000:]}"
        try:
            result = check()
            if result:
                return result
        except (urllib.error.URLError, ConnectionError, TimeoutError, KeyError):
            pass
        time.sleep(2)
    raise AssertionError(f"timed out waiting for {what}:\n{log.read_text()[-4000:]}")


def as_values(rows):
    def value(text):
        try:
            return Decimal(text)
        except InvalidOperation:
            return text
    return [tuple(value(f) for f in row) for row in rows]


def test_make_airflow_serves_the_dag_and_runs_a_manual_trigger(tmp_path):
    bin_dir = require_executables(*DAG_TASKS, "migrate", "generate_data")
    data_dir = generate_data(tmp_path / "landing", start=DAY, days=1)
    warehouse = Warehouse("live")
    port = free_port()
    log = tmp_path / "airflow-local.log"
    connection = {"conn_type": "postgres", "host": warehouse.pg["PGHOST"], "port": int(warehouse.pg["PGPORT"]),
                  "login": warehouse.pg["PGUSER"], "schema": warehouse.name}
    env = airflow_env(
        AIRFLOW_HOME=str(tmp_path / "airflow-home"),
        ECOMM_AIRFLOW_PORT=str(port),
        ECOMM_BIN_DIR=str(bin_dir),
        ECOMM_DATA_DIR=str(data_dir),
        # airflow-local points PG* at the `ecomm` database; the connection sends the tasks to this test's one
        AIRFLOW_CONN_ECOMM_WAREHOUSE=json.dumps(connection),
        # only the run triggered below: no scheduled run of the latest interval when the DAG is unpaused
        AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE="False",
        AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=str(free_port()),
        AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT=str(free_port()),
    )
    with open(log, "w") as out:
        process = subprocess.Popen([str(REPO / "scripts" / "airflow-local")], env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    api = Api(port)
    try:
        health = wait_for("the api-server, scheduler and dag-processor",
                          lambda: (h := api.call("GET", "/api/v2/monitor/health"))["scheduler"]["status"] == "healthy"
                          and h["dag_processor"]["status"] == "healthy" and h,
                          process, log, timeout=300)
        assert health["metadatabase"]["status"] == "healthy"

        login = re.search(r"login admin / (\S+)", log.read_text())
        assert login, "scripts/airflow-local did not print the login"
        api.token = api.call("POST", "/auth/token", {"username": "admin", "password": login.group(1)})["access_token"]

        dag = wait_for("the DAG to be parsed", lambda: api.call("GET", f"/api/v2/dags/{DAG_ID}"), process, log, 180)
        assert dag["is_paused"] is True  # new DAGs start paused
        assert dag["timetable_summary"] == "0 2 * * *"
        assert api.call("GET", "/api/v2/importErrors")["total_entries"] == 0

        api.call("PATCH", f"/api/v2/dags/{DAG_ID}", {"is_paused": False})
        run = api.call("POST", f"/api/v2/dags/{DAG_ID}/dagRuns", {"logical_date": None, "conf": {"date": DAY}})
        assert run["logical_date"] is None and run["data_interval_start"] is None
        run_path = f"/api/v2/dags/{DAG_ID}/dagRuns/{run['dag_run_id']}"
        final = wait_for("the triggered run to finish",
                         lambda: (r := api.call("GET", run_path))["state"] in ("success", "failed") and r,
                         process, log, timeout=420)
        tis = {ti["task_id"]: ti for ti in api.call("GET", f"{run_path}/taskInstances")["task_instances"]}
        states = {task: ti["state"] for task, ti in tis.items()}
        assert final["state"] == "success", f"run failed, task states {states}"
        assert states == {task: "success" for task in DAG_TASKS}

        recorded = warehouse.query(f"select count(distinct task) from audit.task_runs where run_id = "
                                   f"'{run['dag_run_id']}' and run_date = '{DAY}' and status = 'succeeded'")
        assert int(recorded) == len(DAG_TASKS)
        with open(data_dir / "expected" / "daily_sales.csv", newline="") as f:
            expected = list(csv.reader(f))
        actual = list(csv.reader(io.StringIO(warehouse.query(
            f"select {', '.join(expected[0])} from marts.daily_sales order by order_date", csv=True))))
        assert as_values(actual[1:]) == as_values(expected[1:])
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
        try:  # components that outlived the standalone parent (same process group)
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        warehouse.drop()
