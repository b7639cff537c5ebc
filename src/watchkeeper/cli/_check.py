"""``watchkeeper check SUITE CURRENT`` and ``watchkeeper suggest REFERENCE -o SUITE``.

``check`` exits 0 when every ``fail`` check passed, 1 when one failed, and 2 on bad
input (the message names the file, and the line of a suite file).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from watchkeeper._exceptions import ConfigError, InputError
from watchkeeper.cli._common import (
    EXIT_OK,
    STDOUT,
    Subparsers,
    add_json_argument,
    add_quiet_argument,
    write_json,
)

if TYPE_CHECKING:
    from watchkeeper.checks import SuiteResult

__all__ = ["add_parser"]


def add_parser(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Register ``check`` and ``suggest``."""
    check = subparsers.add_parser(
        "check",
        help="run a suite of checks on current data; exit 1 when a fail check fails",
        description="Run the checks of SUITE (YAML) on CURRENT against the reference.",
    )
    check.add_argument("suite", metavar="SUITE", help="suite file (YAML)")
    check.add_argument("current", metavar="CURRENT", help="current data: a file or a quoted glob")
    check.add_argument(
        "--reference", metavar="FILE", help="reference data (default: the suite's 'reference:')"
    )
    check.add_argument("--junit", metavar="PATH", help="write JUnit XML to PATH")
    check.add_argument("--markdown", metavar="PATH", help="write a Markdown summary to PATH")
    add_json_argument(check, "the results (and the report)")
    add_quiet_argument(check)
    check.set_defaults(func=run_check)

    suggest = subparsers.add_parser(
        "suggest",
        help="propose a suite of checks from reference data",
        description="Write a suite that REFERENCE passes: ranges, missing values, "
        "categories, drift limits and (with labels) performance floors.",
    )
    suggest.add_argument(
        "reference", metavar="REFERENCE", help="reference data: a file or a quoted glob"
    )
    suggest.add_argument("-o", "--output", required=True, metavar="SUITE", help="suite file")
    suggest.add_argument("--target", metavar="COL", help="target column (labels)")
    suggest.add_argument("--prediction", metavar="COL", help="predicted label or value column")
    suggest.add_argument(
        "--score", action="append", metavar="COL", help="score column (repeat per class)"
    )
    suggest.add_argument("--schema", metavar="FILE", help="YAML file declaring column kinds/roles")
    suggest.add_argument("--name", default="suggested", metavar="NAME", help="the suite's name")
    suggest.add_argument(
        "--margin",
        type=float,
        default=0.1,
        metavar="SHARE",
        help="range margin, a share of the range (default 0.1)",
    )
    add_quiet_argument(suggest)
    suggest.set_defaults(func=run_suggest)


def _read(path: str | Path, what: str) -> object:
    from watchkeeper.io import read_table

    try:
        return read_table(str(path))
    except FileNotFoundError:
        raise InputError(f"the {what} file {str(path)!r} does not exist") from None


def _summary(result: SuiteResult) -> str:
    marks = {"passed": "ok  ", "failed": "FAIL", "error": "ERR "}
    lines = []
    for item in result.results:
        mark = "warn" if not item.passed and item.check.severity == "warn" else marks[item.status]
        lines.append(f"[{mark}] {item.check.title}: {item.message}")
    counts = result.counts()
    verdict = "passed" if result.passed else "FAILED"
    lines.append(
        f"{result.name}: {verdict} ({counts['passed']} passed, {counts['failed']} failed, "
        f"{counts['warnings']} warnings)"
    )
    return "\n".join(lines)


def run_check(args: argparse.Namespace) -> int:
    """Run the suite; exit 1 when a ``fail`` check failed."""
    from watchkeeper.checks import Measurements, Suite, exit_code, write_junit, write_markdown

    suite = Suite.load(args.suite)
    reference = args.reference or suite.reference_path
    if reference is None:
        raise ConfigError(
            "no reference data: give --reference FILE or write 'reference: FILE' in the suite",
            path=args.suite,
        )
    data = Measurements.compute(
        _read(reference, "reference"),
        _read(args.current, "current"),
        schema=suite.schema,
        policy=suite.policy(),
        names=(str(reference), args.current),
    )
    result = suite.run(data)
    if args.junit:
        write_junit(result, args.junit)
    if args.markdown:
        write_markdown(result, args.markdown)
    if args.json:
        write_json(args.json, {**result.to_dict(), "report": data.report.to_dict()})
    if not args.quiet:
        # With --json - the JSON alone goes to stdout; the summary to stderr.
        print(_summary(result), file=sys.stderr if args.json == STDOUT else sys.stdout)
    return exit_code(result)


def run_suggest(args: argparse.Namespace) -> int:
    """Write a suite that the reference passes."""
    from watchkeeper.checks import suggest_suite
    from watchkeeper.schema import load_schema_file

    output = Path(args.output)
    schema = load_schema_file(args.schema) if args.schema else None
    # The suite names its reference relative to itself, so the pair can move together.
    relative = os.path.relpath(Path(args.reference).resolve(), output.resolve().parent)
    suite = suggest_suite(
        _read(args.reference, "reference"),
        schema=schema,
        target=args.target,
        prediction=args.prediction,
        scores=args.score,
        reference_path=Path(relative).as_posix(),
        name=args.name,
        margin=args.margin,
    )
    suite.save(output)
    if not args.quiet:
        print(f"{len(suite.checks)} checks written to {output}", file=sys.stderr)
    return EXIT_OK
