"""``watchkeeper fairness DATA``: metrics per sensitive group, disparity, four-fifths rule."""

from __future__ import annotations

import argparse
import io
import math
import sys
from typing import Any, TextIO

from watchkeeper._exceptions import ColumnError
from watchkeeper.cli._common import (
    STDOUT,
    Subparsers,
    add_json_argument,
    add_quiet_argument,
    write_json,
)

__all__ = ["add_parser", "run"]

EXIT_OK, EXIT_VIOLATION = 0, 1


def _column(table: Any, name: str, path: str) -> Any:
    if name not in table.column_names:
        raise ColumnError(
            name, f"is not in {path}", f"choose one of: {', '.join(table.column_names)}"
        )
    import numpy as np

    return np.asarray(table.column(name).to_numpy(zero_copy_only=False))


def _positive_label(given: str | None, labels: Any) -> Any:
    """The ``--positive-label`` text in the type of the label column (CSV gives numbers)."""
    if given is None:
        return None
    kind = labels.dtype.kind
    if kind == "b":
        return given.strip().lower() in ("1", "true", "yes")
    if kind in "iu":
        return int(given)
    if kind == "f":
        return float(given)
    return given


def _fmt(value: float | None) -> str:
    return "   -  " if value is None or not math.isfinite(value) else f"{value:6.3f}"


def run(args: argparse.Namespace) -> int:
    from watchkeeper.fairness import count_groups, disparity, group_metric_frame
    from watchkeeper.io import read_table

    table = read_table(args.data)
    y_true = _column(table, args.target, args.data)
    y_pred = _column(table, args.prediction, args.data)
    y_score = _column(table, args.score, args.data) if args.score else None
    sensitive = {name: _column(table, name, args.data) for name in args.sensitive}
    positive = _positive_label(args.positive_label, y_true)
    metrics = args.metric or ["selection_rate", "accuracy", "true_positive_rate"]
    if y_score is not None and not args.metric:
        metrics.append("roc_auc")
    frame = group_metric_frame(
        y_true,
        y_pred,
        y_score,
        sensitive_features=sensitive,
        metrics=metrics,
        positive_label=positive,
        n_boot=args.n_boot,
        seed=args.seed,
    )
    counters = count_groups(y_true, y_pred, sensitive_features=sensitive, positive_label=positive)
    reports = [disparity(counters, features=name) for name in args.sensitive]
    if len(args.sensitive) > 1:
        reports.append(disparity(counters))
    # With --json - the JSON alone goes to stdout; the table to stderr (or nowhere).
    out: TextIO = sys.stderr if args.json == STDOUT else sys.stdout
    if args.quiet:
        out = io.StringIO()
    header = f"{'features':<20} {'group':<24} {'n':>7}  " + "  ".join(f"{m:>22}" for m in metrics)
    print(header, file=out)
    for row in (frame.overall, *frame.rows):
        cells = []
        for name in frame.metrics:
            v = row.metrics[name]
            ci = "" if v.ci_low is None else f" [{_fmt(v.ci_low)},{_fmt(v.ci_high)}]"
            cells.append(f"{_fmt(v.value)}{ci:>16}")
        label = "/".join(row.features) or "(all)"
        print(f"{label:<20} {'/'.join(row.group):<24} {row.n:>7}  " + "  ".join(cells), file=out)
    violated = False
    for report in reports:
        print(f"\ndisparity over {' x '.join(report.features)}:", file=out)
        for name, value in report.summary().items():
            print(f"  {name:<32} {_fmt(value)}", file=out)
        rule = report.four_fifths
        failing = ", ".join("/".join(k) for k in rule.failing_groups) or "none"
        verdict = "passes" if rule.passed else "FAILS"
        print(
            f"  four-fifths rule {verdict} (reference {'/'.join(rule.reference_group)}; "
            f"below {rule.threshold}: {failing})",
            file=out,
        )
        violated = violated or not rule.passed
    if args.json:
        payload = {"frame": frame.to_dict(), "disparity": [r.to_dict() for r in reports]}
        write_json(args.json, payload)
    return EXIT_VIOLATION if violated and args.fail_on_violation else EXIT_OK


def add_parser(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Register ``fairness``."""
    parser = subparsers.add_parser(
        "fairness", help="metrics per sensitive group, disparity and the four-fifths rule"
    )
    parser.add_argument(
        "data", metavar="DATA", help="data file (parquet, csv, jsonl) with labels and predictions"
    )
    parser.add_argument("--target", required=True, metavar="COL", help="true label column")
    parser.add_argument("--prediction", required=True, metavar="COL", help="predicted label column")
    parser.add_argument(
        "--sensitive",
        action="append",
        required=True,
        metavar="COL",
        help="sensitive feature column (repeatable)",
    )
    parser.add_argument("--score", metavar="COL", help="positive-class score column (adds roc_auc)")
    parser.add_argument("--metric", action="append", metavar="NAME", help="metric (repeatable)")
    parser.add_argument(
        "--positive-label", metavar="LABEL", help="the positive label (default: 1, or the larger)"
    )
    parser.add_argument(
        "--n-boot", type=int, default=200, metavar="N", help="bootstrap resamples (0: none)"
    )
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="seed of the bootstrap")
    add_json_argument(parser, "the frame and disparity")
    add_quiet_argument(parser)
    parser.add_argument(
        "--fail-on-violation",
        action="store_true",
        help="exit 1 when a group fails the four-fifths rule",
    )
    parser.set_defaults(func=run)
