"""``watchkeeper validate FILE`` and ``watchkeeper schedule run FILE NAME``.

``validate`` prints every problem of a ``watchkeeper.yaml`` as ``FILE:LINE: message``
and exits 2 when there is any, 0 with a one-line summary otherwise. ``schedule run``
runs one scheduled batch monitor once and exits 1 when a monitor is in breach.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from watchkeeper.cli._common import (
    STDOUT,
    Subparsers,
    add_json_argument,
    add_quiet_argument,
    write_json,
)

__all__ = ["add_parser"]

_EXIT_OK = 0
_EXIT_BREACHED = 1
_EXIT_INVALID = 2


def _validate(args: argparse.Namespace) -> int:
    from watchkeeper.service.config import InvalidConfigError, load_config

    try:
        config = load_config(args.file)
    except InvalidConfigError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        count = len(error.problems)
        print(f"{args.file}: {count} problem{'s' if count != 1 else ''}", file=sys.stderr)
        return _EXIT_INVALID
    print(f"{args.file}: valid ({config.summary()})")
    return _EXIT_OK


def _now(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        from watchkeeper._exceptions import InputError

        raise InputError(
            f"--now {text!r} is not an ISO-8601 time; write e.g. 2024-05-01T00:00:00+00:00"
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _run(args: argparse.Namespace) -> int:
    from watchkeeper.service.config import InvalidConfigError, load_config, run_schedule

    try:
        config = load_config(args.file)
    except InvalidConfigError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return _EXIT_INVALID
    run = run_schedule(config, args.name, _now(args.now))
    if args.json:
        write_json(args.json, run.to_dict())
    if args.json != STDOUT and not args.quiet:
        print(
            f"schedule {run.schedule}: model {run.model}, version {run.version}, "
            f"{len(run.files)} file{'s' if len(run.files) != 1 else ''}"
        )
        print(run.report.summary())
        breached = run.breached
        if breached:
            print(f"{len(breached)} monitor breach{'es' if len(breached) != 1 else ''}:")
            for evaluation in breached:
                print(f"  [{evaluation.monitor.severity.value}] {evaluation.message}")
        else:
            print(f"no monitor in breach ({len(run.evaluations)} checks)")
    return _EXIT_BREACHED if run.breached else _EXIT_OK


def add_parser(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Register ``validate`` and ``schedule`` (with its action ``run``)."""
    validate = subparsers.add_parser(
        "validate", help="check a watchkeeper.yaml and print every problem with its line"
    )
    validate.add_argument("file", metavar="FILE", help="the watchkeeper.yaml to check")
    validate.set_defaults(func=_validate)

    schedule = subparsers.add_parser("schedule", help="scheduled batch monitors of files")
    actions = schedule.add_subparsers(dest="schedule_command", metavar="ACTION", required=True)
    run = actions.add_parser("run", help="run one scheduled monitor once, now")
    run.add_argument("file", metavar="FILE", help="the watchkeeper.yaml declaring the schedule")
    run.add_argument("name", metavar="NAME", help="the schedule's name")
    run.add_argument(
        "--now",
        metavar="TIME",
        help="the end of the window, ISO-8601 (default: the current UTC time)",
    )
    add_json_argument(run, "the run", bare_prints=True)
    add_quiet_argument(run)
    run.set_defaults(func=_run)
