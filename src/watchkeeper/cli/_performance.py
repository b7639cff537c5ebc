"""``watchkeeper performance REFERENCE CURRENT``: realized metrics per chunk.

The terminal lines (shared with ``estimate``) give every figure to 4 significant
digits, each metric's direction and thresholds, and the side an alert is on.
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import TYPE_CHECKING, Any

from watchkeeper.cli._common import (
    STDOUT,
    Subparsers,
    add_json_argument,
    add_quiet_argument,
    write_json,
    write_output,
)

if TYPE_CHECKING:
    from watchkeeper.performance import ChunkResult, MetricResult, PerformanceResult

EXIT_OK, EXIT_ALERT = 0, 1


def read_input(path: str) -> Any:
    """A table from a parquet, CSV or JSONL file (or glob), by extension."""
    from watchkeeper.io import read_table

    return read_table(path)


def score_spec(values: list[str] | None) -> Any:
    """``--score`` values: ``COL`` (in class order) or ``CLASS=COL`` pairs."""
    from watchkeeper._exceptions import InputError

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


def figure(value: float | None) -> str:
    """A figure to 4 significant digits; ``n/a`` when it could not be computed.

    >>> figure(0.876543), figure(12345.678), figure(float("nan")), figure(None)
    ('0.8765', '1.235e+04', 'n/a', 'n/a')
    """
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value:.4g}"


def metric_header(metric: MetricResult) -> str:
    """The metric, which way is good, its baseline and when it alerts.

    >>> from watchkeeper.performance import MetricResult
    >>> metric_header(MetricResult("f1", None, True, 0.81234, 0.7512, 0.8834, ()))
    'f1 (higher is better): baseline 0.8123, alerts below 0.7512 or above 0.8834'
    """
    way = "higher" if metric.higher_is_better else "lower"
    sides = [
        f"{side} {figure(level)}"
        for side, level in (("below", metric.lower_threshold), ("above", metric.upper_threshold))
        if level is not None and math.isfinite(level)
    ]
    alerts = f"alerts {' or '.join(sides)}" if sides else "no thresholds"
    return f"{metric.metric} ({way} is better): baseline {figure(metric.baseline)}, {alerts}"


def alert_text(chunk: ChunkResult) -> str:
    """``ALERT below 0.7512`` or ``ALERT above 0.8834``; empty when the chunk is fine."""
    if not chunk.alert:
        return ""
    if chunk.lower_threshold is not None and chunk.value < chunk.lower_threshold:
        return f"ALERT below {figure(chunk.lower_threshold)}"
    return f"ALERT above {figure(chunk.upper_threshold)}"


def chunk_lines(result: PerformanceResult) -> list[str]:
    """Terminal lines: per metric (all rows) a header, then one line per analysis chunk.

    Estimates (CBPE, DLE) show the realized value beside them where the chunk has labels.
    Notes (a merged leftover chunk) follow; the few-reference-chunks warning goes to
    stderr as a warning instead.
    """
    from watchkeeper.performance._warning_classes import few_reference_chunks_message

    estimated = result.method != "realized"
    label = "estimated" if estimated else "realized"
    lines = []
    for metric in result.metrics:
        if metric.segment is not None:
            continue
        lines.append(metric_header(metric))
        for c in metric.analysis:
            parts = [
                f"  chunk {c.index} [{c.start}:{c.end}]",
                f"{label} {figure(c.value)} ± {figure(c.sampling_error)}",
            ]
            if estimated and c.n_labelled and c.realized is not None:
                parts.append(f"realized {figure(c.realized)}")
            if c.alert:
                parts.append(alert_text(c))
            lines.append("  ".join(parts))
    unreliable = few_reference_chunks_message(result.n_reference_chunks)
    lines += [f"note: {n}" for n in result.notes if n != unreliable]
    return lines


def add_chunk_size_argument(parser: argparse.ArgumentParser, *, required: bool) -> None:
    """``--chunk-size ROWS``, with the rule for a short last chunk in its help."""
    default = "" if required else "; default: a tenth of REFERENCE"
    parser.add_argument(
        "--chunk-size",
        type=int,
        required=required,
        metavar="ROWS",
        help=f"rows per chunk; a last chunk under half of it joins the one before{default}",
    )


def run(args: argparse.Namespace) -> int:
    from watchkeeper._exceptions import InputError
    from watchkeeper.performance import SizeChunker, calculate_performance

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
    if args.json:
        write_json(args.json, result.to_dict())
    if args.html:
        from watchkeeper.report._html import render_performance_html

        write_output(args.html, render_performance_html(result.to_dict()))
    if not args.quiet and STDOUT not in (args.json, args.html):
        print("\n".join(chunk_lines(result)), file=sys.stdout)
    return EXIT_ALERT if args.fail_on_alert and result.has_alerts else EXIT_OK


def add_parser(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Register ``performance``."""
    parser = subparsers.add_parser(
        "performance", help="realized model performance per chunk, with thresholds and alerts"
    )
    parser.add_argument("reference", help="reference data file (parquet, csv, jsonl)")
    parser.add_argument("current", help="current data file with targets")
    parser.add_argument("--target", required=True, metavar="COL", help="target column")
    parser.add_argument("--prediction", metavar="COL", help="predicted label or value column")
    parser.add_argument(
        "--score",
        action="append",
        metavar="COL",
        help="score column; repeat per class, or CLASS=COL",
    )
    parser.add_argument("--metric", action="append", metavar="NAME", help="metric (repeatable)")
    add_chunk_size_argument(parser, required=False)
    add_json_argument(parser, "the result")
    parser.add_argument(
        "--html", metavar="PATH", help="write a self-contained HTML page to PATH ('-': stdout)"
    )
    parser.add_argument("--fail-on-alert", action="store_true", help="exit 1 when any chunk alerts")
    add_quiet_argument(parser)
    parser.set_defaults(func=run)
