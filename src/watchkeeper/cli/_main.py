"""Argument parsing and the error boundary shared by every sub-command.

Sub-commands are discovered, not listed: every module of ``watchkeeper.cli`` that
defines ``add_parser(subparsers)`` is a command, so none can be forgotten in a list.
Command modules import only the standard library at module level (heavy packages
inside their functions), which keeps ``--help`` and ``--version`` fast.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pkgutil
import sys
from collections.abc import Callable, Iterator, Sequence
from importlib import import_module
from types import ModuleType

from watchkeeper._exceptions import MissingDependency, WatchkeeperError
from watchkeeper.cli._common import (
    EXIT_BAD_INPUT,
    EXIT_CHECK_FAILED,
    EXIT_OK,
    Subparsers,
    one_line_warnings,
)

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_BROKEN_PIPE",
    "EXIT_CHECK_FAILED",
    "EXIT_OK",
    "build_parser",
    "command_modules",
    "main",
]

EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE: what a shell reports for a command whose reader went away."""


def command_modules() -> Iterator[ModuleType]:
    """Every module of ``watchkeeper.cli`` that defines ``add_parser``, by name."""
    package = import_module("watchkeeper.cli")
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = import_module(f"watchkeeper.cli.{info.name}")
        if callable(getattr(module, "add_parser", None)):
            yield module


class _Version(argparse.Action):
    """``--version``, reading the package metadata only when asked."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        from watchkeeper._version import __version__

        print(f"watchkeeper {__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The ``watchkeeper`` argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="watchkeeper",
        description="Keeps watch over machine-learning models: drift, quality, performance.",
        epilog="Exit codes: 0 fine, 1 a check failed, 2 bad input. "
        "'watchkeeper COMMAND --help' describes a command.",
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="print the version and exit")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in command_modules():
        add_parser: Callable[[Subparsers[argparse.ArgumentParser]], None] = module.add_parser
        add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    try:
        return _run(argv)
    except BrokenPipeError:
        # The reader (``| head``) went away: stop quietly. Point stdout at devnull so
        # the interpreter's final flush does not raise again.
        # (A captured stdout has no file descriptor: nothing to redirect then.)
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _run(argv: Sequence[str] | None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments == ["--version"]:  # answered before the commands are even imported
        from watchkeeper._version import __version__

        print(f"watchkeeper {__version__}")
        return EXIT_OK
    parser = build_parser()
    args = parser.parse_args(arguments)
    if getattr(args, "func", None) is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        with one_line_warnings(quiet=bool(getattr(args, "quiet", False))):
            code = func(args)
            sys.stdout.flush()
            return code
    except (WatchkeeperError, MissingDependency, FileNotFoundError) as error:
        print(f"watchkeeper {args.command}: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
