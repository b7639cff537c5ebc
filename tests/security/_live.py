"""The real server in a child process (``python -m watchkeeper serve``), so that a probe
that crashes it fails a test instead of killing pytest, and its memory can be read from
/proc. Keys are created in the store before it starts, as an operator would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from watchkeeper.service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

SCHEMA = {"x": "numeric"}


@dataclass
class LiveServer:
    process: subprocess.Popen[bytes]
    base: str
    keys: dict[str, str]

    def headers(self, scope: str, **more: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[scope]}", **more}

    def alive(self) -> bool:
        if self.process.poll() is not None:
            return False
        return httpx.get(f"{self.base}/healthz", timeout=10).status_code == 200

    def peak_rss_mib(self) -> float:
        """The server's peak resident memory so far (VmHWM), in MiB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(row for row in status.splitlines() if row.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(folder: Path, **env: str) -> LiveServer:
    url = f"sqlite:///{folder / 'wk.db'}"
    service = MonitoringService(Store(url), Settings(database_url=url))
    keys = {s: service.create_api_key([s], name=f"{s}-key")[1] for s in ("ingest", "read", "admin")}
    service.store.close()
    port = _free_port()
    environ = {
        **os.environ,
        "WATCHKEEPER_DATABASE_URL": url,
        "WATCHKEEPER_TICK_SECONDS": "0",
        **env,
    }
    command = [sys.executable, "-m", "watchkeeper", "serve", "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning"]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=folder, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    server = LiveServer(process, f"http://127.0.0.1:{port}", keys)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode() if process.stderr else "exited")
        try:
            if server.alive():
                break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        process.kill()
        raise AssertionError("the server did not start within 60 s")
    admin = server.headers("admin")
    created = httpx.post(
        f"{server.base}/v1/models",
        json={"name": "churn", "task": "binary_classification", "schema": SCHEMA},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    reference = [{"x": float(i)} for i in range(50)]
    version = httpx.post(
        f"{server.base}/v1/models/churn/versions",
        json={"version": "v1", "reference": reference, "activate": True},
        headers=admin,
    )
    assert version.status_code == 201, version.text
    return server
