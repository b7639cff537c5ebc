"""Throughput and latency of ``POST /v1/guard`` on uvicorn, with and without logging to a model.

    python bench/bench_guard_server.py [--requests 2000] [--clients 4] [--json OUT]

Starts uvicorn (one process, the app of ``watchkeeper.server.create_app`` with the guard
router, auth off on loopback, SQLite in a temporary directory) as a subprocess on a free
loopback port, registers a model ``chat`` of task ``llm`` whose version has a reference
of 200 guarded prompts, and sends the 1,000-character prompt of bench/bench_guard.py
(an e-mail address and a URL in it, so the answer carries a payload):

1. ``/healthz``: the HTTP floor of this server (no guard, one SELECT 1);
2. ``/v1/guard`` with ``{"text": ...}``: the guard alone;
3. ``/v1/guard`` with ``"model": "chat"``: the guard plus descriptors plus one durable
   prediction record per request (SQLite commit);

each first by one client over a keep-alive connection (latency: p50 and p99 of the
round trip), then by ``--clients`` threads at once (throughput: requests per second of
wall time). The in-process ``Guard.scan`` time of the same prompt is printed beside
them, so the difference is what HTTP, JSON and logging cost. Client and server share
the machine's cores; on a busy machine the tail is time spent waiting for a core.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_guard import PROMPT_1000

PROMPT = [PROMPT_1000]  # the prompt sent; --chars replaces it

WARMUP = 50


def make_app() -> Any:
    """The served app: ``create_app`` from the environment (the guard router is in it)."""
    from watchkeeper.server import create_app

    return create_app()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _server(workdir: Path) -> Iterator[str]:
    port = _free_port()
    command = [sys.executable, "-m", "uvicorn", "bench_guard_server:make_app", "--factory"]
    command += ["--app-dir", str(Path(__file__).resolve().parent), "--port", str(port)]
    command += ["--host", "127.0.0.1", "--log-level", "warning", "--no-access-log"]
    env = {
        **os.environ,
        "WATCHKEEPER_DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "WATCHKEEPER_DEV": "1",
    }
    process = subprocess.Popen(command, cwd=workdir, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the server did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _latency(base: str, path: str, body: dict[str, Any] | None, n: int) -> dict[str, float]:
    times: list[float] = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for i in range(WARMUP + n):
            started = time.perf_counter()
            answer = _send(client, path, body, i)
            if i >= WARMUP:
                times.append(time.perf_counter() - started)
            if answer.status_code != 200:
                raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:300]}")
    times.sort()
    return {
        "p50_ms": round(statistics.median(times) * 1000, 2),
        "p99_ms": round(times[int(0.99 * (len(times) - 1))] * 1000, 2),
        "sequential_rps": round(len(times) / sum(times)),
    }


def _send(client: httpx.Client, path: str, body: dict[str, Any] | None, i: int) -> httpx.Response:
    if body is None:
        return client.get(path)
    if "model" in body:
        body = {**body, "id": f"r{i}-{time.perf_counter_ns()}"}
    return client.post(path, json=body)


def _throughput(base: str, path: str, body: dict[str, Any] | None, n: int, clients: int) -> float:
    per_client = n // clients
    failures: list[str] = []

    def work() -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            for i in range(per_client):
                answer = _send(client, path, body, i)
                if answer.status_code != 200:
                    failures.append(answer.text[:200])

    threads = [threading.Thread(target=work) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{path}: {len(failures)} failures, first: {failures[0]}")
    return round(per_client * clients / wall)


def _in_process(n: int) -> dict[str, float]:
    from watchkeeper.llm.guard import Guard

    guard = Guard()
    for _ in range(WARMUP):
        guard.scan(PROMPT[0])
    times = []
    for _ in range(n):
        started = time.perf_counter()
        guard.scan(PROMPT[0])
        times.append(time.perf_counter() - started)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times) * 1000, 2),
        "p99_ms": round(times[int(0.99 * (len(times) - 1))] * 1000, 2),
    }


def bench(requests: int, clients: int) -> dict[str, Any]:
    from watchkeeper.llm.monitoring import guard_reference

    reference = guard_reference([PROMPT_1000[: 200 + 4 * i] for i in range(200)])
    rows = reference.to_pylist()
    cases: dict[str, tuple[str, dict[str, Any] | None]] = {
        "healthz": ("/healthz", None),
        "guard": ("/v1/guard", {"text": PROMPT[0]}),
        "guard+log": ("/v1/guard", {"text": PROMPT[0], "model": "chat"}),
    }
    results: dict[str, Any] = {"in_process_scan": _in_process(requests)}
    with tempfile.TemporaryDirectory() as tmp, _server(Path(tmp)) as base:
        httpx.post(f"{base}/v1/models", json={"name": "chat", "task": "llm"}).raise_for_status()
        httpx.post(
            f"{base}/v1/models/chat/versions",
            json={"version": "v1", "reference": rows, "activate": True},
        ).raise_for_status()
        for name, (path, body) in cases.items():
            figures = _latency(base, path, body, requests)
            figures["concurrent_rps"] = _throughput(base, path, body, requests, clients)
            results[name] = figures
    return {"requests": requests, "clients": clients, "prompt_chars": len(PROMPT[0]), **results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--json", metavar="OUT")
    parser.add_argument(
        "--chars", type=int, default=1000, help="prompt length (cut from bench_guard_speed's text)"
    )
    args = parser.parse_args()
    if args.chars != len(PROMPT_1000):
        from bench_guard_speed import prompts

        PROMPT[0] = prompts(args.chars)[0]
    result = bench(args.requests, args.clients)
    scan = result["in_process_scan"]
    print(f"in-process Guard.scan  p50 {scan['p50_ms']} ms  p99 {scan['p99_ms']} ms")
    for name in ("healthz", "guard", "guard+log"):
        f = result[name]
        print(
            f"{name:<10} p50 {f['p50_ms']:>6} ms  p99 {f['p99_ms']:>6} ms  "
            f"{f['sequential_rps']:>5} req/s (1 client)  "
            f"{f['concurrent_rps']:>5} req/s ({result['clients']} clients)"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
