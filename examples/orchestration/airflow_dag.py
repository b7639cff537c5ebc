"""An Airflow DAG: every day, compare that day's scored batch with the reference.

Copy this file and ``watchkeeper_job.py`` into the DAGs folder; the workers need
``pip install watchkeeper`` (and ``watchkeeper[remote]`` for URLs other than s3/gs/abfs).
A drifted batch fails the task, so Airflow's own retries, e-mails and callbacks apply.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.decorators import dag, task

REFERENCE = "s3://models/churn/reference.parquet"
BATCHES = "s3://models/churn/scored/{ds}.parquet"
REPORTS = "/opt/airflow/reports/churn/{ds}"


@dag(
    schedule="@daily",
    start_date=datetime(2026, 11, 1),
    catchup=False,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=10)},
    tags=["watchkeeper", "monitoring"],
)
def churn_drift() -> None:
    @task
    def check(ds: str | None = None) -> dict[str, object]:
        from watchkeeper_job import check_batch

        return check_batch(REFERENCE, BATCHES.format(ds=ds), REPORTS.format(ds=ds))

    check()


churn_drift()
