"""``watchkeeper card MODEL [VERSION]``: a model card read from the service's store.

Writes Markdown (``--markdown PATH``), a self-contained HTML page (``--html PATH``)
and/or the card's data (``--json PATH``); with none of them, prints the Markdown.
Owner and intended use come from the model's entry in ``watchkeeper.yaml``
(``--config``, default ``WATCHKEEPER_CONFIG``, else ``./watchkeeper.yaml`` if present).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from watchkeeper.cli._common import (
    EXIT_OK,
    STDOUT,
    Subparsers,
    add_database_url_argument,
    add_json_argument,
    add_quiet_argument,
    write_json,
    write_output,
)

__all__ = ["add_parser"]


def _config(args: argparse.Namespace, settings: Any) -> Any:
    from watchkeeper.service.config import load_config

    path = args.config or settings.config_path
    if path is None and Path("watchkeeper.yaml").is_file():
        path = "watchkeeper.yaml"
    return None if path is None else load_config(path)


def _card(args: argparse.Namespace) -> int:
    from watchkeeper.compliance._audit import open_existing_store
    from watchkeeper.compliance._card import build_card
    from watchkeeper.compliance._card_render import render_card_html, render_card_markdown
    from watchkeeper.service._settings import Settings

    settings = Settings.from_env()
    config = _config(args, settings)
    store = open_existing_store(args.database_url or settings.database_url)
    try:
        card = build_card(store, args.model, args.version, config=config)
    finally:
        store.close()
    written = []
    if args.html:
        write_output(args.html, render_card_html(card))
        written.append(args.html)
    if args.markdown:
        write_output(args.markdown, render_card_markdown(card))
        written.append(args.markdown)
    if args.json:
        write_json(args.json, card.to_dict())
        written.append(args.json)
    if not written:
        write_output(STDOUT, render_card_markdown(card))
    elif not args.quiet and STDOUT not in written:
        which = " ".join(part for part in (card.model, card.version) if part)
        print(f"wrote the card of {which} to {', '.join(written)}", file=sys.stderr)
    return EXIT_OK


def add_parser(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Register ``card``."""
    parser = subparsers.add_parser(
        "card", help="write a model card (Markdown, HTML) from the service's store"
    )
    parser.add_argument("model", metavar="MODEL", help="the model's name")
    parser.add_argument(
        "version", metavar="VERSION", nargs="?", help="the version (default: the active one)"
    )
    parser.add_argument("--html", metavar="PATH", help="write a self-contained HTML page")
    parser.add_argument("--markdown", metavar="PATH", help="write Markdown ('-': standard output)")
    parser.add_argument(
        "--config", metavar="PATH", help="watchkeeper.yaml, for owner and intended use"
    )
    add_database_url_argument(parser)
    add_json_argument(parser, "the card's data")
    add_quiet_argument(parser)
    parser.set_defaults(func=_card)
