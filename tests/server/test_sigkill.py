"""Kill the server with SIGKILL under load, restart it: no acknowledged record lost or doubled."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _command(port: int) -> list[str]:
    options = ["--dev", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    return [sys.executable, "-m", "watchkeeper", "serve", *options]


def _start(port: int, tmp_path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "WATCHKEEPER_DATABASE_URL": f"sqlite:///{tmp_path / 'wk.db'}"}
    process = subprocess.Popen(
        _command(port), cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode() if process.stderr else "exited")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("the server did not start within 30 s")


def _batch(start: int, n: int) -> dict[str, Any]:
    records = [
        {"id": f"r-{i}", "timestamp": "2024-05-01T12:00:00Z", "features": {"x": float(i)}}
        for i in range(start, start + n)
    ]
    return {"version": "v1", "records": records}


def test_sigkill_loses_no_acknowledged_record(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start(port, tmp_path)
    acknowledged: list[str] = []
    sent: list[str] = []
    size = 200
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            assert client.post("/v1/models", json={"name": "m", "task": "regression"}).is_success
            answer = client.post("/v1/models/m/versions", json={"version": "v1", "activate": True})
            assert answer.is_success

        def load() -> None:
            with httpx.Client(base_url=base, timeout=30) as client:
                start = 0
                while True:
                    body = _batch(start, size)
                    sent.extend(r["id"] for r in body["records"])
                    try:
                        answer = client.post("/v1/models/m/predictions", json=body)
                    except httpx.TransportError:
                        return
                    if answer.status_code == 200:
                        rejected = {e["id"] for e in answer.json()["rejected"]}
                        acknowledged.extend(
                            r["id"] for r in body["records"] if r["id"] not in rejected
                        )
                    start += size

        sender = threading.Thread(target=load, daemon=True)
        sender.start()
        deadline = time.monotonic() + 60
        while len(acknowledged) < 3000 and time.monotonic() < deadline:
            time.sleep(0.01)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        sender.join(timeout=30)
        assert len(acknowledged) >= 3000
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()

    server = _start(port, tmp_path)
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            # Every acknowledged id is already stored: re-sending it is a duplicate.
            for start in range(0, len(acknowledged), 1000):
                chunk = acknowledged[start : start + 1000]
                records = [
                    {"id": i, "timestamp": "2024-05-01T12:00:00Z", "features": {"x": 0.0}}
                    for i in chunk
                ]
                answer = client.post(
                    "/v1/models/m/predictions", json={"version": "v1", "records": records}
                )
                assert answer.json() == {"accepted": 0, "duplicates": len(chunk), "rejected": []}
            # Nothing is stored twice: the window holds each acknowledged id once, plus at
            # most the batch in flight at the kill.
            closed = client.post("/v1/models/m/windows/close", json={"now": "2024-05-02T00:00:00Z"})
            assert closed.status_code == 200, closed.text
            stored = sum(w["n_records"] for w in closed.json()["windows"] if w["segment"] is None)
            assert len(acknowledged) <= stored <= len(set(sent))
            assert len(set(acknowledged)) == len(acknowledged)
    finally:
        server.kill()
        server.wait()
