"""A real HTTP server on loopback that records what the SDK posts and answers as told."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest

KEY = "wk_test_5ecret_key_that_must_never_be_logged"


@dataclass
class Posted:
    path: str
    headers: dict[str, str]
    body: Any


# (path, body, how many posts to this path came before) -> (status, answer, headers)
Behaviour = Callable[[str, Any, int], tuple[int, Any, dict[str, str]]]


def accept_all(path: str, body: Any, seen: int) -> tuple[int, Any, dict[str, str]]:
    if path.endswith("/predictions"):
        return 200, {"accepted": len(body["records"]), "duplicates": 0, "rejected": []}, {}
    if path.endswith("/labels"):
        n = len(body["labels"])
        return 200, {"accepted": n, "duplicates": 0, "unknown_ids": [], "n_unknown": 0}, {}
    return 200, {"accepted": len(body.get("points", []))}, {}


@dataclass
class Recorder:
    """The loopback server: ``url``, every request in ``posted``, answers from ``behaviour``."""

    url: str = ""
    behaviour: Behaviour = accept_all
    posted: list[Posted] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, suffix: str) -> list[Posted]:
        with self.lock:
            return [post for post in self.posted if post.path.endswith(suffix)]

    def records(self) -> list[dict[str, Any]]:
        return [record for post in self.to("/predictions") for record in post.body["records"]]


def arrow_as_json(data: bytes, version: str) -> dict[str, Any]:
    """An Arrow IPC prediction batch (the SDK's record mode) as the JSON body it stands
    for, so that the tests read one shape whatever the SDK sent."""
    import pyarrow as pa

    table = pa.ipc.open_stream(data).read_all()
    records = []
    for row in table.to_pylist():
        record: dict[str, Any] = {
            "id": row.pop("id"),
            "timestamp": row.pop("timestamp").isoformat(),
            "features": {},
            "prediction": row.pop("prediction"),
        }
        scores: dict[str, Any] = {}
        segment: dict[str, Any] = {}
        for name, value in row.items():
            if name.startswith("feature.") and value is not None:
                record["features"][name[8:]] = value
            elif name.startswith("score.") and value is not None:
                scores[name[6:]] = value
            elif name.startswith("segment.") and value is not None:
                segment[name[8:]] = value
            elif name in ("score", "latency_ms") and value is not None:
                record[name] = value
            elif name == "error" and value:
                record["error"] = True
        if scores:
            record["score"] = scores
        if segment:
            record["segment"] = segment
        records.append(record)
    return {"version": version, "records": records}


def _handler(recorder: Recorder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Without it Nagle's algorithm and delayed ACKs add 40 ms to each answer.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            data = self.rfile.read(length)
            path, _, query = self.path.partition("?")
            if self.headers.get("Content-Type") == "application/vnd.apache.arrow.stream":
                body = arrow_as_json(data, parse_qs(query)["version"][0])
            else:
                body = json.loads(data or b"null")
            with recorder.lock:
                seen = sum(post.path == path for post in recorder.posted)
                recorder.posted.append(Posted(path, dict(self.headers), body))
            status, answer, headers = recorder.behaviour(path, body, seen)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep the test output clean

    return Handler


@pytest.fixture
def server() -> Iterator[Recorder]:
    recorder = Recorder()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(recorder))
    httpd.daemon_threads = True
    recorder.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield recorder
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def down_url() -> str:
    """A loopback URL nothing listens on (the port was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
