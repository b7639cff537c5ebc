"""The real server on a uvicorn thread, for tests whose client talks HTTP (the SDK,
Spark jobs)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest


@contextlib.contextmanager
def serving(service: Any, settings: Any) -> Iterator[str]:
    """The real server over ``service`` on a uvicorn thread; yields its base URL."""
    uvicorn = pytest.importorskip("uvicorn")
    from watchkeeper.server import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(service, settings), host="127.0.0.1", port=port,
                       log_level="warning")
    )  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
