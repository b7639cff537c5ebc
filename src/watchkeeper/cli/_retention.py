"""``watchkeeper retention run watchkeeper.yaml``: apply each model's retention periods.

A model's ``retention:`` in the file says how long its records, labels, window
profiles and metrics are kept (docs/compliance.md); this command deletes what is older,
on the store directly (``--database-url``), and each run is in the audit trail as
``cli:USER``. Models without ``retention:`` are left alone.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

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
    results: dict[str, Any] = {}
    try:
        for model in config.models:
            if not model.retention or (args.model and model.name != args.model):
                continue
            removed = service.apply_retention(
                model.name, model.retention, now=now, actor=Actor.command_line()
            )
            results[model.name] = removed
    finally:
        service.store.close()
    if args.json:
        write_json(args.json, results)
    if not args.quiet and args.json != STDOUT:
        for name, removed in results.items():
            counts = ", ".join(f"{n} {kind}" for kind, n in removed.items())
            print(f"{name}: removed {counts}")
        if not results:
            print("no model declares retention:", file=sys.stderr)
    return EXIT_OK


def add_parser(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Register ``retention`` with its sub-command ``run``."""
    parser = subparsers.add_parser(
        "retention", help="delete data older than each model's retention periods"
    )
    commands = parser.add_subparsers(dest="retention_command", metavar="ACTION", required=True)
    run = commands.add_parser("run", help="apply the retention: of every model in the file")
    run.add_argument("file", metavar="FILE", help="the watchkeeper.yaml that declares retention")
    run.add_argument("--model", metavar="NAME", help="only this model")
    run.add_argument(
        "--now", metavar="TIME", help="the time to measure from (ISO 8601; default: now)"
    )
    add_database_url_argument(run)
    add_json_argument(run, "the rows removed per model")
    add_quiet_argument(run)
    run.set_defaults(func=_run)
