"""Evidently's DataDriftPreset on the bench workload, as a user of Evidently would run it.

Runs inside bench/.venvs/evidently (Evidently from PyPI, its own dependencies), never in
watchkeeper's environment. Reads both parquet files into pandas (Evidently takes pandas),
declares the float columns numerical and the string columns categorical (so Evidently's
type inference cannot pick differently from the other tools), runs
``Report([DataDriftPreset()])`` with its defaults, and writes the HTML page and the JSON
snapshot, as a user would.

Which columns Evidently flags: with ``include_tests=True`` (off by default on a Report),
the preset attaches to each ``ValueDrift`` metric a test named "Value Drift for column NAME"
whose status is FAIL when Evidently's ``drift_detected`` is true for that column. We read
those, and record Evidently's own ``DriftedColumnsCount`` beside them as a cross-check.
The method and threshold Evidently chose per column (with more than 1000 rows: Wasserstein
distance normed by the reference sd, drifted at >= 0.1, on numeric columns; Jensen-Shannon
distance, drifted at >= 0.1, on categorical ones) come from the metric's resolved config
and go to the summary JSON with the score.

    python bench/peers/evidently_drift.py REF.parquet CUR.parquet --html OUT.html \
        --json OUT.json --summary SUMMARY.json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

# Evidently reports usage unless told not to; the bench has no network to spare.
os.environ.setdefault("DO_NOT_TRACK", "1")

import pandas as pd
from evidently import DataDefinition, Dataset, Report
from evidently import __version__ as evidently_version
from evidently.presets import DataDriftPreset

_COLUMN_IN_NAME = re.compile(r"Value Drift for column (?P<column>.+)$")


def _column_of(test: dict[str, Any]) -> str | None:
    config = test.get("metric_config") or {}
    params = config.get("params") or config
    if isinstance(params.get("column"), str):
        return str(params["column"])
    match = _COLUMN_IN_NAME.search(str(test.get("name", "")))
    return match.group("column") if match else None


def drift_by_column(snapshot_dict: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per column: drifted (from the test status), score, method and threshold."""
    columns: dict[str, dict[str, Any]] = {}
    for metric in snapshot_dict.get("metrics", []):
        params = metric.get("config") or {}
        column = params.get("column")
        if not isinstance(column, str) or not str(params.get("type", "")).endswith("ValueDrift"):
            continue
        columns[column] = {
            "column": column,
            "score": metric.get("value"),
            "method": params.get("method"),
            "threshold": params.get("threshold"),
            "drifted": None,
        }
    for test in snapshot_dict.get("tests", []):
        column = _column_of(test)
        if column is None or not str(test.get("name", "")).startswith("Value Drift"):
            continue
        entry = columns.setdefault(column, {"column": column})
        entry["drifted"] = str(test.get("status", "")).upper() == "FAIL"
        entry["test_description"] = test.get("description")
    return columns


def drifted_count(snapshot_dict: dict[str, Any]) -> float | None:
    for metric in snapshot_dict.get("metrics", []):
        if str((metric.get("config") or {}).get("type", "")).endswith("DriftedColumnsCount"):
            value = metric.get("value") or {}
            count = value.get("count") if isinstance(value, dict) else None
            return float(count) if count is not None else None
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Evidently DataDriftPreset on two parquet files")
    parser.add_argument("reference", type=Path)
    parser.add_argument("current", type=Path)
    parser.add_argument("--html", type=Path, required=True)
    parser.add_argument("--json", type=Path, required=True, help="Evidently's own snapshot JSON")
    parser.add_argument("--summary", type=Path, required=True, help="per-column verdicts")
    args = parser.parse_args(argv)

    reference = pd.read_parquet(args.reference)
    current = pd.read_parquet(args.current)
    numerical = [c for c in reference.columns if pd.api.types.is_numeric_dtype(reference[c])]
    categorical = [c for c in reference.columns if c not in numerical]
    definition = DataDefinition(numerical_columns=numerical, categorical_columns=categorical)

    # include_tests=True is Evidently's documented way to get a pass/fail per column; it
    # adds the tests to the snapshot and costs little next to the drift computation.
    report = Report([DataDriftPreset()], include_tests=True)
    snapshot = report.run(
        current_data=Dataset.from_pandas(current, data_definition=definition),
        reference_data=Dataset.from_pandas(reference, data_definition=definition),
    )
    for path in (args.html, args.json, args.summary):
        path.parent.mkdir(parents=True, exist_ok=True)
    snapshot.save_html(str(args.html))
    snapshot.save_json(str(args.json))

    with args.json.open() as handle:
        snapshot_dict = json.load(handle)
    per_column = drift_by_column(snapshot_dict)
    missing = [c for c in reference.columns if per_column.get(c, {}).get("drifted") is None]
    drifted = [c for c in reference.columns if per_column.get(c, {}).get("drifted")]
    summary = {
        "tool": "evidently",
        "version": evidently_version,
        "columns": [per_column[c] for c in reference.columns if c in per_column],
        "drifted": drifted,
        "columns_without_verdict": missing,
        # Evidently's own count, as a cross-check of the per-column parse.
        "drifted_columns_count": drifted_count(snapshot_dict),
    }
    args.summary.write_text(json.dumps(summary, indent=2, default=str) + "\n")
    if missing:
        print(f"evidently_drift: no verdict parsed for {missing}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
