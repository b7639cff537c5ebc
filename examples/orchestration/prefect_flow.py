"""A Prefect flow: compare a batch with the reference; a drifted batch fails the run.

``pip install prefect watchkeeper``, then ``python prefect_flow.py REFERENCE CURRENT``
or deploy ``churn_drift`` on a schedule. The work is ``watchkeeper_job.check_batch``.
"""

from __future__ import annotations

import sys
from typing import Any

from prefect import flow, task
from watchkeeper_job import check_batch


@task(retries=1, retry_delay_seconds=60)
def check(reference: str, current: str, out_dir: str) -> dict[str, Any]:
    return check_batch(reference, current, out_dir)


@flow(name="churn-drift")
def churn_drift(reference: str, current: str, out_dir: str = "reports") -> dict[str, Any]:
    return check(reference, current, out_dir)


if __name__ == "__main__":
    print(churn_drift(sys.argv[1], sys.argv[2]))
