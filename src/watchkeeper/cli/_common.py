"""Conventions every sub-command follows, in one place.

One rule each:

- ``--json PATH`` writes a file and ``-`` means standard output
  (:func:`add_json_argument`, :func:`write_output`); a command that used to print
  on a bare ``--json`` keeps doing so (``nargs='?'``, ``const='-'``);
- ``--quiet`` prints nothing but errors and silences warnings
  (:func:`add_quiet_argument`); warnings print as one line,
  ``watchkeeper: warning: ...``, without source lines (:func:`one_line_warnings`);
- metavars name the thing (``ROWS``, ``PATH``, ``COL``), never a bare upper-cased dest;
- help text is plain text, no reStructuredText markup.

This module imports only the standard library: ``watchkeeper --help`` imports every
command module, so a command module imports heavy packages inside its functions.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from watchkeeper.service._service import MonitoringService

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_CHECK_FAILED",
    "EXIT_OK",
    "STDOUT",
    "Subparsers",
    "add_database_url_argument",
    "add_json_argument",
    "add_quiet_argument",
    "format_warning",
    "one_line_warnings",
    "open_service",
    "write_json",
    "write_output",
]

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2

STDOUT = "-"
"""The destination that means standard output, for ``--json`` and other ``PATH`` options."""

Subparsers = argparse._SubParsersAction


def add_json_argument(
    parser: argparse.ArgumentParser, what: str, *, bare_prints: bool = False
) -> None:
    """Add ``--json PATH``: write ``what`` as JSON to PATH, ``-`` for standard output.

    With ``bare_prints``, a bare ``--json`` (no PATH) also prints, for the commands
    whose ``--json`` used to be a flag.

    >>> parser = argparse.ArgumentParser(prog="demo")
    >>> add_json_argument(parser, "the result", bare_prints=True)
    >>> parser.parse_args(["--json"]).json, parser.parse_args(["--json", "out.json"]).json
    ('-', 'out.json')
    >>> parser.parse_args([]).json is None
    True
    """
    if bare_prints:
        parser.add_argument(
            "--json",
            nargs="?",
            const=STDOUT,
            metavar="PATH",
            help=f"write {what} as JSON to PATH ('-' or no PATH: standard output)",
        )
    else:
        parser.add_argument(
            "--json", metavar="PATH", help=f"write {what} as JSON to PATH ('-': standard output)"
        )


def add_quiet_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--quiet``: print nothing but errors, warnings included."""
    parser.add_argument(
        "--quiet", action="store_true", help="print nothing but errors (warnings included)"
    )


def add_database_url_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--database-url URL``: the service's database, for commands that use the store."""
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="the service's database (default: WATCHKEEPER_DATABASE_URL or "
        "sqlite:///watchkeeper.db)",
    )


def open_service(database_url: str | None, *, existing: bool = True) -> MonitoringService:
    """The service over the store at ``database_url`` (default: the settings' URL).

    With ``existing``, a SQLite file that does not exist is refused rather than created
    (``compliance._audit.open_existing_store``). The caller closes ``service.store``.
    """
    from watchkeeper.compliance._audit import open_existing_store
    from watchkeeper.service._service import MonitoringService
    from watchkeeper.service._settings import Settings
    from watchkeeper.store import Store

    settings = Settings.from_env()
    url = database_url or settings.database_url
    store = open_existing_store(url) if existing else Store(url)
    return MonitoringService(store, settings.with_(database_url=url))


def write_output(destination: str, text: str, *, stdout: TextIO | None = None) -> None:
    """Write ``text`` to the file ``destination``, or to standard output if it is ``-``.

    A trailing newline is added when missing.

    >>> write_output("-", "hello")
    hello
    """
    if not text.endswith("\n"):
        text += "\n"
    if destination == STDOUT:
        (stdout or sys.stdout).write(text)
        return
    Path(destination).write_text(text, encoding="utf-8")


def write_json(destination: str, payload: object, *, stdout: TextIO | None = None) -> None:
    """Write ``payload`` as indented JSON to ``destination`` (``-``: standard output).

    ``payload`` may already be a JSON string (a result's own ``to_json()``).

    >>> write_json("-", {"drift": True, "share": 0.25})
    {
      "drift": true,
      "share": 0.25
    }
    """
    text = payload if isinstance(payload, str) else json.dumps(payload, indent=2)
    write_output(destination, text, stdout=stdout)


def format_warning(message: Warning | str) -> str:
    """One line for a warning: ``watchkeeper: warning: ...``.

    >>> format_warning(RuntimeWarning("only 4 reference chunks;\\nthresholds are unreliable"))
    'watchkeeper: warning: only 4 reference chunks; thresholds are unreliable'
    """
    text = " ".join(str(message).split())
    return f"watchkeeper: warning: {text}"


@contextmanager
def one_line_warnings(*, quiet: bool, stream: TextIO | None = None) -> Iterator[None]:
    """Within the block, each warning prints as one line on stderr; none if ``quiet``.

    Every distinct message prints once.
    """
    with warnings.catch_warnings():
        if quiet:
            warnings.simplefilter("ignore")
            yield
            return
        seen: set[str] = set()

        def show(
            message: Warning | str,
            category: type[Warning],
            filename: str,
            lineno: int,
            file: TextIO | None = None,
            line: str | None = None,
        ) -> None:
            text = format_warning(message)
            if text in seen:
                return
            seen.add(text)
            print(text, file=stream or sys.stderr)

        warnings.showwarning = show
        yield
