"""Argument parsing and the error boundary shared by every sub-command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from importlib import import_module

from watchkeeper._exceptions import MissingDependency, WatchkeeperError
from watchkeeper._version import __version__

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2

# One module per sub-command; each exposes add_parser(subparsers).
_COMMAND_MODULES: tuple[str, ...] = (
    "_report",
    "_methods",
    "_performance",
    "_estimate",
    "_serve",
    "_keys",
    "_guard",
    "_config",
    "_apply",
    "_profile",
)


def build_parser() -> argparse.ArgumentParser:
    """The ``watchkeeper`` argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="watchkeeper",
        description="Keeps watch over machine-learning models: drift, quality, performance.",
    )
    parser.add_argument("--version", action="version", version=f"watchkeeper {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in _COMMAND_MODULES:
        module = import_module(f"watchkeeper.cli.{module_name}")
        add_parser: Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]
        add_parser = module.add_parser
        add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except (WatchkeeperError, MissingDependency, FileNotFoundError) as error:
        print(f"watchkeeper {args.command}: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
