"""A webhook receiver on loopback, so the demo's alerts arrive somewhere you can see."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from watchkeeper.service.notifiers import WebhookVerificationError, verify_webhook

__all__ = ["WebhookReceiver"]


class WebhookReceiver:
    """Records every POSTed alert (and whether its HMAC signature checks out) to a file."""

    def __init__(self, log_path: Path, secret: str) -> None:
        self.log_path = log_path
        self.secret = secret
        self.received: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                event = json.loads(body or b"{}")
                try:
                    verify_webhook(dict(self.headers.items()), body, receiver.secret)
                    event["signature_valid"] = True
                except WebhookVerificationError:
                    event["signature_valid"] = False
                receiver.received.append(event)
                with receiver.log_path.open("a", encoding="utf-8") as log:
                    log.write(json.dumps(event) + "\n")
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return  # the demo prints its own summary

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/alerts"

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
