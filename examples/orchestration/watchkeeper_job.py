"""The work an orchestrator runs: compare a batch with the reference, keep the reports,
fail the run on dataset drift. Plain Python, shared by the Airflow DAG and the Prefect
flow beside it (and run as it is by tests/test_orchestration_examples.py).

Paths may be local files, globs or URLs (``s3://bucket/day=2026-11-01/*.parquet``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import watchkeeper as wk


class DatasetDriftError(RuntimeError):
    """The batch drifted: the orchestrator marks the run failed and alerts as it does."""


def check_batch(
    reference: str, current: str, out_dir: str, *, fail_on_drift: bool = True
) -> dict[str, Any]:
    """Report ``current`` against ``reference`` into ``out_dir``; return the summary."""
    result = wk.report(reference, current)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    result.save_json(folder / "report.json")
    result.save_html(folder / "report.html")
    summary = {
        "dataset_drift": result.drift.drifted,
        "drifted_columns": result.drift.drifted_columns,
        "share_drifted": result.drift.share_drifted,
        "quality": result.quality.counts_by_severity(),
        "report": str(folder / "report.html"),
    }
    if fail_on_drift and result.drift.drifted:
        raise DatasetDriftError(
            f"{current} drifted from {reference}: {', '.join(result.drift.drifted_columns)}"
            f" (report: {summary['report']})"
        )
    return summary
