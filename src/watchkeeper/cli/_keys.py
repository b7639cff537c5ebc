"""``watchkeeper keys create|list|revoke``: API keys of the monitoring service.

A key is printed once, at creation; the store keeps only its SHA-256.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from watchkeeper._vocabulary import SCOPES
from watchkeeper.cli._common import (
    STDOUT,
    Subparsers,
    add_database_url_argument,
    add_json_argument,
    open_service,
    write_json,
)

if TYPE_CHECKING:
    from watchkeeper.service._service import MonitoringService

__all__ = ["add_parser"]


def _service(args: argparse.Namespace) -> MonitoringService:
    return open_service(args.database_url, existing=False)


def _create(args: argparse.Namespace) -> int:
    service = _service(args)
    from watchkeeper.compliance._audit import Actor

    info, plaintext = service.create_api_key(
        args.scope or [], name=args.name, actor=Actor.command_line()
    )
    if args.json:
        write_json(args.json, {**info.to_dict(), "key": plaintext})
    if args.json != STDOUT:
        print(plaintext)
        print(
            f"created {info.id} ({', '.join(info.scopes)}); this key is shown only once, "
            "store it now",
            file=sys.stderr,
        )
    return 0


def _list(args: argparse.Namespace) -> int:
    service = _service(args)
    keys = service.list_api_keys()
    if args.json:
        write_json(args.json, [k.to_dict() for k in keys])
        if args.json == STDOUT:
            return 0
    for key in keys:
        print(f"{key.id}\t{','.join(key.scopes)}\t{key.created_at.isoformat()}\t{key.name}")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    service = _service(args)
    from watchkeeper.compliance._audit import Actor

    service.revoke_api_key(args.id, actor=Actor.command_line())
    print(f"revoked {args.id}", file=sys.stderr)
    return 0


def add_parser(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Register ``keys`` with its sub-commands ``create``, ``list`` and ``revoke``."""
    parser = subparsers.add_parser("keys", help="create, list and revoke the service's API keys")
    commands = parser.add_subparsers(dest="keys_command", metavar="ACTION", required=True)

    def common(sub: argparse.ArgumentParser) -> None:
        add_database_url_argument(sub)
        add_json_argument(sub, "the result", bare_prints=True)

    create = commands.add_parser("create", help="create a key and print it once")
    create.add_argument(
        "--scope",
        action="append",
        choices=SCOPES,
        required=True,
        help="what the key may do (repeatable); admin implies the others",
    )
    create.add_argument("--name", default="", metavar="TEXT", help="a note saying whose key it is")
    common(create)
    create.set_defaults(func=_create)

    listing = commands.add_parser("list", help="list the keys that are not revoked")
    common(listing)
    listing.set_defaults(func=_list)

    revoke = commands.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("id", metavar="KEY_ID", help="the key's id (key_...), from 'keys list'")
    common(revoke)
    revoke.set_defaults(func=_revoke)
