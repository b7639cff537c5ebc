"""``watchkeeper grafana dashboard`` and ``watchkeeper prometheus rules``.

For teams that already run Prometheus and Grafana: a dashboard JSON model over the
``/metrics`` series, and alerting rules translated from the monitors of
``watchkeeper.yaml`` (check them with ``promtool check rules FILE``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

__all__ = ["add_parser"]


def _write(text: str, output: str | None) -> None:
    if output in (None, "-"):
        sys.stdout.write(text)
        return
    Path(str(output)).write_text(text, encoding="utf-8")
    print(f"wrote {output}", file=sys.stderr)


def _dashboard(args: argparse.Namespace) -> int:
    from watchkeeper.service.exposition._grafana import grafana_dashboard

    board = grafana_dashboard(model=args.model, title=args.title)
    _write(json.dumps(board, indent=2) + "\n", args.output)
    return 0


def _rules(args: argparse.Namespace) -> int:
    from watchkeeper.service.config import InvalidConfigError, load_config
    from watchkeeper.service.exposition._rules import render_rules_yaml, rules_from_config

    path = args.config or os.environ.get("WATCHKEEPER_CONFIG") or "watchkeeper.yaml"
    try:
        config = load_config(path)
    except InvalidConfigError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 2
    rules = rules_from_config(config, model=args.model)
    _write(render_rules_yaml(rules, source=str(path)), args.output)
    for why in rules.skipped:
        print(f"skipped: {why}", file=sys.stderr)
    return 0


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``grafana`` and ``prometheus``."""
    grafana = subparsers.add_parser("grafana", help="Grafana artifacts for the /metrics series")
    grafana_commands = grafana.add_subparsers(dest="grafana_command", metavar="COMMAND")
    board = grafana_commands.add_parser(
        "dashboard",
        help="write a Grafana dashboard (JSON) with model, version and feature variables",
    )
    board.add_argument("--model", help="preselect this model (default: all models)")
    board.add_argument("--title", help="the dashboard's title")
    board.add_argument("-o", "--output", help="file to write (default: standard output)")
    board.set_defaults(func=_dashboard)

    prometheus = subparsers.add_parser("prometheus", help="Prometheus artifacts")
    prometheus_commands = prometheus.add_subparsers(dest="prometheus_command", metavar="COMMAND")
    rules = prometheus_commands.add_parser(
        "rules", help="turn the monitors of watchkeeper.yaml into Prometheus alerting rules"
    )
    rules.add_argument(
        "--config", help="the watchkeeper.yaml (default: $WATCHKEEPER_CONFIG or ./watchkeeper.yaml)"
    )
    rules.add_argument("--model", help="only this model's monitors")
    rules.add_argument("-o", "--output", help="file to write (default: standard output)")
    rules.set_defaults(func=_rules)
