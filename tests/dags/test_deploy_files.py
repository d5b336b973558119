"""Static checks of the Docker deployment: compose file, .env.example, Dockerfiles, the in-stack demo.

`make test-docker` (tests/docker/run) builds the images and runs the stack for real, with stand-ins for the
official base images; these checks cover what that run cannot see or would see only as a late failure: the
compose services, images and their official defaults, ports, volumes and health checks; that every command
the stack and the demo run exists (Airflow subcommands and options against the pinned Airflow in .venv, the
project's executables against the CMake task list and the build); that the Dockerfile builds the way CI does
and that the runtime stage carries every shared library the executables link.
"""

from __future__ import annotations

import functools
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import AIRFLOW, REPO, airflow_env

COMPOSE = REPO / "docker-compose.yml"
ENV_EXAMPLE = REPO / ".env.example"
DOCKERFILE = REPO / "Dockerfile"
WAREHOUSE_DOCKERFILE = REPO / "docker" / "warehouse-db" / "Dockerfile"
AIRFLOW_SERVICES = {"airflow-init", "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor"}
OUR_IMAGE = "ecomm-warehouse-airflow:latest"


def bin_dir() -> Path:
    return Path(os.environ.get("ECOMM_BIN_DIR", REPO / "build" / "bin"))


def task_executables() -> set[str]:
    """Every task executable the build makes (CMakeLists.txt: one per tasks/*/main.cpp)."""
    return {p.parent.name for p in (REPO / "tasks").glob("*/main.cpp")}


# the programs that are not DAG nodes (CMakeLists.txt: one per tools/*/main.cpp), installed beside the tasks
TOOL_EXECUTABLES = {p.parent.name for p in (REPO / "tools").glob("*/main.cpp")}


def pinned_airflow() -> str:
    text = (REPO / "requirements-airflow.txt").read_text()
    return re.search(r"^apache-airflow==(\S+)$", text, re.M).group(1)


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f".env.example: not KEY=VALUE: {line!r}"
            values[key.strip()] = value.strip()
    return values


