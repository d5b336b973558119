"""The compose warehouse's first-start script (docker/warehouse-db/initdb/10-ecomm-security.sh), run for real.

The live Docker test is run by hand (README, "Tests"); this runs the same script the way the postgres image's
entrypoint does (as the server's user, against a fresh cluster whose temporary server listens on the socket
only), restarts the server as the image does, and checks what the script promises: TLS on, pgaudit loaded, the
etl login in ecomm_etl able to log in over TLS with its password, and a login over the network without TLS
refused. Also the compose wiring that relies on it, statically.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

from conftest import REPO

SCRIPT = REPO / "docker" / "warehouse-db" / "initdb" / "10-ecomm-security.sh"
BINDIR = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
RUNUSER = shutil.which("runuser") or "/usr/sbin/runuser"


def as_postgres(args, env=None, **kw):
    prefix = [RUNUSER, "-u", "postgres", "--"] if os.getuid() == 0 else []
    return subprocess.run(prefix + [str(a) for a in args], env=env, check=True, text=True,
                          capture_output=True, **kw)


@pytest.fixture()
def cluster():
    top = Path(tempfile.mkdtemp(prefix="ecomm-warehouse-init-"))
    os.chmod(top, 0o755)
    if os.getuid() == 0:
        shutil.chown(top, "postgres")
    data, sock = top / "data", top / "sock"
    as_postgres(["mkdir", sock])
    as_postgres([BINDIR / "initdb", "-D", data, "-U", "ecomm", "--auth=trust", "--encoding=UTF8",
                 "--locale=C.UTF-8"])
    port = 54990 + os.getpid() % 9
    opts = f"-c listen_addresses='' -c unix_socket_directories={sock} -c port={port}"
    as_postgres([BINDIR / "pg_ctl", "-D", data, "-o", opts, "-w", "start", "-l", top / "init.log"])
    yield {"top": top, "data": data, "sock": sock, "port": port}
    try:
        as_postgres([BINDIR / "pg_ctl", "-D", data, "-m", "immediate", "stop"])
    except subprocess.CalledProcessError:
        pass  # already stopped
    shutil.rmtree(top, ignore_errors=True)


def test_first_start_script_gives_tls_pgaudit_and_the_etl_login(cluster):
    data, sock, port = cluster["data"], cluster["sock"], cluster["port"]
    env = {"PATH": f"{BINDIR}:/usr/bin:/bin", "PGDATA": str(data), "PGHOST": str(sock), "PGPORT": str(port),
           "POSTGRES_USER": "ecomm", "POSTGRES_DB": "postgres", "ETL_USER": "etl", "ETL_PASSWORD": "pw-etl-1"}
    as_postgres(["bash", SCRIPT], env=env)
    assert oct((data / "tls" / "server.key").stat().st_mode & 0o777) == "0o600"
    # the image's entrypoint stops the temporary server and starts the real one, listening on the network
    as_postgres([BINDIR / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"])
    opts = f"-c listen_addresses=127.0.0.1 -c unix_socket_directories={sock} -c port={port}"
    as_postgres([BINDIR / "pg_ctl", "-D", data, "-o", opts, "-w", "start", "-l", cluster["top"] / "server.log"])

    def psql(sql, **conn):
        dsn = " ".join(f"{k}={v}" for k, v in conn.items())
        return subprocess.run([BINDIR / "psql", "-X", "-tA", "-d", dsn, "-c", sql], text=True, capture_output=True,
                              env={"PATH": "/usr/bin:/bin"})

    local = dict(host=sock, port=port, user="ecomm", dbname="postgres")
    assert psql("show ssl", **local).stdout.strip() == "on"
    assert "pgaudit" in psql("show shared_preload_libraries", **local).stdout
    member = psql("select pg_has_role('etl', 'ecomm_etl', 'member')", **local)
    assert member.stdout.strip() == "t", member.stderr
    assert psql("select rolsuper from pg_roles where rolname = 'etl'", **local).stdout.strip() == "f"

    tcp = dict(host="127.0.0.1", port=port, user="etl", dbname="postgres", password="pw-etl-1")
    ok = psql("select ssl from pg_stat_ssl where pid = pg_backend_pid()", sslmode="require", **tcp)
    assert ok.returncode == 0 and ok.stdout.strip() == "t", ok.stderr
    plain = psql("select 1", sslmode="disable", **tcp)
    assert plain.returncode != 0 and "no encryption" in plain.stderr
    wrong = psql("select 1", sslmode="require", **{**tcp, "password": "not-it"})
    assert wrong.returncode != 0 and "password authentication failed" in wrong.stderr


def test_compose_runs_the_tasks_as_the_etl_login_over_tls():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    dockerfile = (REPO / "docker" / "warehouse-db" / "Dockerfile").read_text()
    assert "postgresql-15-pgaudit" in dockerfile and "/docker-entrypoint-initdb.d/" in dockerfile
    db_env = services["warehouse-db"]["environment"]
    assert db_env["ETL_USER"] == "${ETL_USER:-etl}" and db_env["ETL_PASSWORD"].startswith("${ETL_PASSWORD:?")
    for name in ("airflow-scheduler", "airflow-apiserver", "airflow-dag-processor"):
        env = services[name]["environment"]
        assert env["PGUSER"] == "${ETL_USER:-etl}", name
        assert env["PGSSLMODE"] == "require", name
    # the schema is migrated by the superuser, not by the etl login
    init = services["airflow-init"]["command"][2]
    assert 'PGUSER="$${WAREHOUSE_USER}" PGPASSWORD="$${WAREHOUSE_PASSWORD}" /opt/ecomm/bin/migrate' in init
    assert services["dashboard"]["environment"]["PGSSLMODE"] == "require"
