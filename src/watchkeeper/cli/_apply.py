"""``watchkeeper apply FILE``: load a ``watchkeeper.yaml`` into the service's store.

The file is validated first (every problem printed with its line, exit 2); then its
models, versions, channels and monitors are created or updated. Applying the same
file twice changes nothing the second time.
"""

from __future__ import annotations

import argparse
import sys

from watchkeeper.cli._common import (
    STDOUT,
    Subparsers,
    add_database_url_argument,
    add_json_argument,
    open_service,
    write_json,
)

__all__ = ["add_parser"]


def _apply(args: argparse.Namespace) -> int:
    from watchkeeper.service.config import InvalidConfigError, load_config

    try:
        config = load_config(args.file)
    except InvalidConfigError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 2
    service = open_service(args.database_url, existing=False)
    from watchkeeper.compliance._audit import Actor

    result = service.apply_config(config, actor=Actor.command_line())
    if args.json:
        write_json(args.json, result.to_dict())
    if args.json != STDOUT:
        print(
            f"applied {args.file}: {len(result.models)} models, {len(result.versions)} "
            f"versions, {len(result.monitors)} monitors, {len(result.channels)} channels"
        )
    return 0


def add_parser(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Register ``apply``."""
    parser = subparsers.add_parser("apply", help="load a watchkeeper.yaml into the store")
    parser.add_argument("file", metavar="FILE", help="the watchkeeper.yaml to apply")
    add_database_url_argument(parser)
    add_json_argument(parser, "the result", bare_prints=True)
    parser.set_defaults(func=_apply)
