"""The DAG as Airflow loads it: imports, graph, schedule, retries, timeouts, trigger rules, commands."""

from __future__ import annotations

import ast
import re
import shlex
import sys
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from conftest import DAG_ID, DAGS, REPO

FEEDS = ["orders", "events", "products", "customers"]
DIMENSIONS = ["load_dim_date", "load_dim_product", "load_dim_customer"]
FACTS = ["load_fact_orders", "load_fact_events"]
TASKS = (
    [f"extract_{f}" for f in FEEDS]
    + [f"transform_{f}" for f in FEEDS]
    + ["dq_checks"] + DIMENSIONS + FACTS + ["compute_daily_metrics", "apply_retention"]
)
ON_DEMAND = {"reprocess_quarantine", "erase_user"}  # tasks/ executables run by hand, not DAG nodes

EXPECTED_UPSTREAM = {
    **{f"extract_{f}": set() for f in FEEDS},
    **{f"transform_{f}": {f"extract_{f}"} for f in FEEDS},
    "dq_checks": {f"transform_{f}" for f in FEEDS},
    **{d: {"dq_checks"} for d in DIMENSIONS},
    **{f: set(DIMENSIONS) for f in FACTS},
    "compute_daily_metrics": set(FACTS),
    "apply_retention": {"compute_daily_metrics"},
}


def dag_module():
    from airflow.sdk import DAG  # noqa: F401  (airflow configured by conftest first)

    sys.path.insert(0, str(DAGS))
    try:
        import ecomm_warehouse_daily
    finally:
        sys.path.remove(str(DAGS))
    return ecomm_warehouse_daily


def test_dag_folder_imports_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {DAG_ID}


def test_dag_file_imports_only_airflow_and_stdlib():
    tree = ast.parse((DAGS / f"{DAG_ID}.py").read_text())
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            modules.add(node.module.split(".")[0])
    foreign = {m for m in modules if m not in sys.stdlib_module_names and m not in {"airflow", "__future__"}}
    assert foreign == set()


def test_one_task_per_executable(dag):
    assert sorted(dag.task_ids) == sorted(TASKS)
    # every task folder the build turns into an executable (CMake globs tasks/*/main.cpp) is in the DAG;
    # migrate and generate_data are tools/, not tasks/
    built = {p.parent.name for p in (REPO / "tasks").glob("*/main.cpp")} - ON_DEMAND
    assert built <= set(dag.task_ids), f"executables with no DAG task: {sorted(built - set(dag.task_ids))}"


def test_run_day_runs_the_dags_tasks_in_an_order_the_graph_allows(dag):
    # scripts/run-day (a whole day without Airflow) and the dashboard's tests take the night's task list from it
    text = (REPO / "scripts" / "run-day").read_text()
    listed = re.search(r"^tasks=\((.*?)^\)", text, re.M | re.S).group(1).split()
    assert sorted(listed) == sorted(dag.task_ids)
    position = {task: i for i, task in enumerate(listed)}
    for t in dag.tasks:
        for up in t.upstream_task_ids:
            assert position[up] < position[t.task_id], f"run-day runs {t.task_id} before its upstream {up}"


def test_graph(dag):
    upstream = {t.task_id: set(t.upstream_task_ids) for t in dag.tasks}
    assert upstream == EXPECTED_UPSTREAM


def test_retries_and_timeouts(dag):
    for task in dag.tasks:
        assert task.retries == 2, task.task_id
        assert task.retry_delay == timedelta(minutes=5), task.task_id
        assert task.execution_timeout is not None, task.task_id
        assert timedelta(minutes=1) <= task.execution_timeout <= timedelta(hours=1), task.task_id


def test_trigger_rules(dag):
    # extract -> transform keep all_success: a skipped extract (no drop) skips its transform;
    # everything after the transforms runs when upstreams succeeded or were skipped, never after a failure
    for task in dag.tasks:
        expected = "all_success" if task.task_id.startswith(("extract_", "transform_")) else "none_failed"
        assert task.trigger_rule == expected, task.task_id


def test_dag_settings(dag):
    from airflow.serialization.encoders import coerce_to_core_timetable

    assert dag.max_active_runs == 1
    assert dag.catchup is False
    timetable = coerce_to_core_timetable(dag.timetable)
    assert type(timetable).__name__ == "CronDataIntervalTimetable"
    assert timetable.summary == "0 2 * * *"
    assert str(timetable._timezone) == "UTC"
    assert "date" in dag.params
    assert dag.doc_md and "Which day a run loads" in dag.doc_md


def test_scheduled_run_processes_the_previous_day(dag):
    import pendulum
    from airflow.serialization.encoders import coerce_to_core_timetable
    from airflow.timetables.base import DataInterval, TimeRestriction

    timetable = coerce_to_core_timetable(dag.timetable)
    previous = DataInterval(pendulum.datetime(2025, 12, 12, 2, tz="UTC"), pendulum.datetime(2025, 12, 13, 2, tz="UTC"))
    info = timetable.next_dagrun_info(last_automated_data_interval=previous,
                                      restriction=TimeRestriction(earliest=None, latest=None, catchup=True))
    assert info.run_after == pendulum.datetime(2025, 12, 14, 2, tz="UTC")  # fires 02:00 UTC
    run = SimpleNamespace(logical_date=info.logical_date, run_after=info.run_after)
    assert dag_module().processing_date({}, run) == "2025-12-13"


