"""``watchkeeper report REFERENCE CURRENT``: drift and data quality, as JSON, HTML, text."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Literal

from watchkeeper._exceptions import InputError
from watchkeeper.cli._common import (
    EXIT_CHECK_FAILED,
    EXIT_OK,
    STDOUT,
    Subparsers,
    add_json_argument,
    add_quiet_argument,
    write_json,
)

__all__ = ["STREAM_BYTES", "add_parser"]

# Inputs larger than this on disk are streamed through profiles by default: parquet
# often expands four times or more in memory, and profiles keep memory flat.
STREAM_BYTES = 1 << 30


def add_parser(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Register ``report``."""
    parser = subparsers.add_parser(
        "report",
        help="compare current data with a reference: drift and data quality",
        description="Compare CURRENT with REFERENCE (parquet, CSV or JSONL files, or globs).",
    )
    parser.add_argument(
        "reference", metavar="REFERENCE", help="reference data: a file or a quoted glob"
    )
    parser.add_argument("current", metavar="CURRENT", help="current data: a file or a quoted glob")
    parser.add_argument("--schema", metavar="FILE", help="YAML file declaring column kinds/roles")
    add_json_argument(parser, "the report")
    parser.add_argument("--html", metavar="PATH", help="write the HTML report to PATH")
    parser.add_argument(
        "--method", metavar="NAME", help="numeric test or distance (default ks; see 'methods')"
    )
    parser.add_argument(
        "--cat-method",
        metavar="NAME",
        help="categorical test or distance (default chisquare; see 'methods')",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        metavar="X",
        help="p-value below which (0 < X < 1), or distance at which, a column drifts",
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
        "--encoding",
        default="utf-8",
        metavar="ENC",
        help="text encoding of CSV files (default utf-8)",
    )
    parser.add_argument(
        "--fail-on-drift", action="store_true", help="exit 1 when the dataset drifted"
    )
    add_quiet_argument(parser)
    stream = parser.add_mutually_exclusive_group()
    stream.add_argument(
        "--stream",
        dest="stream",
        action="store_true",
        default=None,
        help="stream the files through profiles (flat memory; KS within a stated bound); "
        "default: on for .wkp profiles and for inputs over 1 GiB on disk",
    )
    stream.add_argument(
        "--no-stream", dest="stream", action="store_false", help="read the files whole"
    )
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument(
        "--progress",
        dest="progress",
        action="store_true",
        default=None,
        help="show a progress bar on stderr (default: when stderr is a terminal)",
    )
    progress.add_argument(
        "--no-progress", dest="progress", action="store_false", help="no progress bar"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read both sides, compare them, write and print the report."""
    from watchkeeper._progress import Progress
    from watchkeeper.io import read_table
    from watchkeeper.report import report
    from watchkeeper.report._report import report_from_profiles
    from watchkeeper.schema import load_schema_file

    _check_outputs(args)
    policy = _policy(args)
    schema = load_schema_file(args.schema) if args.schema else None
    show_progress = sys.stderr.isatty() if args.progress is None else args.progress
    bar = Progress(enabled=show_progress and not args.quiet)
    if _should_stream(args):
        if args.encoding.replace("-", "").lower() != "utf8":
            # Profiles stream files as UTF-8: say so rather than ignore the option.
            raise InputError(
                f"--encoding {args.encoding} applies when files are read whole; streamed "
                "files (a .wkp side, --stream, inputs over 1 GiB) must be UTF-8: convert them "
                "(iconv -f latin1 -t utf-8), or add --no-stream beside CSV inputs"
            )
        result = report_from_profiles(
            args.reference,
            args.current,
            schema=schema,
            policy=policy,
            progress=bar,
            names=(args.reference, args.current),
        )
        if not (result.drift.columns or result.drift.target or result.drift.predictions):
            # Profiles carry no column list to compare up front; nothing compared says it.
            raise InputError(
                f"{args.reference!r} and {args.current!r} have no column in common to "
                "compare; compare data of one layout"
            )
        return _finish(args, result)
    reference = read_table(args.reference, encoding=args.encoding)
    current = read_table(args.current, encoding=args.encoding)
    if not set(reference.column_names) & set(current.column_names):
        raise InputError(
            f"{args.reference!r} and {args.current!r} share no column "
            f"(reference: {_names(reference.column_names)}; "
            f"current: {_names(current.column_names)}); compare data of one layout"
        )
    result = report(
        reference,
        current,
        schema=schema,
        policy=policy,
        progress=bar,
        names=(args.reference, args.current),
    )
    return _finish(args, result)


def _policy(args: argparse.Namespace) -> Any:
    """The drift policy from the options, each checked at this boundary."""
    from watchkeeper.drift import DriftPolicy
    from watchkeeper.stats import available_methods

    kinds: tuple[tuple[str, str | None, Literal["numeric", "categorical"]], ...] = (
        ("--method", args.method, "numeric"),
        ("--cat-method", args.cat_method, "categorical"),
    )
    every = {m.name for m in available_methods()}
    for option, name, kind in kinds:
        known = [m.name for m in available_methods(kind)]
        if name is None or name in known:
            continue
        problem = (
            f"method {name!r} does not apply to {kind} columns"
            if name in every
            else f"unknown drift method {name!r}"
        )
        raise InputError(f"{option}: {problem}; use one of {', '.join(known)}")
    if args.drift_share is not None and not 0 < args.drift_share <= 1:
        raise InputError(
            f"--drift-share {args.drift_share:g} is outside (0, 1]; "
            "give the share of drifted features that means dataset drift, e.g. 0.5"
        )
    p_value_methods = {m.name for m in available_methods() if m.output == "p_value"}
    chosen = {args.method or "ks", args.cat_method or "chisquare"}
    if args.threshold is not None and args.threshold >= 1 and chosen & p_value_methods:
        tests = ", ".join(sorted(chosen & p_value_methods))
        raise InputError(
            f"--threshold {args.threshold:g} is a p-value threshold for {tests} and must be "
            "below 1 (e.g. 0.05); for a distance threshold choose distances with "
            "--method and --cat-method"
        )
    if args.threshold is not None and args.threshold <= 0:
        raise InputError(
            f"--threshold {args.threshold:g} must be above 0; "
            "a p-value threshold is in (0, 1) (e.g. 0.05), a distance threshold above 0"
        )
    if args.min_effect is not None and args.min_effect < 0:
        raise InputError(f"--min-effect {args.min_effect:g} is negative; give 0 or more")
    settings: dict[str, Any] = {}
    if args.correction is not None:
        settings["correction"] = args.correction
    if args.drift_share is not None:
        settings["drift_share"] = args.drift_share
    try:
        return DriftPolicy.from_options(
            numeric_method=args.method,
            categorical_method=args.cat_method,
            threshold=args.threshold,
            min_effect=args.min_effect,
            **settings,
        )
    except (ValueError, TypeError) as error:
        raise InputError(f"{error}; see 'watchkeeper report --help'") from None


def _names(columns: list[str]) -> str:
    shown = ", ".join(columns[:5])
    return shown + (f" and {len(columns) - 5} more" if len(columns) > 5 else "")


def _check_outputs(args: argparse.Namespace) -> None:
    """Fail before the work, not after it, when an output cannot be written."""
    for option, path in (("--json", args.json), ("--html", args.html)):
        if path is None or path == STDOUT:
            continue
        folder = Path(path).parent
        if not folder.is_dir():
            raise InputError(f"{option} {path!r}: folder {str(folder)!r} does not exist; create it")
        if Path(path).is_dir():
            raise InputError(f"{option} {path!r} is a folder; give a file name")


def _should_stream(args: argparse.Namespace) -> bool:
    from watchkeeper.io import source_bytes

    sides = (str(args.reference), str(args.current))
    if any(side.endswith(".wkp") for side in sides):
        return True
    if args.stream is not None:
        return bool(args.stream)
    size = sum(source_bytes(side) for side in sides)  # local files or URLs
    return size > STREAM_BYTES


def _finish(args: argparse.Namespace, result: Any) -> int:
    if args.json:
        write_json(args.json, result.to_json())
    if args.html:
        result.save_html(args.html)
    if not args.quiet and args.json != STDOUT:
        # With --json - the JSON alone goes to stdout, so a pipe can parse it.
        print(result.summary(color=sys.stdout.isatty()))
        for label, path in (("JSON", args.json), ("HTML", args.html)):
            if path:
                print(f"{label} report: {path}")
    if args.fail_on_drift and result.drift.drifted:
        return EXIT_CHECK_FAILED
    return EXIT_OK
