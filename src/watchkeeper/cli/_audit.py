"""``watchkeeper audit list|export|verify``: the service's audit trail, read from its store.

``verify`` walks the hash chain and exits 1 at the first broken link (0 when intact);
``--jsonl FILE`` verifies an export instead of the database, and ``--head HASH``
checks that the chain still ends where a hash kept elsewhere says it did (which is what
catches the newest entries being removed).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from watchkeeper.cli._common import (
    EXIT_CHECK_FAILED,
    EXIT_OK,
    STDOUT,
    Subparsers,
    add_database_url_argument,
    add_json_argument,
    add_quiet_argument,
    write_json,
)

__all__ = ["add_parser"]


def _url(args: argparse.Namespace) -> str:
    from watchkeeper.service._settings import Settings

    return str(args.database_url or Settings.from_env().database_url)


def _time(text: str) -> datetime:
    from watchkeeper._exceptions import InputError

    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"time {text!r} is not ISO 8601; e.g. 2024-05-01T00:00:00Z") from None
    if value.tzinfo is None:
        raise InputError(f"time {text!r} has no time zone; add Z for UTC")
    return value


def _filters(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "model": args.model,
        "action": args.action,
        "actor": args.actor,
        "target": args.target,
        "since": _time(args.since) if args.since else None,
        "until": _time(args.until) if args.until else None,
    }


def _list(args: argparse.Namespace) -> int:
    from watchkeeper.compliance._audit import AuditRepository, open_existing_store

    store = open_existing_store(_url(args))
    try:
        entries = AuditRepository(store.engine).list_audit(
            **_filters(args), limit=args.limit, newest_first=True
        )
    finally:
        store.close()
    entries.reverse()
    if args.json:
        write_json(args.json, [e.to_dict() for e in entries])
        if args.json == STDOUT:
            return EXIT_OK
    if not args.quiet:
        for e in entries:
            actor = e.actor_id if e.actor_name in ("", e.actor_id) else f"{e.actor_name}"
            print(f"{e.seq}\t{e.at.isoformat()}\t{actor}\t{e.action}\t{e.target}")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from watchkeeper.compliance._audit import AuditRepository, open_existing_store, write_jsonl

    store = open_existing_store(_url(args))
    try:
        repo = AuditRepository(store.engine)
        if args.jsonl == STDOUT:
            count = write_jsonl(repo.iter_audit(), sys.stdout)
        else:
            with open(args.jsonl, "w", encoding="utf-8") as stream:
                count = write_jsonl(repo.iter_audit(), stream)
    finally:
        store.close()
    if not args.quiet and args.jsonl != STDOUT:
        print(f"wrote {count} audit entries to {args.jsonl}", file=sys.stderr)
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    from watchkeeper.compliance._audit import (
        AuditRepository,
        open_existing_store,
        read_jsonl,
        verify_chain,
    )

    if args.jsonl:
        check = verify_chain(read_jsonl(args.jsonl))
    else:
        store = open_existing_store(_url(args))
        try:
            check = AuditRepository(store.engine).verify_audit()
        finally:
            store.close()
    result = check.to_dict()
    ok = check.ok
    if ok and args.head and args.head != check.head_hash:
        ok = False
        result["reason"] = (
            f"the chain ends at entry {check.head_seq} with hash {check.head_hash}, "
            f"not {args.head}: entries were removed from its end or the hash is of another trail"
        )
    result["ok"] = ok
    if args.json:
        write_json(args.json, result)
    if not args.quiet and args.json != STDOUT:
        if ok:
            print(f"audit trail intact: {check.checked} entries, head {check.head_hash}")
        elif check.ok:
            print(f"audit trail broken: {result['reason']}", file=sys.stderr)
        else:
            print(
                f"audit trail broken at entry {check.broken_seq}: {check.reason} "
                f"({check.checked} entries before it are intact)",
                file=sys.stderr,
            )
    return EXIT_OK if ok else EXIT_CHECK_FAILED


def add_parser(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Register ``audit`` with its sub-commands ``list``, ``export`` and ``verify``."""
    parser = subparsers.add_parser(
        "audit", help="list, export and verify the service's tamper-evident audit trail"
    )
    commands = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)

    listing = commands.add_parser("list", help="list entries, oldest first, filtered")
    listing.add_argument("--model", metavar="NAME", help="only entries about this model")
    listing.add_argument(
        "--action", metavar="ACTION", help="only this action (version.promote; 'version.' all)"
    )
    listing.add_argument("--actor", metavar="KEY", help="only this key id or key name")
    listing.add_argument("--target", metavar="PREFIX", help="only targets starting so")
    listing.add_argument("--since", metavar="TIME", help="from this ISO 8601 time on")
    listing.add_argument("--until", metavar="TIME", help="before this ISO 8601 time")
    listing.add_argument(
        "--limit", type=int, default=100, metavar="N", help="the newest N entries (100)"
    )
    add_database_url_argument(listing)
    add_json_argument(listing, "the entries")
    add_quiet_argument(listing)
    listing.set_defaults(func=_list)

    export = commands.add_parser("export", help="write every entry as JSON lines, hashes included")
    export.add_argument(
        "--jsonl", metavar="PATH", required=True, help="where to write ('-': standard output)"
    )
    add_database_url_argument(export)
    add_quiet_argument(export)
    export.set_defaults(func=_export)

    verify = commands.add_parser(
        "verify", help="check the hash chain; exit 1 at the first broken link"
    )
    verify.add_argument(
        "--jsonl", metavar="PATH", help="verify this export instead of the database"
    )
    verify.add_argument(
        "--head", metavar="HASH", help="the head hash recorded earlier: the chain must end at it"
    )
    add_database_url_argument(verify)
    add_json_argument(verify, "the result")
    add_quiet_argument(verify)
    verify.set_defaults(func=_verify)