def test_processing_date_rules():
    processing_date = dag_module().processing_date
    utc = timezone.utc
    triggered = datetime(2025, 12, 20, 0, 30, tzinfo=utc)
    # 1. params.date wins
    run = SimpleNamespace(logical_date=datetime(2025, 12, 14, tzinfo=utc), run_after=triggered)
    assert processing_date({"date": "2025-12-01"}, run) == "2025-12-01"
    # 2. the logical date's UTC day (manual runs with a logical date, backfills, `dags test`)
    assert processing_date({"date": None}, run) == "2025-12-14"
    assert processing_date({}, SimpleNamespace(logical_date=datetime(2025, 12, 14, 23, 30, tzinfo=timezone(
        timedelta(hours=-5))), run_after=triggered)) == "2025-12-15"
    # 3. a manual trigger with no logical date: the UTC day before the trigger
    assert processing_date({}, SimpleNamespace(logical_date=None, run_after=triggered)) == "2025-12-19"
    # a date that could inject shell text, or is no date at all, fails the render
    for bad in ["2025-12-01; rm -rf /", "2025-02-30", "yesterday"]:
        with pytest.raises(ValueError):
            processing_date({"date": bad}, run)


def test_bash_commands(dag):
    for task in dag.tasks:
        command = task.bash_command
        assert f'"${{ECOMM_BIN_DIR:-/opt/ecomm/bin}}/{task.task_id}"' in command
        assert "--run-id {{ run_id" in command, task.task_id
        assert "--date {{ processing_date(params, dag_run) }}" in command
        assert "--data-dir" in command and "--log-format" in command
        assert "--dsn" not in command and "password" not in command.lower()  # the database comes from env
        assert list(task.skip_on_exit_code) == [99]
        assert task.env is None  # inherit the worker's environment (PATH, PG*, ECOMM_*)


def test_rendered_command_is_safe_for_any_run_id(dag):
    """The rendered command parses back into exactly the intended arguments, whatever the run id holds."""
    task = dag.get_task("load_fact_orders")
    run_id = "manual__2025-12-14T02:00:00+00:00 it's $(odd)"
    context = {
        "params": {"date": None},
        "run_id": run_id,
        "dag_run": SimpleNamespace(logical_date=datetime(2025, 12, 13, 2, tzinfo=timezone.utc),
                                   run_after=datetime(2025, 12, 14, 2, tzinfo=timezone.utc)),
    }
    rendered = dag.get_template_env().from_string(task.bash_command).render(**context)
    argv = shlex.split(rendered.removeprefix("exec "))
    assert argv[argv.index("--date") + 1] == "2025-12-13"
    assert argv[argv.index("--run-id") + 1] == run_id


@pytest.mark.parametrize(
    "code, outcome",
    [(0, None), (1, "retry"), (2, "fail"), (3, "fail"), (99, "skip"), (127, "fail")],
)
def test_exit_codes_map_to_task_outcomes(code, outcome):
    """0 done, 99 skipped, 1 retried, 2/3 (and a missing executable) failed without retry."""
    from airflow.sdk.exceptions import AirflowException, AirflowFailException, AirflowSkipException

    operator = dag_module().WarehouseTaskOperator(task_id=f"exit_{code}", bash_command=f"exit {code}",
                                                  skip_on_exit_code=99)
    if outcome is None:
        operator.execute({})
        return
    expected = {"retry": AirflowException, "fail": AirflowFailException, "skip": AirflowSkipException}[outcome]
    with pytest.raises(expected) as raised:
        operator.execute({})
    if outcome == "retry":
        assert not isinstance(raised.value, (AirflowFailException, AirflowSkipException))


def test_backfill_creates_one_run_per_drop_day():
    """`airflow backfill create --from-date D1 --to-date <day after Dn>` plans one run per day D1..Dn, each
    loading its own day (the logical date's day), as docs/ORCHESTRATION.md says."""
    import re
    import subprocess

    from conftest import AIRFLOW, airflow_env

    env = airflow_env()
    subprocess.run([AIRFLOW, "dags", "reserialize"], env=env, check=True, capture_output=True, timeout=300)
    result = subprocess.run([AIRFLOW, "backfill", "create", "--dag-id", DAG_ID, "--from-date", "2025-12-13",
                             "--to-date", "2025-12-17", "--dry-run"], env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    planned = re.findall(r"^\|\s*(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\+00:00)", result.stdout, re.M)
    logical = [datetime.fromisoformat(p) for p in planned]
    assert [d.isoformat() for d in logical] == [f"2025-12-{d}T02:00:00+00:00" for d in (13, 14, 15, 16)]
    processing_date = dag_module().processing_date
    assert [processing_date({}, SimpleNamespace(logical_date=d, run_after=d + timedelta(days=1)))
            for d in logical] == ["2025-12-13", "2025-12-14", "2025-12-15", "2025-12-16"]
