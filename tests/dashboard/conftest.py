"""Shared set-up of the dashboard tests: warehouses on the local PostgreSQL (one loaded with generated days, one
empty), a throwaway cluster of their own for the database-down tests, and serve_dashboard on a free port."""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LOAD_START = "2025-12-13"
LOAD_DAYS = 7
# screenshots and server logs: ECOMM_TEST_ARTIFACTS, else build/test-artifacts


def night_tasks() -> list[str]:
    """The tasks one night runs, in order: scripts/run-day's list, the DAG's tasks in an order its graph allows (tests/dags checks it)."""
    text = (REPO / "scripts" / "run-day").read_text()
    return re.search(r"^tasks=\((.*?)^\)", text, re.M | re.S).group(1).split()


NIGHT_TASKS = night_tasks()
ARTIFACTS = Path(os.environ.get("ECOMM_TEST_ARTIFACTS") or REPO / "build" / "test-artifacts")


def bin_dir() -> Path:
    return Path(os.environ.get("ECOMM_BIN_DIR") or REPO / "build" / "bin").resolve()


def executable(name: str) -> str:
    path = bin_dir() / name
    assert os.access(path, os.X_OK), f"{path} is not built (run `make build`)"
    return str(path)


def pg_env(pg_dir: Path | None = None, port: int | None = None) -> dict[str, str]:
    """PGHOST, PGPORT, PGUSER of a scripts/local-pg cluster (the project's, or a throwaway one), started."""
    env = os.environ.copy()
    if pg_dir:
        env.update(ECOMM_PG_DIR=str(pg_dir), ECOMM_PG_PORT=str(port))
    local_pg = str(REPO / "scripts" / "local-pg")
    started = subprocess.run([local_pg, "start"], env=env, capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, f"local-pg start failed:\n{started.stdout}{started.stderr}"
    out = subprocess.run([local_pg, "env"], env=env, check=True, capture_output=True, text=True).stdout
    values = dict(item.split("=", 1) for item in out.replace("export", "").split())
    return {k: values[k] for k in ("PGHOST", "PGPORT", "PGUSER")}


class Warehouse:
    """A fresh database on a local cluster, migrated by the project's `migrate`."""

    def __init__(self, label: str, pg: dict[str, str]):
        self.name = f"ecomm_dashtest_{label}_{os.getpid()}"
        self.pg = pg
        self.query(f'drop database if exists "{self.name}" with (force)', database="postgres")
        self.query(f'create database "{self.name}"', database="postgres")
        self.run(executable("migrate"), "--log-format", "text")

    def env(self) -> dict[str, str]:
        return {**os.environ, **self.pg, "PGDATABASE": self.name}

    def run(self, *args: str, timeout: int = 600) -> None:
        result = subprocess.run(list(args), env=self.env(), capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, f"{' '.join(args)} failed ({result.returncode}):\n{result.stderr[-3000:]}"

    def query(self, sql: str, *, database: str | None = None, role: str | None = None) -> str:
        args = [shutil.which("psql") or "psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", database or self.name,
                "-c", sql]
        env = {**os.environ, **self.pg, **({"PGOPTIONS": f"-c role={role}"} if role else {})}
        result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"psql failed: {sql}\n{result.stderr}"
        return result.stdout

    def rows(self, sql: str) -> list[dict]:
        """The query's rows as dicts, numbers exact (numeric -> Decimal), through json_agg."""
        text = self.query(f"select coalesce(json_agg(q), '[]') from ({sql}) q")
        return json.loads(text, parse_float=Decimal)

    def dsn(self) -> str:
        return f"host={self.pg['PGHOST']} port={self.pg['PGPORT']} user={self.pg['PGUSER']} dbname={self.name}"

    def drop(self) -> None:
        self.query(f'drop database if exists "{self.name}" with (force)', database="postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dashboard:
    """serve_dashboard on a free port of 127.0.0.1, its log kept under the artifacts folder."""

    def __init__(self, dsn: str, label: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.log_path = ARTIFACTS / f"serve_dashboard-{label}.log"
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([executable("serve_dashboard"), "--dsn", dsn, "--port", str(self.port),
                                         "--listen", "127.0.0.1"], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while True:
            assert self.process.poll() is None, f"serve_dashboard exited:\n{self.log_path.read_text()}"
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return
            assert time.monotonic() < deadline, "serve_dashboard did not listen within 20 s"
            time.sleep(0.1)

    def get(self, path: str) -> tuple[int, object]:
        """(status, JSON body with exact numbers) of GET path."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as res:
                return res.status, json.loads(res.read(), parse_float=Decimal)
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read(), parse_float=Decimal)

    def api(self, path: str):
        status, body = self.get(path)
        assert status == 200, f"GET {path}: {status} {body}"
        return body

    def stop(self) -> None:
        self.process.terminate()
        try:
            assert self.process.wait(timeout=10) == 0, "serve_dashboard did not exit 0 on SIGTERM"
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self.log.close()


@pytest.fixture(scope="session")
def local_pg() -> dict[str, str]:
    return pg_env()


@pytest.fixture(scope="session")
def loaded(local_pg):
    """A warehouse holding LOAD_DAYS generated days, every task run by scripts/run-day."""
    warehouse = Warehouse("loaded", local_pg)
    data = Path(tempfile.mkdtemp(prefix="ecomm-dashtest-data-"))
    try:
        warehouse.run(executable("generate_data"), "--start", LOAD_START, "--days", str(LOAD_DAYS), "--out",
                      str(data), "--seed", "7", "--orders-per-day", "400", "--events-per-day", "2000",
                      "--products", "150", "--customers", "300", "--log-format", "text")
        for i in range(LOAD_DAYS):
            date = (datetime.date.fromisoformat(LOAD_START) + datetime.timedelta(days=i)).isoformat()
            warehouse.run(str(REPO / "scripts" / "run-day"), date, "--data-dir", str(data), "--run-id",
                          f"dashtest-{date}", "--log-format", "text")
        yield warehouse
    finally:
        shutil.rmtree(data, ignore_errors=True)
        warehouse.drop()


@pytest.fixture(scope="session")
def empty(local_pg):
    warehouse = Warehouse("empty", local_pg)
    yield warehouse
    warehouse.drop()


@pytest.fixture(scope="session")
def dashboard(loaded):
    server = Dashboard(loaded.dsn(), "loaded")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def empty_dashboard(empty):
    server = Dashboard(empty.dsn(), "empty")
    yield server
    server.stop()


class ThrowawayCluster:
    """A PostgreSQL cluster of the tests' own (scripts/local-pg in a temporary folder, on a free port), so
    stopping it never touches the shared test cluster."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="ecomm-dashtest-pg-"))
        self.port = free_port()
        self.pg = pg_env(self.dir, self.port)
        self.warehouse = Warehouse("down", self.pg)

    def local_pg(self, command: str) -> None:
        env = {**os.environ, "ECOMM_PG_DIR": str(self.dir), "ECOMM_PG_PORT": str(self.port)}
        result = subprocess.run([str(REPO / "scripts" / "local-pg"), command], env=env, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, f"local-pg {command}: {result.stdout}{result.stderr}"

    def destroy(self) -> None:
        self.local_pg("destroy")
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture()
def throwaway_cluster():
    cluster = ThrowawayCluster()
    yield cluster
    cluster.destroy()