def test_compose_services_and_images(compose):
    services = compose["services"]
    assert set(services) == {"warehouse-db", "airflow-db", "pgadmin", "dashboard"} | AIRFLOW_SERVICES
    for name in AIRFLOW_SERVICES:
        assert services[name]["image"] == OUR_IMAGE
        # built once, by the init service; the others run its image (parallel builds of one tag would clash)
        assert ("build" in services[name]) == (name == "airflow-init"), name
        assert services[name]["environment"]["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
        assert services[name]["environment"]["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == \
            "http://airflow-apiserver:8080/execution/"
    # the base images are variables whose defaults are the official images
    build = services["airflow-init"]["build"]
    assert build["context"] == "."
    assert build["args"] == {"AIRFLOW_IMAGE": f"${{AIRFLOW_IMAGE:-apache/airflow:{pinned_airflow()}}}",
                             "DEBIAN_IMAGE": "${DEBIAN_IMAGE:-debian:12}"}
    assert services["warehouse-db"]["image"] == "ecomm-warehouse-db:latest"
    assert services["warehouse-db"]["build"] == {"context": "docker/warehouse-db",
                                                 "args": {"POSTGRES_IMAGE": "${POSTGRES_IMAGE:-postgres:15-bookworm}"}}
    assert services["airflow-db"]["image"] == "${POSTGRES_IMAGE:-postgres:15-bookworm}"
    assert services["pgadmin"]["image"].startswith("dpage/pgadmin4:")
    # the metadata database is not the warehouse
    assert "@airflow-db:" in services["airflow-scheduler"]["environment"]["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert services["airflow-scheduler"]["environment"]["PGHOST"] == "warehouse-db"


def test_compose_ports(compose):
    published = {}
    for name, service in compose["services"].items():
        for mapping in service.get("ports", []):
            host, _, container = mapping.rpartition(":")
            default = re.fullmatch(r"\$\{\w+:-(\d+)\}", host)
            published[name] = (int(default.group(1)) if default else int(host), int(container))
    assert published == {"airflow-apiserver": (8080, 8080), "warehouse-db": (5432, 5432), "pgadmin": (5050, 80),
                         "dashboard": (5000, 5000)}


def test_compose_dashboard_service(compose):
    """The dashboard: our image, serve_dashboard (built, and installed where the entrypoint says) on 0.0.0.0:5000,
    healthy when /healthz is, started once the warehouse is up and migrated."""
    dashboard = compose["services"]["dashboard"]
    assert dashboard["image"] == OUR_IMAGE and "build" not in dashboard  # airflow-init builds the image
    assert dashboard["entrypoint"] == ["/opt/ecomm/bin/serve_dashboard"]
    assert os.access(bin_dir() / "serve_dashboard", os.X_OK), f"serve_dashboard not built in {bin_dir()}"
    command = dashboard["command"]
    assert command[command.index("--listen") + 1] == "0.0.0.0" and command[command.index("--port") + 1] == "5000"
    assert dashboard["healthcheck"]["test"][-1] == "http://localhost:5000/healthz"
    assert dashboard["environment"]["PGHOST"] == "warehouse-db"
    assert dashboard["depends_on"]["warehouse-db"]["condition"] == "service_healthy"
    assert dashboard["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully"
    help_text = subprocess.run([str(bin_dir() / "serve_dashboard"), "--help"], capture_output=True, text=True)
    assert help_text.returncode == 0
    for option in command[::2]:
        assert option in help_text.stdout, f"serve_dashboard has no {option}"


def test_compose_health_checks_and_start_order(compose):
    services = compose["services"]
    for name, service in services.items():
        if name != "airflow-init":
            assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
    for name in AIRFLOW_SERVICES:
        depends = services[name]["depends_on"]
        assert depends["airflow-db"]["condition"] == "service_healthy"
        assert depends["warehouse-db"]["condition"] == "service_healthy"
        if name != "airflow-init":
            assert depends["airflow-init"]["condition"] == "service_completed_successfully"
    assert services["airflow-scheduler"]["environment"]["AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"] == "true"
    # the databases' checks go over TCP: the postgres image's temporary init server answers on the socket only
    for name in ("warehouse-db", "airflow-db"):
        assert "pg_isready -h 127.0.0.1 " in services[name]["healthcheck"]["test"][1], name


def test_compose_airflow_services_share_their_keys(compose):
    """One api secret key (the UI's log fetch from a worker), one JWT secret, one Fernet key, from .env."""
    for key in ("AIRFLOW__API__SECRET_KEY", "AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__CORE__FERNET_KEY"):
        values = {compose["services"][name]["environment"][key] for name in AIRFLOW_SERVICES}
        assert len(values) == 1 and next(iter(values)).startswith("${"), (key, values)


def test_compose_volumes(compose):
    named = set(compose["volumes"])
    used = set()
    data_source = "${ECOMM_DATA_HOST_DIR:-./data}"
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            if volume.startswith(data_source + ":"):
                source, target = "./data", volume[len(data_source) + 1:].split(":")[0]
            else:
                source, target = volume.split(":")[:2]
            if source.startswith("."):
                assert (REPO / source).resolve().is_relative_to(REPO), volume
            else:
                used.add(source)
    assert used == named  # every named volume declared is used, and the other way round
    mounts = {v.split(":")[1] for v in compose["services"]["warehouse-db"]["volumes"]}
    assert "/var/lib/postgresql/data" in mounts
    airflow_mounts = {v.rsplit(":", 2)[0] if v.endswith(":ro") else v.rsplit(":", 1)[0]:
                      v.split(":")[-2] if v.endswith(":ro") else v.split(":")[-1]
                      for v in compose["services"]["airflow-scheduler"]["volumes"]}
    assert airflow_mounts["./dags"] == "/opt/airflow/dags"
    assert airflow_mounts[data_source] == compose["services"]["airflow-scheduler"]["environment"]["ECOMM_DATA_DIR"]


def test_env_example_covers_compose_and_holds_no_secrets(env_example):
    text = COMPOSE.read_text()
    referenced = set(re.findall(r"(?<!\$)\$\{(\w+)", text))
    required = set(re.findall(r"(?<!\$)\$\{(\w+):\?", text))
    assert referenced <= set(env_example), f"not in .env.example: {sorted(referenced - set(env_example))}"
    assert required, "the passwords must be required from .env, not defaulted in the compose file"
    for key, value in env_example.items():
        if re.search(r"PASSWORD|SECRET|FERNET|KEY|TOKEN", key):
            assert value == "" or value.startswith("dev-only-change-me"), f"{key} in .env.example looks like a secret"
    # the filled-in .env is never committed
    tracked = subprocess.run(["git", "ls-files", ".env"], cwd=REPO, capture_output=True, text=True).stdout
    assert tracked.strip() == ""
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=REPO)
    assert ignored.returncode == 0, ".env must be git-ignored"


def test_no_secret_is_hard_coded(compose):
    for name, service in compose["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if re.search(r"(PASSWORD|SECRET|FERNET_KEY)$", key) or "SQL_ALCHEMY_CONN" in key:
                assert "${" in str(value), f"{name}: {key} is hard-coded"


@functools.cache
def airflow_help(*group: str) -> str:
    result = subprocess.run([AIRFLOW, *group, "--help"], env=airflow_env(), capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def airflow_subcommand_exists(args: list[str]) -> bool:
    """`airflow A` or `airflow A B` is a command of the pinned Airflow (read from its --help)."""
    listed = lambda text, name: re.search(rf"^\s+{re.escape(name)}\s", text, re.M) is not None  # noqa: E731
    if not listed(airflow_help(), args[0]):
        return False
    return len(args) < 2 or args[1].startswith("-") or listed(airflow_help(args[0]), args[1])


def test_every_command_the_stack_runs_exists(compose):
    services = compose["services"]
    # the long-running services: an Airflow subcommand through the image's entrypoint
    for name in AIRFLOW_SERVICES - {"airflow-init"}:
        command = services[name]["command"]
        assert airflow_subcommand_exists(shlex.split(command)), f"{name}: `airflow {command}` does not exist"
    # the init script runs through the image's entrypoint (which waits for the metadata database), as root so
    # it can hand the landing folder Docker created as root to the Airflow uid
    init = services["airflow-init"]
    assert "entrypoint" not in init and init["command"][:2] == ["bash", "-c"]
    assert init["user"] == "0:0"
    script = init["command"][2]
    assert re.search(r'^chown "\$\$\{AIRFLOW_UID\}:0" /opt/ecomm/data ', script, re.M)
    assert "psycopg2.connect(" in script  # waits for the warehouse, bounded
    executables = set(re.findall(r"/opt/ecomm/bin/(\w+)", script))
    assert executables == {"migrate"}
    assert executables <= TOOL_EXECUTABLES
    missing = [e for e in executables if not os.access(bin_dir() / e, os.X_OK)]
    assert not missing, f"not built in {bin_dir()}: {missing}"
    for line in script.splitlines():
        words = shlex.split(line.replace("\\", "")) if line.strip() else []
        if words and words[0] == "airflow":
            assert airflow_subcommand_exists(words[1:3]), line
    # health checks that call Airflow
    dag_processor_check = services["airflow-dag-processor"]["healthcheck"]["test"][1]
    assert dag_processor_check.startswith("airflow jobs check --job-type DagProcessorJob")
    assert "DagProcessorJob" in airflow_help("jobs", "check")
    assert not airflow_subcommand_exists(["no-such-command"])  # the check can fail


def test_the_demo_runs_only_commands_that_exist():
    """scripts/docker-demo: generate_data's options (read from its --help), the Airflow subcommands and options."""
    demo = (REPO / "scripts" / "docker-demo").read_text()
    generate = re.search(r"in_stack generate_data (.*?)\n(?!\s)", demo, re.S).group(1)
    help_text = subprocess.run([str(bin_dir() / "generate_data"), "--help"], capture_output=True, text=True,
                               check=True).stdout
    for option in re.findall(r"(--[a-z-]+)", generate):
        assert re.search(rf"^\s+{option}\b", help_text, re.M), f"generate_data has no {option}"
    backfill = re.search(r"in_stack airflow backfill create (.*?)\n(?!\s)", demo, re.S).group(1)
    backfill_help = airflow_help("backfill", "create")
    for option in re.findall(r"(--[a-z-]+)", backfill):
        assert option in backfill_help, f"airflow backfill create has no {option}"
    assert airflow_subcommand_exists(["dags", "unpause"])


def dockerfile_stages(path: Path) -> list[tuple[str, str]]:
    """(base image with its ARG default substituted, stage name) per FROM."""
    text = path.read_text()
    args = dict(re.findall(r"^ARG (\w+)=(\S+)$", text, re.M))
    stages = re.findall(r"^FROM\s+\$\{(\w+)\}(?:\s+AS\s+(\w+))?", text, re.M)
    assert len(stages) == len(re.findall(r"^FROM ", text, re.M)), f"{path}: a base image is not an ARG"
    return [(args[arg], name) for arg, name in stages]


def test_dockerfile_builds_like_ci():
    text = DOCKERFILE.read_text()
    stages = dockerfile_stages(DOCKERFILE)
    assert stages[0] == ("debian:12", "build")
    assert stages[1] == (f"apache/airflow:{pinned_airflow()}", "runtime")
    assert dockerfile_stages(WAREHOUSE_DOCKERFILE) == [("postgres:15-bookworm", "")]
    assert re.search(r"^RUN scripts/install-deps\b", text, re.M)
    assert re.search(r"/tmp/install-deps --runtime", text)
    # the Makefile's configure flags and build command
    makefile = (REPO / "Makefile").read_text()
    configure = re.search(r"cmake -S \. -B \$\(BUILD\) (.*)", makefile).group(1).strip()
    assert f"cmake -S . -B build {configure}" in text
    assert "cmake --build build" in text
    assert "cmake --install build --prefix /opt/ecomm" in text
    assert "COPY --from=build /opt/ecomm /opt/ecomm" in text
    assert "COPY --chown=airflow:root dags/ /opt/airflow/dags/" in text
    # where CMake installs (CMakeLists.txt) is where the image's environment points
    cmake = (REPO / "CMakeLists.txt").read_text()
    assert re.search(r"install\(TARGETS .* RUNTIME DESTINATION bin\)", cmake)
    assert "install(DIRECTORY sql/ DESTINATION share/ecomm/sql)" in cmake
    assert "ECOMM_BIN_DIR=/opt/ecomm/bin" in text
    assert "ECOMM_SQL_DIR=/opt/ecomm/share/ecomm/sql" in text
    # the build context leaves out local builds, the venv, data and secrets
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {"build", "build-*", ".venv", ".local", "data", ".env", ".git"} <= set(ignored)


def test_checkouts_keep_lf_line_endings():
    """A Windows checkout must not turn the scripts' shebangs into `bash\\r` (the image runs them)."""
    for path in ("scripts/install-deps", "tests/docker/postgres/docker-entrypoint.sh", "tests/docker/airflow/entrypoint"):
        result = subprocess.run(["git", "check-attr", "eol", "--", path], cwd=REPO, capture_output=True, text=True,
                                check=True)
        assert result.stdout.strip().endswith("eol: lf"), result.stdout


def runtime_packages() -> set[str]:
    text = (REPO / "scripts" / "install-deps").read_text()
    block = re.search(r'--runtime.*?packages=\(([^)]*)\)', text, re.S).group(1)
    return set(block.split())


def test_runtime_stage_carries_every_library_the_executables_link():
    """Each shared library an executable links (ELF NEEDED) comes from a package of install-deps --runtime,
    or from the C/C++ runtime every Debian 12 image (the Airflow image included) has."""
    base = {"libc6", "libstdc++6", "libgcc-s1"}
    allowed = runtime_packages() | base
    wanted = task_executables() | TOOL_EXECUTABLES
    executables = sorted(e for e in wanted if (bin_dir() / e).exists())
    assert set(executables) == wanted, f"not built in {bin_dir()}: {sorted(wanted - set(executables))}"
    assert shutil.which("readelf") and shutil.which("dpkg")
    needed = set()
    for exe in executables:
        dynamic = subprocess.run(["readelf", "-d", str(bin_dir() / exe)], capture_output=True, text=True,
                                 check=True).stdout
        needed.update(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", dynamic))
    packages = {}
    for soname in sorted(needed):
        found = subprocess.run(["dpkg", "-S", f"*/{soname}"], capture_output=True, text=True)
        assert found.returncode == 0, f"no Debian package owns {soname}"
        packages[soname] = {line.split(":")[0] for line in found.stdout.splitlines()}
    missing = {so: pkgs for so, pkgs in packages.items() if not pkgs & allowed}
    assert not missing, f"libraries not installed by `install-deps --runtime`: {missing}"


def test_install_layout_is_what_the_image_expects(tmp_path):
    """`cmake --install` (the Dockerfile's last build step) of the tested build puts every executable in
    bin/ and the SQL in share/ecomm/sql, and the installed `migrate` migrates a fresh database from there with
    ECOMM_SQL_DIR set as the image sets it (the source tree's sql/ is not used)."""
    from conftest import Warehouse

    build = bin_dir().parent
    assert (build / "CMakeCache.txt").exists(), f"{build} is not a CMake build folder"
    prefix = tmp_path / "opt-ecomm"
    result = subprocess.run(["cmake", "--install", str(build), "--prefix", str(prefix)], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    installed = {p.name for p in (prefix / "bin").iterdir()}
    assert installed == task_executables() | TOOL_EXECUTABLES
    # the dashboard's pages beside the SQL, where the installed serve_dashboard looks for them
    pages = prefix / "share" / "ecomm" / "dashboard"
    assert {p.name for p in pages.iterdir()} >= {"index.html", "business.html", "dashboard.js", "dashboard.css"}
    sql = prefix / "share" / "ecomm" / "sql"
    assert sorted(p.name for p in (sql / "migrations").glob("*.sql")) == \
        sorted(p.name for p in (REPO / "sql" / "migrations").glob("*.sql"))
    warehouse = Warehouse("install", migrate=False)  # migrated below by the installed migrate
    try:
        result = subprocess.run([str(prefix / "bin" / "migrate"), "--log-format", "text"],
                                env=airflow_env(**warehouse.env(), ECOMM_SQL_DIR=str(sql)), capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        for relation in ("audit.task_runs", "marts.daily_sales", "warehouse.fact_orders"):
            assert warehouse.query(f"select to_regclass('{relation}') is not null").strip() == "t", relation
        assert_installed_dashboard_serves(prefix, sql, warehouse)
    finally:
        warehouse.drop()


def assert_installed_dashboard_serves(prefix: Path, sql: Path, warehouse) -> None:
    """The installed serve_dashboard, started from outside the source tree, finds its pages (relative to its
    executable), its queries (ECOMM_SQL_DIR) and Chart.js, and answers."""
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([str(prefix / "bin" / "serve_dashboard"), "--port", str(port)], cwd=prefix,
                              env=airflow_env(**warehouse.env(), ECOMM_SQL_DIR=str(sql)),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                pages = {path: urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5).read()
                         for path in ("/", "/business", "/static/dashboard.js", "/vendor/chart.min.js",
                                      "/api/overview", "/healthz")}
                break
            except OSError:
                assert server.poll() is None, f"serve_dashboard exited: {server.stdout.read()}"
                assert time.monotonic() < deadline, "the installed serve_dashboard did not answer"
                time.sleep(0.2)
        assert b"Pipeline health" in pages["/"] and b"Chart" in pages["/vendor/chart.min.js"]
    finally:
        server.terminate()
        server.wait(timeout=10)
    log = server.stdout.read()
    assert str(prefix / "share" / "ecomm" / "dashboard") in log, log
