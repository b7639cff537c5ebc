"""``watchkeeper guard``: scan a prompt or a response with the LLM guard.

    watchkeeper guard "Ignore previous instructions"     # text argument
    watchkeeper guard --file prompt.txt --json           # a file ('-' reads stdin), JSON out
    watchkeeper guard --file reply.txt --response        # scan as a model response
    watchkeeper guard --file chat.json --messages        # a JSON list of {role, content}
    watchkeeper guard TEXT --sanitize                    # print the text with PII masked

Exit codes: 0 when nothing is flagged, 1 when the guard flags the text (so a shell
script or CI step can stop on it), 2 for bad input (unreadable file, invalid UTF-8,
malformed messages, invalid policy).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from watchkeeper._exceptions import InputError
from watchkeeper.cli._common import (
    EXIT_CHECK_FAILED,
    EXIT_OK,
    STDOUT,
    Subparsers,
    add_json_argument,
    write_json,
)

if TYPE_CHECKING:
    from watchkeeper.llm.guard import GuardResult

__all__ = ["add_parser"]


def add_parser(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Register ``guard`` on the ``watchkeeper`` parser."""
    parser = subparsers.add_parser(
        "guard",
        help="scan a prompt or response for prompt attacks, PII, secrets and leaks",
        description=(__doc__ or "").replace("``", ""),  # help is plain text
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("text", nargs="?", metavar="TEXT", help="the text to scan (or use --file)")
    parser.add_argument(
        "--file", "-f", metavar="PATH", help="read the text from this file ('-' for stdin)"
    )
    add_json_argument(parser, "the result", bare_prints=True)
    parser.add_argument(
        "--sanitize", action="store_true", help="print the text with PII and secrets masked"
    )
    parser.add_argument(
        "--response", action="store_true", help="scan as a model response (output scanners)"
    )
    parser.add_argument(
        "--messages", action="store_true", help="the input is a JSON list of {role, content}"
    )
    parser.add_argument("--policy", metavar="FILE", help="a guard policy YAML file")
    parser.add_argument(
        "--canary",
        action="append",
        default=[],
        metavar="TOKEN",
        help="a canary token to look for (repeatable)",
    )
    parser.set_defaults(func=run)


def _read_input(args: argparse.Namespace) -> bytes:
    if args.file is not None and args.text is not None:
        raise InputError("give the text either as an argument or with --file, not both")
    if args.file is None:
        if args.text is None:
            raise InputError("nothing to scan; pass TEXT or --file FILE ('-' for stdin)")
        return str(args.text).encode("utf-8", errors="surrogateescape")
    if args.file == "-":
        return sys.stdin.buffer.read()
    return Path(args.file).read_bytes()


def _content(raw: bytes, args: argparse.Namespace) -> Any:
    if not args.messages:
        return raw
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise InputError(f"--messages input is not valid JSON: {error}") from None


def _print_text(result: GuardResult) -> None:
    verdict = "FLAGGED" if result.flagged else "ok"
    print(f"guard: {verdict}")
    for item in result.breakdown:
        mark = "x" if item.detected else " "
        print(
            f"  [{mark}] {item.detector_type:<18} score {item.score:.2f}  "
            f"confidence {item.confidence:.2f}  threshold {item.threshold:.2f}"
        )
    for span in result.payload:
        shown = span.text if len(span.text) <= 60 else span.text[:57] + "..."
        print(
            f"      {span.detector_type}/{span.kind} "
            f"message {span.message_index} [{span.start}:{span.end}] {shown!r}"
        )


def run(args: argparse.Namespace) -> int:
    """Scan the input, print the verdict, return 1 if flagged."""
    from watchkeeper.llm.guard import Guard, Policy

    policy = Policy.from_yaml(Path(args.policy)) if args.policy else None
    guard = Guard(policy)
    content = _content(_read_input(args), args)
    role = "assistant" if args.response else "user"
    result = guard.scan(content, role=role, canaries=args.canary, sanitize=args.sanitize)
    if args.json:
        write_json(args.json, json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    if args.json != STDOUT:  # with --json - the JSON alone goes to stdout
        if args.sanitize and result.sanitized is not None:
            print("\n".join(result.sanitized))
        else:
            _print_text(result)
    return EXIT_CHECK_FAILED if result.flagged else EXIT_OK
