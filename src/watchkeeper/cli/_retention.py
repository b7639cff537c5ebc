"""``watchkeeper retention run watchkeeper.yaml``: apply each model's retention periods.

A model's ``retention:`` in the file says how long its records, labels, window
profiles and metrics are kept (docs/compliance.md); this command deletes what is older,
on the store directly (``--database-url``), and each run is in the audit trail as
``cli:USER``. Every model in the store is run: one the file declares with the file's
periods, the others with those stored with them; what neither sets comes from the file's
``server: retention:``, then ``WATCHKEEPER_RAW_RETENTION`` (records), then the defaults
(7 days for records; the rest kept), as the server does (service/_retention.py). The
output says each model's periods and where they came from.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from watchkeeper.cli._common import (
    EXIT_OK,
    STDOUT,
    Subparsers,
    add_database_url_argument,
    add_json_argument,
    add_quiet_argument,
    open_service,
    write_json,
)

if TYPE_CHECKING:
    from watchkeeper.service._retention import Period

__all__ = ["add_parser"]


def _run(args: argparse.Namespace) -> int:
    from datetime import datetime

    from watchkeeper._exceptions import InputError
    from watchkeeper.compliance._audit import Actor
    from watchkeeper.service.config import load_config

    config = load_config(args.file)
    now = None
    if args.now:
        now = datetime.fromisoformat(args.now.replace("Z", "+00:00"))
        if now.tzinfo is None:
            raise InputError(f"--now {args.now!r} has no time zone; add Z for UTC")
    service = open_service(args.database_url)
    declared = {model.name: model for model in config.models}
    results: dict[str, Any] = {}
    periods: dict[str, dict[str, Period]] = {}
    try:
        service.use_server_retention(config.server.retention)
        stored = [model.name for model in service.list_models()]
        for name in [args.model] if args.model else stored:
            own = declared[name].retention if name in declared else None
            periods[name], results[name] = service.retain(
                name, own, now=now, actor=Actor.command_line()
            )
    finally:
        service.store.close()
    if args.json:
        write_json(args.json, results)
    if not args.quiet and args.json != STDOUT:
        for name, removed in results.items():
            print(f"{name}: {_describe(periods[name])}")
            counts = ", ".join(f"{n} {kind}" for kind, n in removed.items())
            print(f"  removed {counts}")
        if not results:
            print("no model in the store", file=sys.stderr)
        missing = sorted(set(declared) - set(stored))
        if missing and not args.model:
            print(f"not in the store (apply the file first): {', '.join(missing)}", file=sys.stderr)
    return EXIT_OK


def _describe(periods: Mapping[str, Period]) -> str:
    """``records 3d (server), labels kept (default), ...``"""
    return ", ".join(
        f"{kind} {'kept' if p.period is None else _duration(p.period)} ({p.source})"
        for kind, p in periods.items()
    )


def _duration(period: timedelta) -> str:
    """The largest whole unit: ``3d``, ``36h``, ``90m``, ``45s``.

    >>> _duration(timedelta(days=3)), _duration(timedelta(hours=36)), _duration(timedelta(0, 1.5))
    ('3d', '36h', '1.5s')
    """
    seconds = period.total_seconds()
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def add_parser(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Register ``retention`` with its sub-command ``run``."""
    parser = subparsers.add_parser(
        "retention", help="delete data older than each model's retention periods"
    )
    commands = parser.add_subparsers(dest="retention_command", metavar="ACTION", required=True)
    run = commands.add_parser(
        "run", help="apply the retention periods of every model in the store (see FILE)"
    )
    run.add_argument(
        "file", metavar="FILE", help="the watchkeeper.yaml: models' and server: retention:"
    )
    run.add_argument("--model", metavar="NAME", help="only this model")
    run.add_argument(
        "--now", metavar="TIME", help="the time to measure from (ISO 8601; default: now)"
    )
    add_database_url_argument(run)
    add_json_argument(run, "the rows removed per model")
    add_quiet_argument(run)
    run.set_defaults(func=_run)
