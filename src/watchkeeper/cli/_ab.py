"""``watchkeeper ab`` and ``watchkeeper ab-files``: compare two model versions on a metric.

``ab`` reads the closed windows of a served model from the store; ``ab-files``
compares two scored datasets offline (``--paired`` when both files are the same rows
scored by each version, as with shadow traffic). Both print the difference ``B - A``
with its confidence interval and p-value, and say which version is better.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from watchkeeper._exceptions import ColumnError, InputError
from watchkeeper.cli._common import (
    STDOUT,
    Subparsers,
    add_database_url_argument,
    add_json_argument,
    add_quiet_argument,
    open_service,
    write_json,
)

if TYPE_CHECKING:
    from watchkeeper.abtest import ABTestResult, SequentialResult

__all__ = ["add_parser"]


def _when(text: str | None, name: str) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"{name} {text!r} is not an ISO-8601 time; e.g. 2024-01-01T00:00Z"
        ) from None
    if value.tzinfo is None:
        raise InputError(f"{name} {text!r} has no time zone; add Z or +00:00")
    return value.astimezone(UTC)


def _signed(value: float) -> str:
    return f"{value:+.4f}" if math.isfinite(value) else "-"


def _print_test(test: ABTestResult, name_a: str, name_b: str) -> None:
    out = sys.stdout
    level = f"{test.confidence:.0%}"
    print(f"  A {name_a:<20} {test.estimate_a:.4f}  (n {test.n_a:,})", file=out)
    print(f"  B {name_b:<20} {test.estimate_b:.4f}  (n {test.n_b:,})", file=out)
    print(
        f"  difference B - A       {_signed(test.difference)}  {level} CI "
        f"[{_signed(test.ci_low)}, {_signed(test.ci_high)}]  p {test.p_value:.4g}  "
        f"({test.method}{', paired' if test.paired else ''})",
        file=out,
    )
    if test.higher_is_better is None:
        direction = "direction of the metric unknown"
    else:
        direction = "higher is better" if test.higher_is_better else "lower is better"
    if test.winner is None:
        verdict = "no significant difference" if not test.significant else "different"
    else:
        verdict = f"{'B (' + name_b if test.winner == 'b' else 'A (' + name_a}) is better"
    print(f"  verdict: {verdict} ({direction})", file=out)
    if test.note:
        print(f"  note: {test.note}", file=out)


def _print_sequential(result: SequentialResult) -> None:
    state = "B differs from A" if result.rejected else "no decision yet, keep collecting"
    print(
        f"  always-valid (mSPRT, alpha {result.alpha:g}, {result.looks} looks): "
        f"p {result.p_value:.4g}, CS [{_signed(result.ci_low)}, {_signed(result.ci_high)}]: "
        f"{state}",
        file=sys.stdout,
    )


def _json_aside(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """With ``--json -`` the JSON alone goes to stdout: the text goes to stderr then,
    and nowhere with ``--quiet``."""

    def wrapped(args: argparse.Namespace) -> int:
        args.stdout = sys.stdout
        if args.quiet:
            with contextlib.redirect_stdout(io.StringIO()):
                return run(args)
        if args.json != STDOUT:
            return run(args)
        with contextlib.redirect_stdout(sys.stderr):
            return run(args)

    return wrapped


def _write(args: argparse.Namespace, payload: dict[str, Any]) -> None:
    if args.json:
        write_json(args.json, payload, stdout=args.stdout)


def _run_service(args: argparse.Namespace) -> int:
    from watchkeeper.abtest import compare_versions

    service = open_service(args.database_url, existing=False)
    try:
        result = compare_versions(
            service,
            args.model,
            args.version_a,
            args.version_b,
            args.metric,
            start=_when(args.start, "--start"),
            end=_when(args.end, "--end"),
            feature=args.feature,
            confidence=args.confidence,
            tau=args.tau,
        )
    finally:
        service.store.close()
    print(
        f"{result.model}: {result.version_b} vs {result.version_a} on {result.metric} "
        f"({result.n_windows_a} and {result.n_windows_b} closed windows)"
    )
    _print_test(result.test, result.version_a, result.version_b)
    if result.sequential is not None:
        _print_sequential(result.sequential)
    _write(args, result.to_dict())
    return 0


def _column(table: Any, name: str | None, path: str, why: str) -> Any:
    if name is None:
        return None
    if name not in table.column_names:
        raise ColumnError(
            name, f"is not in {path}", f"choose one of: {', '.join(table.column_names)}"
        )
    column = table.column(name)
    if column.null_count:
        raise ColumnError(
            name, f"has {column.null_count} missing values in {path}", f"drop those rows ({why})"
        )
    import numpy as np

    return np.asarray(column.to_numpy(zero_copy_only=False))


def _run_files(args: argparse.Namespace) -> int:
    from watchkeeper.abtest import Arm, compare_arms, get_ab_metric
    from watchkeeper.io import read_table

    spec = get_ab_metric(args.metric)
    required = {
        "labels": ("target", "prediction"),
        "target": ("target",),
        "scores": ("target", "score"),
        "values": ("value",),
    }[spec.needs]
    for option in required:
        if getattr(args, option) is None:
            raise InputError(f"metric {args.metric!r} needs --{option} COL; name the column")
    arms = []
    for path in (args.file_a, args.file_b):
        table = read_table(path)
        arms.append(
            Arm(
                y_true=_column(table, args.target, path, "the target is needed"),
                y_pred=_column(table, args.prediction, path, "the prediction is needed"),
                score=_column(table, args.score, path, "the score is needed"),
                values=_column(table, args.value, path, "the value is needed"),
            )
        )
    result = compare_arms(
        args.metric,
        arms[0],
        arms[1],
        paired=args.paired,
        confidence=args.confidence,
        n_boot=args.n_boot,
        seed=args.seed,
    )
    print(f"{args.file_b} vs {args.file_a} on {args.metric}")
    _print_test(result, Path(args.file_a).name, Path(args.file_b).name)
    _write(args, {"file_a": args.file_a, "file_b": args.file_b, "test": result.to_dict()})
    return 0


def add_parser(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Register ``ab`` (a served model's versions) and ``ab-files`` (two scored datasets)."""

    def common(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--confidence",
            type=float,
            default=0.95,
            metavar="LEVEL",
            help="confidence level (default 0.95)",
        )
        add_json_argument(parser, "the result")
        add_quiet_argument(parser)

    ab = subparsers.add_parser(
        "ab",
        help="compare two versions of a served model on a metric over their closed windows",
        description="Difference B - A with a confidence interval, a p-value and, for rates "
        "with counts in the store (accuracy, error_rate), an always-valid mSPRT.",
    )
    ab.add_argument("model", metavar="MODEL", help="the model's name")
    ab.add_argument("version_a", metavar="VERSION_A", help="version A (the champion)")
    ab.add_argument("version_b", metavar="VERSION_B", help="version B (the challenger)")
    ab.add_argument(
        "--metric",
        required=True,
        metavar="NAME",
        help="a window metric, e.g. accuracy, roc_auc, latency_p95_ms",
    )
    ab.add_argument(
        "--feature", metavar="COL", help="the feature, for per-feature metrics (drift_score...)"
    )
    ab.add_argument("--start", metavar="TIME", help="first window start, ISO-8601 with a zone")
    ab.add_argument("--end", metavar="TIME", help="last window end, ISO-8601 with a time zone")
    ab.add_argument(
        "--tau", type=float, metavar="SD", help="mSPRT mixture sd, the effect size of interest"
    )
    add_database_url_argument(ab)
    common(ab)
    ab.set_defaults(func=_json_aside(_run_service))

    files = subparsers.add_parser(
        "ab-files",
        help="compare two scored datasets (version A's and version B's) on a metric",
        description="Difference B - A with a confidence interval and a p-value: z-test for "
        "rates, bootstrap for roc_auc, Welch for errors and latency.",
    )
    files.add_argument("file_a", metavar="FILE_A", help="version A's rows (parquet, csv, jsonl)")
    files.add_argument("file_b", metavar="FILE_B", help="version B's rows")
    files.add_argument(
        "--metric",
        required=True,
        metavar="NAME",
        help="the metric: accuracy, conversion_rate, error_rate, latency_ms, mae, "
        "misclassification_rate, mse, roc_auc",
    )
    files.add_argument("--target", metavar="COL", help="true label (or outcome) column")
    files.add_argument("--prediction", metavar="COL", help="predicted label or value column")
    files.add_argument("--score", metavar="COL", help="positive-class score column (roc_auc)")
    files.add_argument(
        "--value", metavar="COL", help="per-row value column (latency_ms, error_rate as 0/1)"
    )
    files.add_argument(
        "--paired",
        action="store_true",
        help="row i of both files is the same request scored by each version (shadow traffic)",
    )
    files.add_argument(
        "--n-boot", type=int, default=2000, metavar="N", help="bootstrap resamples (roc_auc)"
    )
    files.add_argument("--seed", type=int, default=0, metavar="N", help="seed of the bootstrap")
    common(files)
    files.set_defaults(func=_json_aside(_run_files))
