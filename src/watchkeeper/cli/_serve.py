"""``watchkeeper serve``: the monitoring service's HTTP API on uvicorn.

Auth is on by default; ``--dev`` turns it off, and is refused (exit 2) unless the
server listens on a loopback address, so that a laptop demo can never become an open
ingestion endpoint on a network.

``--workers N`` runs N uvicorn worker processes on one PostgreSQL store: the store is
migrated once here, the workers build the app from the environment, and one of them
(an advisory lock) runs the background loop (``service/_leader.py``). SQLite stays
single-process (exit 2).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

from watchkeeper._exceptions import InputError, MissingDependency, WatchkeeperError
from watchkeeper.cli._common import Subparsers

__all__ = ["add_parser", "main", "run"]

EXIT_BAD_INPUT = 2


def add_parser(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Register ``serve``."""
    parser = subparsers.add_parser(
        "serve",
        help="run the monitoring service's HTTP API",
        description="Run the HTTP API (ingestion, windows, metrics, alerts) on uvicorn. "
        "Settings not given here come from WATCHKEEPER_* environment variables.",
    )
    _arguments(parser)
    parser.set_defaults(func=run)


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", metavar="ADDRESS", help="address to bind (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=int, default=8000, metavar="PORT", help="port (default 8000)"
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="SQLAlchemy URL (default $WATCHKEEPER_DATABASE_URL or sqlite:///watchkeeper.db)",
    )
    parser.add_argument("--config", metavar="FILE", help="watchkeeper.yaml: monitors as code")
    parser.add_argument(
        "--dev", action="store_true", help="no API keys (refused unless --host is loopback)"
    )
    parser.add_argument("--window", metavar="DURATION", help="window length, e.g. 1h, 15m")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="worker processes (default 1; more than 1 needs PostgreSQL)",
    )
    parser.add_argument(
        "--log-level",
        default="info",
        choices=("debug", "info", "warning", "error"),
        help="server log level (default info)",
    )


def run(args: argparse.Namespace) -> int:
    """Start the server; returns when it stops."""
    try:
        from watchkeeper.server import create_app, is_loopback
    except ImportError as error:
        if isinstance(error, MissingDependency):
            raise
        raise MissingDependency(error.name or "fastapi", "server") from error
    from watchkeeper.service._settings import Settings, parse_duration

    settings = Settings.from_env()
    changes: dict[str, object] = {}
    if args.database_url:
        changes["database_url"] = args.database_url
    if args.window:
        changes["window"] = parse_duration(args.window)
    if args.config:
        changes["config_path"] = args.config
    if args.dev:
        changes["dev"] = True
    changes["host"] = args.host
    settings = settings.with_(**changes)
    open_api = settings.dev or not settings.auth_enabled
    if open_api and not is_loopback(args.host):
        print(
            f"watchkeeper serve: error: --dev (or WATCHKEEPER_AUTH=0) turns API keys off and is "
            f"allowed only on a loopback address, not {args.host!r}; use --host 127.0.0.1 or "
            "create keys with: watchkeeper keys create --scope admin",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    try:
        import uvicorn
    except ImportError as error:
        raise MissingDependency("uvicorn", "server") from error
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    workers = getattr(args, "workers", 1)
    if workers != 1:
        return _run_workers(args, settings, workers)
    app = create_app(settings=settings)
    if open_api:
        logging.getLogger("watchkeeper.server").warning(
            "API keys are OFF (dev mode); listening on %s only", args.host
        )
    # uvicorn's access log prints raw query strings; ours redacts secrets (_logging.py).
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level=args.log_level)
    return 0


def _run_workers(args: argparse.Namespace, settings: Any, workers: int) -> int:
    """N uvicorn workers, each building the app from the environment set here."""
    import uvicorn

    from watchkeeper.service._leader import check_workers
    from watchkeeper.store import Store

    try:
        check_workers(settings.database_url, workers)
    except InputError as error:
        print(f"watchkeeper serve: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    Store(settings.database_url).close()  # migrate once, before the workers race to
    environment = {
        "WATCHKEEPER_DATABASE_URL": settings.database_url,
        "WATCHKEEPER_HOST": args.host,
        "WATCHKEEPER_WINDOW": args.window,
        "WATCHKEEPER_CONFIG": args.config,
        "WATCHKEEPER_DEV": "1" if args.dev else None,
    }
    os.environ.update({name: value for name, value in environment.items() if value})
    uvicorn.run(
        "watchkeeper.server:create_app",
        factory=True,
        workers=workers,
        host=args.host,
        port=args.port,
        access_log=False,
        log_level=args.log_level,
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``serve`` on its own, for ``python -m watchkeeper.cli._serve``."""
    parser = argparse.ArgumentParser(prog="watchkeeper serve")
    _arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except (WatchkeeperError, MissingDependency) as error:
        print(f"watchkeeper serve: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
