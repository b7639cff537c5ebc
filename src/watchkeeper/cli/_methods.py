"""``watchkeeper methods``: the registered drift tests and distances, from the registry."""

from __future__ import annotations

import argparse
import json

from watchkeeper.cli._main import EXIT_OK
from watchkeeper.stats import available_methods

__all__ = ["add_parser"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("methods", help="list the drift tests and distances")
    parser.add_argument("--kind", choices=("numeric", "categorical"), help="only this kind")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    methods = available_methods(args.kind)
    if args.json:
        print(json.dumps([m.to_dict() for m in methods], indent=2))
        return EXIT_OK
    for method in methods:
        direction = "p < thr" if method.output == "p_value" else "d >= thr"
        kinds = ",".join(sorted(method.kinds))
        print(
            f"{method.name:18} {kinds:20} {method.input:8} {direction:9} "
            f"{method.default_threshold:<7g} {method.description}"
        )
    return EXIT_OK
