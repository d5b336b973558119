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
