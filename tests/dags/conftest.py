"""Shared set-up of the DAG tests: a throwaway Airflow home on SQLite, migrated once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"
DAG_ID = "ecomm_warehouse_daily"

# Airflow reads its configuration when first imported: set it before any test module imports airflow.
AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="ecomm-airflow-test-"))
os.environ.update(
    {
        "AIRFLOW_HOME": str(AIRFLOW_HOME),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
    }
)
# a connection left in the caller's environment would redirect every task
os.environ.pop("AIRFLOW_CONN_ECOMM_WAREHOUSE", None)

AIRFLOW = str(Path(sys.executable).with_name("airflow"))


def airflow_env(**extra: str) -> dict[str, str]:
    env = os.environ.copy()
    env.update(extra)
    return env


@pytest.fixture(scope="session", autouse=True)
def airflow_db():
    """`airflow db migrate` on SQLite in the temporary AIRFLOW_HOME; removed at the end."""
    result = subprocess.run([AIRFLOW, "db", "migrate"], env=airflow_env(), capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, f"airflow db migrate failed:\n{result.stdout}\n{result.stderr}"
    yield AIRFLOW_HOME
    shutil.rmtree(AIRFLOW_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def dagbag(airflow_db):
    from airflow.models import DagBag

    return DagBag(dag_folder=str(DAGS))


@pytest.fixture(scope="session")
def dag(dagbag):
    assert DAG_ID in dagbag.dags, f"{DAG_ID} not loaded; import errors: {dagbag.import_errors}"
    return dagbag.dags[DAG_ID]


# ---- the warehouse side: the project's executables and the local PostgreSQL (scripts/local-pg)

TASK_EXECUTABLES = sorted(p.parent.name for p in (REPO / "tasks").glob("*/main.cpp"))


def bin_dir() -> Path:
    """The executables under test: ECOMM_BIN_DIR (scripts/run-tests sets it), else build/bin."""
    return Path(os.environ.get("ECOMM_BIN_DIR") or REPO / "build" / "bin").resolve()


def require_executables(*names: str) -> Path:
    """Fails (never skips) when an executable the test needs has not been built."""
    missing = [n for n in names if not os.access(bin_dir() / n, os.X_OK)]
    assert not missing, f"not built in {bin_dir()} (run `make build`): {missing}"
    return bin_dir()


def local_pg_env() -> dict[str, str]:
    """PGHOST, PGPORT, PGUSER of the project's local PostgreSQL, started if needed (never stopped)."""
    subprocess.run([str(REPO / "scripts" / "local-pg"), "start"], check=True, capture_output=True, timeout=120)
    out = subprocess.run([str(REPO / "scripts" / "local-pg"), "env"], check=True, capture_output=True,
                         text=True).stdout
    env = dict(item.split("=", 1) for item in out.replace("export", "").split())
    return {k: env[k] for k in ("PGHOST", "PGPORT", "PGUSER")}


def psql(database: str, sql: str, *, csv: bool = False) -> str:
    args = [shutil.which("psql") or "psql", "-X", "-v", "ON_ERROR_STOP=1", "-d", database, "-c", sql]
    args[1:1] = ["--csv"] if csv else ["-At"]
    result = subprocess.run(args, env=airflow_env(**local_pg_env()), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"psql failed: {sql}\n{result.stderr}"
    return result.stdout


class Warehouse:
    """A fresh database on the local server, migrated by the project's `migrate`; dropped by drop()."""

    def __init__(self, label: str, *, migrate: bool = True):
        self.name = f"ecomm_dagtest_{label}_{os.getpid()}"
        self.pg = local_pg_env()
        psql("postgres", f'drop database if exists "{self.name}" with (force)')
        psql("postgres", f'create database "{self.name}"')
        if not migrate:
            return
        result = subprocess.run([str(require_executables("migrate") / "migrate"), "--log-format", "text"],
                                env=airflow_env(**self.env()), capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"migrate failed:\n{result.stderr}"

    def env(self) -> dict[str, str]:
        return {**self.pg, "PGDATABASE": self.name}

    def query(self, sql: str, *, csv: bool = False) -> str:
        return psql(self.name, sql, csv=csv)

    def drop(self) -> None:
        psql("postgres", f'drop database if exists "{self.name}" with (force)')


def generate_data(out: Path, *, start: str, days: int, defect_rate: float = 0.0, seed: int = 11) -> Path:
    result = subprocess.run(
        [str(require_executables("generate_data") / "generate_data"), "--start", start, "--days", str(days),
         "--out", str(out), "--seed", str(seed), "--orders-per-day", "200", "--events-per-day", "800",
         "--defect-rate", str(defect_rate)],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"generate_data failed:\n{result.stderr}"
    return out


def dags_test(logical_date: str, log_file: Path, *, conf: dict | None = None, **env: str):
    """`airflow dags test` of the DAG: (exit code, run id, {task_id: (state, try_number)}, output)."""
    import json
    import re
    import sqlite3

    args = [AIRFLOW, "dags", "test", DAG_ID, logical_date]
    if conf:
        args += ["--conf", json.dumps(conf)]
    result = subprocess.run(args, env=airflow_env(**env), capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    log_file.write_text(output)
    found = re.findall(r"DagRun Finished: .*?run_id=(\S+?),", output)
    assert found, f"no run finished; see {log_file}:\n{output[-3000:]}"
    run_id = found[-1]
    with sqlite3.connect(AIRFLOW_HOME / "airflow.db") as db:
        rows = db.execute("select task_id, state, try_number from task_instance where dag_id = ? and run_id = ?",
                          (DAG_ID, run_id)).fetchall()
    return result.returncode, run_id, {task: (state, tries) for task, state, tries in rows}, output
