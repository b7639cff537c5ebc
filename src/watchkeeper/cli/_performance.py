"""``watchkeeper performance REFERENCE CURRENT``: realized metrics per chunk."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from watchkeeper._exceptions import InputError
from watchkeeper.performance import SizeChunker, calculate_performance
from watchkeeper.performance._results import PerformanceResult
from watchkeeper.report._html import render_performance_html

EXIT_OK, EXIT_ALERT = 0, 1


def read_input(path: str) -> Any:
    """A table from a parquet, CSV or JSONL file (or glob), by extension."""
    from watchkeeper.io import read_table

    return read_table(path)


def score_spec(values: list[str] | None) -> Any:
    """``--score`` values: ``COL`` (in class order) or ``CLASS=COL`` pairs."""
    if not values:
        return None
    if all("=" in v for v in values):
        return dict(v.split("=", 1) for v in values)
    if any("=" in v for v in values):
        raise InputError("--score takes either all COL or all CLASS=COL")
    return values[0] if len(values) == 1 else values


def name_files(message: str, **paths: str) -> str:
    """The message with each data set's file named after it ("the reference data (a.csv)")."""
    for role, path in paths.items():
        message = message.replace(f"the {role} data", f"the {role} data ({path})")
    return message


def summary(result: PerformanceResult) -> str:
    """One line per metric for the terminal."""
    lines = []
    for metric in result.metrics:
        if metric.segment is None:
            alerts = ",".join(map(str, metric.alerts)) or "-"
            last = metric.analysis[-1].value if metric.analysis else float("nan")
            lines.append(f"{metric.metric:<28} last {last:.4f}  alerts {alerts}")
    return "\n".join(lines)


def write_outputs(result: PerformanceResult, args: argparse.Namespace) -> None:
    """--json and --html outputs."""
    if args.json:
        Path(args.json).write_text(json.dumps(result.to_dict(), indent=2), encoding="utf-8")
    if getattr(args, "html", None):
        Path(args.html).write_text(render_performance_html(result.to_dict()), encoding="utf-8")


def run(args: argparse.Namespace) -> int:
    reference = read_input(args.reference)
    current = read_input(args.current)
    try:
        result = calculate_performance(
            reference,
            current,
            y_true=args.target,
            y_pred=args.prediction,
            y_score=score_spec(args.score),
            metrics=args.metric or None,
            chunker=SizeChunker(args.chunk_size) if args.chunk_size else None,
        )
    except InputError as error:
        message = name_files(str(error), reference=args.reference, current=args.current)
        raise InputError(message) from None
    write_outputs(result, args)
    print(summary(result), file=sys.stdout)
    return EXIT_ALERT if args.fail_on_alert and result.has_alerts else EXIT_OK


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``performance``."""
    parser = subparsers.add_parser(
        "performance", help="realized model performance per chunk, with thresholds and alerts"
    )
    parser.add_argument("reference", help="reference data file (parquet, csv, jsonl)")
    parser.add_argument("current", help="current data file with targets")
    parser.add_argument("--target", required=True, help="target column")
    parser.add_argument("--prediction", help="predicted label or value column")
    parser.add_argument(
        "--score", action="append", help="score column; repeat per class, or CLASS=COL"
    )
    parser.add_argument("--metric", action="append", help="metric name (repeatable)")
    parser.add_argument("--chunk-size", type=int, help="rows per chunk (default: reference/10)")
    parser.add_argument("--json", help="write the result as JSON here")
    parser.add_argument("--html", help="write a self-contained HTML page here")
    parser.add_argument("--fail-on-alert", action="store_true", help="exit 1 when any chunk alerts")
    parser.set_defaults(func=run)
