"""The daily warehouse load: one BashOperator per task executable, in the order the data flows."""

from __future__ import annotations

import re
import shlex
from datetime import date, datetime, timedelta, timezone

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG, Connection, CronDataIntervalTimetable, Param, TriggerRule, chain, cross_downstream
from airflow.sdk.exceptions import AirflowFailException, AirflowNotFoundException, AirflowSkipException

DAG_ID = "ecomm_warehouse_daily"
WAREHOUSE_CONN_ID = "ecomm_warehouse"

FEEDS = ("orders", "events", "products", "customers")
DIMENSIONS = ("load_dim_date", "load_dim_product", "load_dim_customer")
FACTS = ("load_fact_orders", "load_fact_events")

# Exit codes of the task executables (common/exit_codes.hpp). 0 done and 1 retry need nothing here.
EXIT_SKIPPED = 99
# Retrying these cannot help: bad usage or configuration (2), a blocking data-quality failure (3),
# an executable that cannot run or is missing (126, 127). They fail the task at once.
EXIT_NOT_RETRYABLE = {2: "bad usage or configuration", 3: "blocking data-quality failure",
                      126: "executable cannot run", 127: "executable not found"}

# Wall-clock limit of one attempt; on timeout Airflow sends SIGTERM, the task rolls back and exits 1.
EXECUTION_TIMEOUT = {
    "extract": timedelta(minutes=20),
    "transform": timedelta(minutes=30),
    "dq_checks": timedelta(minutes=15),
    "load_dim": timedelta(minutes=20),
    "load_fact": timedelta(minutes=30),
    "compute_daily_metrics": timedelta(minutes=20),
    "apply_retention": timedelta(minutes=30),
}

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def processing_date(params, dag_run) -> str:
    """The UTC day a run loads, as YYYY-MM-DD (see the rule in the DAG's doc_md)."""
    override = (params or {}).get("date")
    if override:
        if not _DATE.fullmatch(str(override)):
            raise ValueError(f"params.date must be YYYY-MM-DD, got {override!r}")
        date.fromisoformat(str(override))  # rejects 2025-02-30
        return str(override)
    if dag_run.logical_date is not None:
        return dag_run.logical_date.astimezone(timezone.utc).date().isoformat()
    return (dag_run.run_after.astimezone(timezone.utc).date() - timedelta(days=1)).isoformat()


def warehouse_pg_env() -> dict[str, str]:
    """libpq variables from the Airflow connection `ecomm_warehouse`; empty when it is not defined."""
    try:
        conn = Connection.get(WAREHOUSE_CONN_ID)
    except AirflowNotFoundException:
        return {}
    env = {"PGHOST": conn.host, "PGPORT": conn.port, "PGUSER": conn.login,
           "PGPASSWORD": conn.password, "PGDATABASE": conn.schema}
    extra = conn.extra_dejson
    if extra.get("sslmode"):
        env["PGSSLMODE"] = extra["sslmode"]
    return {k: str(v) for k, v in env.items() if v not in (None, "")}


class WarehouseTaskOperator(BashOperator):
    """Runs one task executable: exit 99 skips, 2/3 fail without retry, the database comes from env.

    The password reaches the executable through its environment (PGPASSWORD), never its command line.
    """

    def get_env(self, context) -> dict:
        env = super().get_env(context)  # the worker's whole environment (no `env` given), plus Airflow's

        env.update(warehouse_pg_env())
        env.setdefault("PGCONNECT_TIMEOUT", "10")
        return env

    def execute(self, context):
        try:
            return super().execute(context)
        except (AirflowSkipException, AirflowFailException):
            raise
        except Exception:
            process = self.subprocess_hook.sub_process
            code = process.returncode if process is not None else None
            if code in EXIT_NOT_RETRYABLE:
                raise AirflowFailException(
                    f"{self.task_id} exited {code} ({EXIT_NOT_RETRYABLE[code]}): not retried"
                ) from None
            raise


def task_command(executable: str) -> str:
    # Paths come from the worker's environment at run time (Docker: /opt/ecomm/...; `make airflow`:
    # build/bin and data). `exec` makes the executable the process Airflow signals on timeout or kill.
    return (
        f'exec "${{ECOMM_BIN_DIR:-/opt/ecomm/bin}}/{executable}"'
        " --date {{ processing_date(params, dag_run) }}"
        ' --data-dir "${ECOMM_DATA_DIR:-/opt/ecomm/data}"'
        " --run-id {{ run_id | shell_quote }}"
        ' --log-format "${ECOMM_LOG_FORMAT:-text}"'
    )


