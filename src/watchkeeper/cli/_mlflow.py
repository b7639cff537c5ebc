"""``watchkeeper mlflow register MODEL VERSION URI``: a version from an MLflow model URI.

Resolves ``URI`` (``models:/NAME/VERSION``, ``models:/NAME@ALIAS``, ``models:/NAME/latest``,
``runs:/RUN_ID/PATH``) with MLflow's client (``MLFLOW_TRACKING_URI`` or
``--tracking-uri``), creates the watchkeeper version on the store directly
(``--database-url``; the model must exist) and records the MLflow model version on it;
``watchkeeper mlflow show MODEL VERSION`` prints what is recorded. A registration is in
the audit trail as ``cli:USER``. See :mod:`watchkeeper.service._mlflow`.
"""

from __future__ import annotations

import argparse
import json

from watchkeeper.cli._common import (
    EXIT_OK,
    STDOUT,
    Subparsers,
    add_database_url_argument,
    add_json_argument,
    add_quiet_argument,
    open_service,
    write_json,
)

__all__ = ["add_parser"]


def _register(args: argparse.Namespace) -> int:
    from watchkeeper.compliance._audit import Actor
    from watchkeeper.io import read_table
    from watchkeeper.service._mlflow import mlflow_of, register_mlflow_version

    reference = read_table(args.reference) if args.reference else None
    service = open_service(args.database_url)
    try:
        info = register_mlflow_version(
            service, args.model, args.version, args.uri, reference=reference,
            activate=args.activate, tracking_uri=args.tracking_uri, actor=Actor.command_line(),
        )  # fmt: skip
        recorded = mlflow_of(service, args.model, args.version)
    finally:
        service.store.close()
    payload = {**info.to_dict(), "mlflow": recorded}
    _report(args, payload)
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    from watchkeeper.service._mlflow import mlflow_of

    service = open_service(args.database_url)
    try:
        recorded = mlflow_of(service, args.model, args.version)
    finally:
        service.store.close()
    _report(args, {"model": args.model, "version": args.version, "mlflow": recorded})
    return EXIT_OK


def _report(args: argparse.Namespace, payload: dict[str, object]) -> None:
    if args.json:
        write_json(args.json, payload)
    if not args.quiet and args.json != STDOUT:
        recorded = payload["mlflow"]
        text = json.dumps(recorded, sort_keys=True) if recorded else "no MLflow model recorded"
        print(f"{args.model}/{args.version}: {text}")


def _common(parser: argparse.ArgumentParser) -> None:
    add_database_url_argument(parser)
    add_json_argument(parser, "the version and its recorded MLflow model")
    add_quiet_argument(parser)


def add_parser(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Register ``mlflow`` with its sub-commands ``register`` and ``show``."""
    parser = subparsers.add_parser("mlflow", help="model versions from MLflow model URIs")
    commands = parser.add_subparsers(dest="mlflow_command", metavar="ACTION", required=True)
    register = commands.add_parser(
        "register", help="create a version from an MLflow model URI and record its MLflow version"
    )
    register.add_argument("model", metavar="MODEL", help="the watchkeeper model (must exist)")
    register.add_argument("version", metavar="VERSION", help="the watchkeeper version to create")
    register.add_argument(
        "uri", metavar="URI", help="models:/NAME/VERSION, models:/NAME@ALIAS or runs:/RUN_ID/PATH"
    )
    register.add_argument("--reference", metavar="FILE", help="the version's reference data")
    register.add_argument("--activate", action="store_true", help="make it the active version")
    register.add_argument(
        "--tracking-uri", metavar="URI", help="MLflow's tracking server (default: MLflow's own)"
    )
    _common(register)
    register.set_defaults(func=_register)
    show = commands.add_parser("show", help="print the MLflow model recorded on a version")
    show.add_argument("model", metavar="MODEL", help="the watchkeeper model")
    show.add_argument("version", metavar="VERSION", help="the watchkeeper version")
    _common(show)
    show.set_defaults(func=_show)
