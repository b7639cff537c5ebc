"""Real receivers on loopback: an HTTP server that records posts and an aiosmtpd SMTP server."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from watchkeeper.service import AlertEvent, AlertState, Condition, Severity

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def make_event(state: AlertState = AlertState.FIRING, **changes: Any) -> AlertEvent:
    fields: dict[str, Any] = {
        "key": "73dd1cfa71e7edc4",
        "monitor": "age-drift",
        "model": "churn",
        "version": "v1",
        "metric": "drift_score",
        "state": state,
        "severity": Severity.CRITICAL,
        "value": 0.31,
        "condition": Condition("above", threshold=0.2),
        "window_start": datetime(2024, 3, 1, 11, 0, tzinfo=UTC),
        "window_end": T0,
        "fired_at": T0,
        "feature": "age",
        "resolved_at": None if state is AlertState.FIRING else datetime(2024, 3, 1, 14, tzinfo=UTC),
        "message": "monitor 'age-drift': drift_score of 'age' on churn v1 is 0.31, above 0.2",
        "url": "http://watchkeeper.test/alerts/73dd1cfa71e7edc4",
    }
    fields.update(changes)
    return AlertEvent(**fields)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class HttpReceiver:
    """Records every POST; answers ``status`` with ``answer`` (and ``location`` for 3xx)."""

    port: int = 0
    status: int = 200
    answer: bytes = b"ok"
    requests: list[Request] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook/T000/SECRET-PATH-TOKEN"


@pytest.fixture
def http_receiver() -> Iterator[HttpReceiver]:
    receiver = HttpReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            receiver.requests.append(Request(self.path, dict(self.headers.items()), body))
            self.send_response(receiver.status)
            if 300 <= receiver.status < 400:
                self.send_header("Location", f"http://127.0.0.1:{receiver.port}/elsewhere")
            self.send_header("Content-Length", str(len(receiver.answer)))
            self.end_headers()
            self.wfile.write(receiver.answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def closed_url() -> str:
    return f"http://127.0.0.1:{free_port()}/hook"


@dataclass
class Mail:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    login: bytes | None


@dataclass
class SmtpReceiver:
    port: int
    mails: list[Mail] = field(default_factory=list)
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)


class _Handler:
    def __init__(self, receiver: SmtpReceiver) -> None:
        self.receiver = receiver

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        login = getattr(session, "auth_data", None) if session.authenticated else None
        self.receiver.mails.append(
            Mail(envelope.mail_from, list(envelope.rcpt_tos), envelope.content, login)
        )
        return "250 Message accepted for delivery"


def _start_smtp(**kwargs: Any) -> tuple[Any, SmtpReceiver]:
    from aiosmtpd.controller import Controller

    receiver = SmtpReceiver(port=free_port())
    controller = Controller(_Handler(receiver), hostname="127.0.0.1", port=receiver.port, **kwargs)
    controller.start()
    return controller, receiver


@pytest.fixture
def smtp_receiver() -> Iterator[SmtpReceiver]:
    controller, receiver = _start_smtp()
    try:
        yield receiver
    finally:
        controller.stop()


USER, PASSWORD = "alerts@example.com", "correct-horse-battery-staple"


@pytest.fixture
def tls_files(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 made by the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def smtp_tls_receiver(tls_files: tuple[Path, Path]) -> Iterator[SmtpReceiver]:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    cert, key = tls_files
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(
        server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        logins.append((data.login, data.password))
        ok = data.login == USER.encode() and data.password == PASSWORD.encode()
        return AuthResult(success=ok, handled=False, auth_data=data.login if ok else None)

    controller, receiver = _start_smtp(
        tls_context=context,
        require_starttls=True,
        authenticator=authenticator,
        auth_require_tls=True,
        auth_required=True,
    )
    receiver.logins = logins
    try:
        yield receiver
    finally:
        controller.stop()
