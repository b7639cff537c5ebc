"""``watchkeeper report REFERENCE CURRENT``: drift and data quality, as JSON, HTML, text."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from watchkeeper._progress import Progress
from watchkeeper.cli._main import EXIT_CHECK_FAILED, EXIT_OK
from watchkeeper.drift import DriftPolicy
from watchkeeper.io import expand_paths, read_table
from watchkeeper.report import report
from watchkeeper.report._from_profiles import report_from_profiles
from watchkeeper.schema import load_schema_file
from watchkeeper.stats import available_methods

__all__ = ["STREAM_BYTES", "add_parser"]

# Inputs larger than this on disk are streamed through profiles by default: parquet
# often expands four times or more in memory, and profiles keep memory flat.
STREAM_BYTES = 1 << 30


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    numeric = ", ".join(m.name for m in available_methods("numeric"))
    categorical = ", ".join(m.name for m in available_methods("categorical"))
    parser = subparsers.add_parser(
        "report",
        help="compare current data with a reference: drift and data quality",
        description="Compare CURRENT with REFERENCE (parquet, CSV or JSONL files, or globs).",
    )
    parser.add_argument("reference", help="reference data: a file or a quoted glob")
    parser.add_argument("current", help="current data: a file or a quoted glob")
    parser.add_argument("--schema", metavar="FILE", help="YAML file declaring column kinds/roles")
    parser.add_argument("--json", metavar="OUT", help="write the JSON report here")
    parser.add_argument("--html", metavar="OUT", help="write the HTML report here")
    parser.add_argument("--method", metavar="NAME", help=f"numeric test ({numeric})")
    parser.add_argument("--cat-method", metavar="NAME", help=f"categorical test ({categorical})")
    parser.add_argument(
        "--threshold",
        type=float,
        metavar="X",
        help="p-value below which, or distance at which, a column drifts",
    )
    parser.add_argument(
        "--min-effect", type=float, metavar="X", help="effect-size floor for tests (0 turns it off)"
    )
    parser.add_argument(
        "--correction",
        choices=("bh", "holm", "bonferroni", "none"),
        help="multiple-testing correction (default bh)",
    )
    parser.add_argument(
        "--drift-share",
        type=float,
        metavar="S",
        help="share of drifted features that means dataset drift (default 0.5)",
    )
    parser.add_argument(
        "--encoding", default="utf-8", help="text encoding of CSV files (default utf-8)"
    )
    parser.add_argument(
        "--fail-on-drift", action="store_true", help="exit 1 when the dataset drifted"
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    stream = parser.add_mutually_exclusive_group()
    stream.add_argument(
        "--stream",
        dest="stream",
        action="store_true",
        default=None,
        help="stream the files through profiles (flat memory; KS within a stated bound); "
        "default: on for .wkp profiles and for inputs over 1 GiB on disk",
    )
    stream.add_argument("--no-stream", dest="stream", action="store_false")
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument("--progress", dest="progress", action="store_true", default=None)
    progress.add_argument("--no-progress", dest="progress", action="store_false")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings: dict[str, Any] = {}
    if args.correction is not None:
        settings["correction"] = args.correction
    if args.drift_share is not None:
        settings["drift_share"] = args.drift_share
    policy = DriftPolicy.from_options(
        numeric_method=args.method,
        categorical_method=args.cat_method,
        threshold=args.threshold,
        min_effect=args.min_effect,
        **settings,
    )
    schema = load_schema_file(args.schema) if args.schema else None
    show_progress = sys.stderr.isatty() if args.progress is None else args.progress
    bar = Progress(enabled=show_progress and not args.quiet)
    if _should_stream(args):
        result = report_from_profiles(
            args.reference,
            args.current,
            schema=schema,
            policy=policy,
            progress=bar,
            names=(args.reference, args.current),
        )
        return _finish(args, result)
    reference = read_table(args.reference, encoding=args.encoding)
    current = read_table(args.current, encoding=args.encoding)
    result = report(
        reference,
        current,
        schema=schema,
        policy=policy,
        progress=bar,
        names=(args.reference, args.current),
    )
    return _finish(args, result)


def _should_stream(args: argparse.Namespace) -> bool:
    sides = (str(args.reference), str(args.current))
    if any(side.endswith(".wkp") for side in sides):
        return True
    if args.stream is not None:
        return bool(args.stream)
    size = sum(path.stat().st_size for side in sides for path in expand_paths(side))
    return size > STREAM_BYTES


def _finish(args: argparse.Namespace, result: Any) -> int:
    if args.json:
        result.save_json(args.json)
    if args.html:
        result.save_html(args.html)
    if not args.quiet:
        print(result.summary(color=sys.stdout.isatty()))
        for label, path in (("JSON", args.json), ("HTML", args.html)):
            if path:
                print(f"{label} report: {path}")
    if args.fail_on_drift and result.drift.dataset_drift:
        return EXIT_CHECK_FAILED
    return EXIT_OK
