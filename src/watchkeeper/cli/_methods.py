"""``watchkeeper methods``: the registered drift tests and distances, from the registry."""

from __future__ import annotations

import argparse

from watchkeeper.cli._common import EXIT_OK, STDOUT, Subparsers, add_json_argument, write_json

__all__ = ["add_parser"]


def add_parser(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Register ``methods``."""
    parser = subparsers.add_parser("methods", help="list the drift tests and distances")
    parser.add_argument("--kind", choices=("numeric", "categorical"), help="only this kind")
    add_json_argument(parser, "the methods", bare_prints=True)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the registry (a table, or JSON)."""
    from watchkeeper.stats import available_methods

    methods = available_methods(args.kind)
    if args.json:
        write_json(args.json, [m.to_dict() for m in methods])
        if args.json == STDOUT:
            return EXIT_OK
    for method in methods:
        direction = "p < thr" if method.output == "p_value" else "d >= thr"
        kinds = ",".join(sorted(method.kinds))
        print(
            f"{method.name:18} {kinds:20} {method.input:8} {direction:9} "
            f"{method.default_threshold:<7g} {method.description}"
        )
    return EXIT_OK