def warehouse_task(executable: str, timeout_key: str, trigger_rule: str = TriggerRule.ALL_SUCCESS):
    return WarehouseTaskOperator(
        task_id=executable,
        bash_command=task_command(executable),
        skip_on_exit_code=EXIT_SKIPPED,
        do_xcom_push=False,  # the last log line is not a result
        execution_timeout=EXECUTION_TIMEOUT[timeout_key],
        trigger_rule=trigger_rule,
    )


DOC_MD = """
### E-commerce warehouse: daily load

**Which day a run loads** (passed to every task as `--date`), first rule that applies:
1. `params.date` (`YYYY-MM-DD`), set in the trigger form or with `--conf '{"date": "2025-12-13"}'`;
2. the run's logical date: a scheduled run fires at 02:00 UTC and its logical date is the start of its
   data interval (`CronDataIntervalTimetable`), so the run of 2025-12-14 02:00 loads **2025-12-13**, the
   previous day's drop. Backfills and `airflow dags test DAG_ID 2025-12-13` load the date they name;
3. a manual trigger without a logical date: the UTC day before the moment it was triggered.

**Graph**: the four extracts in parallel, each feeding its transform; all transforms -> `dq_checks` ->
the three dimension loads -> the two fact loads -> `compute_daily_metrics` -> `apply_retention`.

**No products drop** (normal except on catalogue days): `extract_products` exits 99 and is *skipped*;
`transform_products` (trigger rule `all_success`) is then skipped by Airflow too; everything from
`dq_checks` on uses `none_failed`, so it runs after skipped upstreams but not after failed ones.

**Failures**: exit 1 is retried (2 retries, 5 minutes apart); exit 2 (usage) and 3 (blocking data quality)
fail at once. Every task gets `--run-id` (the Airflow run id) for the audit trail. The database comes from
the Airflow connection `ecomm_warehouse` when it exists, else from the workers' `PG*` environment.

Backfill of the days 2025-12-13 … 2025-12-19 (the bounds are logical dates, so `--to-date` is the day after):
`airflow backfill create --dag-id ecomm_warehouse_daily --from-date 2025-12-13 --to-date 2025-12-20`.
More in docs/ORCHESTRATION.md.
"""

with DAG(
    dag_id=DAG_ID,
    description="Daily e-commerce warehouse load: extract, transform, check, load, compute",
    schedule=CronDataIntervalTimetable("0 2 * * *", timezone="UTC"),
    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,  # dimensions are built day after day: one day at a time, backfills in date order
    dagrun_timeout=timedelta(hours=6),
    default_args={
        "owner": "data-platform",
        "retries": 2,
        "retry_delay": timedelta(minutes=5),
    },
    params={
        "date": Param(
            None,
            type=["null", "string"],
            format="date",
            description="Load this UTC day (YYYY-MM-DD) instead of the one the run's dates imply",
        ),
    },
    user_defined_macros={"processing_date": processing_date},
    user_defined_filters={"shell_quote": lambda value: shlex.quote(str(value))},
    doc_md=DOC_MD,
    tags=["ecomm", "warehouse"],
) as dag:
    extracts = [warehouse_task(f"extract_{feed}", "extract") for feed in FEEDS]
    transforms = [warehouse_task(f"transform_{feed}", "transform") for feed in FEEDS]
    dq_checks = warehouse_task("dq_checks", "dq_checks", TriggerRule.NONE_FAILED)
    dimensions = [warehouse_task(name, "load_dim", TriggerRule.NONE_FAILED) for name in DIMENSIONS]
    facts = [warehouse_task(name, "load_fact", TriggerRule.NONE_FAILED) for name in FACTS]
    compute_daily_metrics = warehouse_task("compute_daily_metrics", "compute_daily_metrics",
                                           TriggerRule.NONE_FAILED)

    chain(extracts, transforms)  # extract_X -> transform_X, pairwise
    for transform in transforms:
        transform >> dq_checks
    dq_checks >> dimensions
    cross_downstream(dimensions, facts)
    facts >> compute_daily_metrics
    # last: personal data past its retention period (sql/retention.json) is erased or redacted
    compute_daily_metrics >> warehouse_task("apply_retention", "apply_retention", TriggerRule.NONE_FAILED)
