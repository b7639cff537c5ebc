"""Latency of ``POST /v1/guard`` on uvicorn by prompt length, against the scan in process
and against llm-guard's offline scanners, in one run.

    python bench/bench_guard_server.py [--chars 500,1000,2000,4000,8000] [--requests 1000]
                                       [--clients 4] [--dev] [--no-peer] [--corpus | --degenerate]
                                       [--client httpx|stdlib] [--json OUT]

Starts uvicorn (one process, ``watchkeeper.server.create_app``, SQLite in a temporary
directory) on a free loopback port. Keys are on, as in a deployment: the bench creates
an ingest key and every request carries it, so the key check and the rate limiter
(raised out of the way) are in the figures; ``--dev`` serves without keys. The prompts
are cut from bench_guard_speed's mixed text (prose with an e-mail address and a URL, a
code block, a Chinese paragraph); with ``--corpus``, they are bench_prompt_attack's
prompts instead: rows of the training corpus (``scripts/guard_corpus.py``, benign and
attacks, many not in English) joined to the length, 60 per length, the same seed; with
``--degenerate``, bench_prompt_attack's degenerate prompts (runs of one character, of a
character and a space or newline, repeated trigger words: what a hostile client sends to
find the slowest input). For each length:

1. ``Guard.scan`` in this process: wall and CPU time;
2. ``POST /v1/guard`` by one client over a keep-alive httpx connection: the round trip
   (p50, p99) and the server process's CPU time per request (from /proc, so a busy
   machine's waits for a core are not in it). The client shares the two cores: httpx
   spends about 0.4 ms of CPU a request of its own, the standard library's
   ``http.client`` (``--client stdlib``, also keep-alive) about 0.1 ms;
3. the same with ``--clients`` threads at once: p99 and requests per second.

Then ``GET /healthz`` (the HTTP floor), ``"model": "chat"`` at 4,000 characters (scan plus
one durable record), with ``--paired`` the server against a minimal one at 4,000 characters
(a bare ASGI app on the same uvicorn flags doing only the JSON, ``Guard.scan`` and the
capped answer: no FastAPI, no key; the two are sent each prompt in turn, so that both see
the same machine noise, and the paired median difference is the server's own cost), and
llm-guard 0.3.16's four model-free scanners (Secrets,
InvisibleText, Regex, BanSubstrings; bench/peers/llm_guard_offline.py) on the same
prompts in process, one core. Client and server share the machine's two cores; on a
busy machine the wall-clock tail is time spent waiting for a core, so the load average
is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from json import dumps as _json_dumps
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_guard
import bench_prompt_attack
from bench_guard_speed import prompts

CORPUS_PROMPTS = 60
CORPUS_SEED = 20261205  # bench_prompt_attack's

WARMUP = 30
TARGET_P99_MS = 10.0


def make_app() -> Any:
    """The served app: ``create_app`` from the environment (the guard router is in it)."""
    from watchkeeper.server import create_app

    return create_app()


def make_minimal_app() -> Any:
    """A bare ASGI guard: JSON in, ``Guard.scan``, the capped answer out (``--paired``)."""
    from watchkeeper._json import dumps
    from watchkeeper.llm.guard import Guard
    from watchkeeper.server._guard_caps import cap_answer

    guard = Guard()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"{}"
        if scope["path"] == "/v1/guard":
            body = dumps(cap_answer(guard.scan(json.loads(b"".join(chunks))["text"]).to_dict()))
        headers = [(b"content-type", b"application/json")]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def _server(
    workdir: Path, dev: bool, factory: str = "make_app"
) -> Iterator[tuple[str, int, dict[str, str]]]:
    url = f"sqlite:///{workdir / 'bench.db'}"
    headers: dict[str, str] = {}
    if not dev and factory == "make_app":
        from watchkeeper.service import MonitoringService
        from watchkeeper.service._settings import Settings
        from watchkeeper.store import Store

        service = MonitoringService(Store(url), Settings(database_url=url))
        key = service.create_api_key(["ingest", "admin"], name="bench")[1]
        service.store.close()
        headers = {"Authorization": f"Bearer {key}"}
    port = _free_port()
    command = [sys.executable, "-m", "uvicorn", f"bench_guard_server:{factory}", "--factory"]
    command += ["--app-dir", str(Path(__file__).resolve().parent), "--port", str(port)]
    command += ["--host", "127.0.0.1", "--log-level", "warning", "--no-access-log"]
    env = {**os.environ, "WATCHKEEPER_DATABASE_URL": url}
    env["WATCHKEEPER_DEV"] = "1" if dev else "0"
    env["WATCHKEEPER_RATE_LIMIT_PER_SECOND"] = "1000000"
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
        yield base, process.pid, headers
    finally:
        process.terminate()
        process.wait(timeout=30)


def _quantiles(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {
        "p50_ms": round(times[len(times) // 2] * 1000, 2),
        "p99_ms": round(times[min(len(times) - 1, int(0.99 * len(times)))] * 1000, 2),
        "p999_ms": round(times[min(len(times) - 1, int(0.999 * len(times)))] * 1000, 2),
        "max_ms": round(times[-1] * 1000, 2),
    }


class StdlibClient:
    """The subset of ``httpx.Client`` the bench uses, over one keep-alive ``http.client``
    connection: a lighter client, so that less of the round trip is the client's CPU."""

    def __init__(self, base_url: str, headers: dict[str, str], timeout: float) -> None:
        host, _, port = base_url.removeprefix("http://").partition(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
        self.connection.connect()
        # http.client sends the headers and the body in two writes: without TCP_NODELAY,
        # Nagle holds the body until the server's (delayed) ACK of the headers.
        self.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.headers = headers

    def __enter__(self) -> StdlibClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.connection.close()

    def get(self, path: str) -> _Answer:
        return self._request("GET", path, None, self.headers)

    def post(self, path: str, json: Any) -> _Answer:
        body = _json_dumps(json).encode()
        headers = {**self.headers, "Content-Type": "application/json"}
        return self._request("POST", path, body, headers)

    def _request(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> _Answer:
        self.connection.request(method, path, body, headers)
        answer = self.connection.getresponse()
        return _Answer(answer.status, answer.read().decode())


class _Answer:
    def __init__(self, status_code: int, text: str) -> None:
        self.status_code = status_code
        self.text = text


CLIENTS: dict[str, Callable[..., Any]] = {"httpx": httpx.Client, "stdlib": StdlibClient}
_client: Callable[..., Any] = httpx.Client


def _send(client: Any, path: str, body: dict[str, Any] | None, i: int) -> None:
    if body is None:
        answer = client.get(path)
    else:
        if "model" in body:
            body = {**body, "id": f"r{i}-{time.perf_counter_ns()}"}
        answer = client.post(path, json=body)
    if answer.status_code != 200:
        raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:300]}")


def _sequential(
    base: str, headers: dict[str, str], pid: int, path: str, bodies: list[Any], n: int
) -> dict[str, float]:
    times: list[float] = []
    with _client(base_url=base, headers=headers, timeout=60) as client:
        for i in range(WARMUP):
            _send(client, path, bodies[i % len(bodies)], i)
        cpu = _cpu_seconds(pid)
        for i in range(n):
            started = time.perf_counter()
            _send(client, path, bodies[i % len(bodies)], i)
            times.append(time.perf_counter() - started)
        cpu = _cpu_seconds(pid) - cpu
    return {**_quantiles(times), "server_cpu_ms": round(cpu / n * 1000, 2)}


def _concurrent(
    base: str, headers: dict[str, str], path: str, bodies: list[Any], n: int, clients: int
) -> dict[str, float]:
    per_client = max(1, n // clients)
    times: list[float] = []
    failures: list[str] = []

    def work() -> None:
        with _client(base_url=base, headers=headers, timeout=60) as client:
            for i in range(per_client):
                started = time.perf_counter()
                try:
                    _send(client, path, bodies[i % len(bodies)], i)
                except RuntimeError as error:
                    failures.append(str(error))
                times.append(time.perf_counter() - started)

    threads = [threading.Thread(target=work) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{path}: {len(failures)} failures, first: {failures[0]}")
    return {"p99_ms": _quantiles(times)["p99_ms"], "rps": round(per_client * clients / wall)}


def _paired(
    server: tuple[str, int, dict[str, str]],
    minimal: tuple[str, int, dict[str, str]],
    bodies: list[Any],
    n: int,
) -> dict[str, float]:
    """Each prompt to ``server`` and to ``minimal`` in turn (who goes first alternates)."""
    times: dict[int, list[float]] = {0: [], 1: []}
    sides = (server, minimal)
    clients = [_client(base_url=b, headers=h, timeout=60) for b, _, h in sides]
    try:
        for i in range(WARMUP):
            for client in clients:
                _send(client, "/v1/guard", bodies[i % len(bodies)], i)
        cpu = [_cpu_seconds(pid) for _, pid, _ in sides]
        for i in range(n):
            for side in (0, 1) if i % 2 == 0 else (1, 0):
                started = time.perf_counter()
                _send(clients[side], "/v1/guard", bodies[i % len(bodies)], i)
                times[side].append(time.perf_counter() - started)
        cpu = [_cpu_seconds(pid) - before for (_, pid, _), before in zip(sides, cpu, strict=True)]
    finally:
        for client in clients:
            client.__exit__(None, None, None)
    differences = sorted(a - b for a, b in zip(times[0], times[1], strict=True))
    return {
        **_quantiles(times[0]),
        **{f"minimal_{k}": v for k, v in _quantiles(times[1]).items()},
        "paired_median_ms": round(differences[len(differences) // 2] * 1000, 2),
        "server_cpu_ms": round(cpu[0] / n * 1000, 2),
        "minimal_cpu_ms": round(cpu[1] / n * 1000, 2),
    }


def _in_process(texts: list[str], n: int) -> dict[str, float]:
    from watchkeeper.llm.guard import Guard

    guard = Guard()
    for i in range(WARMUP):
        guard.scan(texts[i % len(texts)])
    wall, cpu = [], []
    for i in range(n):
        started, started_cpu = time.perf_counter(), time.thread_time()
        guard.scan(texts[i % len(texts)])
        cpu.append(time.thread_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    return {**_quantiles(wall), **{f"cpu_{k}": v for k, v in _quantiles(cpu).items()}}


def prompt_sets(lengths: list[int], corpus: bool | str) -> dict[int, list[str]]:
    """The prompts of each length: cut from the mixed text, joined corpus rows, or
    (``corpus="degenerate"``) degenerate prompts."""
    if corpus == "degenerate":
        return {n: bench_prompt_attack.degenerate_prompts(n) for n in lengths}
    if not corpus:
        return {n: prompts(n) for n in lengths}
    rows = bench_prompt_attack.corpus_texts()
    return {n: bench_prompt_attack.prompts(rows, n, CORPUS_PROMPTS, CORPUS_SEED) for n in lengths}


def _peer(texts: dict[int, list[str]], repeats: int) -> dict[str, Any] | None:
    try:
        python = bench_guard.ensure_peer()
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        print(f"llm-guard peer not available: {error}")
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({str(n): batch for n, batch in texts.items()}, handle)
    script = Path(__file__).resolve().parent / "peers" / "llm_guard_offline.py"
    try:
        done = subprocess.run(
            [str(python), str(script), handle.name, str(repeats)],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        os.unlink(handle.name)
    if done.returncode != 0:
        print(f"llm-guard peer failed: {done.stderr.strip()[-300:]}")
        return None
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def bench(
    lengths: list[int],
    requests: int,
    clients: int,
    dev: bool,
    peer: bool,
    corpus: bool | str = False,
    client_name: str = "httpx",
    paired: bool = False,
) -> dict[str, Any]:
    from watchkeeper.llm.monitoring import guard_reference

    global _client
    _client = CLIENTS[client_name]

    texts = prompt_sets(lengths, corpus)
    results: dict[str, Any] = {"load_start": round(os.getloadavg()[0], 1), "by_length": {}}
    for n in lengths:
        results["by_length"][n] = {"in_process": _in_process(texts[n], requests)}
    with tempfile.TemporaryDirectory() as tmp, _server(Path(tmp), dev) as (base, pid, headers):
        run: Callable[..., dict[str, float]] = _sequential
        results["healthz"] = run(base, headers, pid, "/healthz", [None], requests)
        for n in lengths:
            bodies = [{"text": text} for text in texts[n]]
            cell = results["by_length"][n]
            cell["http"] = run(base, headers, pid, "/v1/guard", bodies, requests)
            cell["http_concurrent"] = _concurrent(
                base, headers, "/v1/guard", bodies, requests, clients
            )
        if 4000 in texts:
            reference = guard_reference([texts[4000][0][: 200 + 4 * i] for i in range(200)])
            with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
                client.post("/v1/models", json={"name": "chat", "task": "llm"}).raise_for_status()
                client.post(
                    "/v1/models/chat/versions",
                    json={"version": "v1", "reference": reference.to_pylist(), "activate": True},
                ).raise_for_status()
            bodies = [{"text": text, "model": "chat"} for text in texts[4000]]
            results["logged_4000"] = run(base, headers, pid, "/v1/guard", bodies, requests // 2)
        if paired and 4000 in texts:
            bodies = [{"text": text} for text in texts[4000]]
            with (
                tempfile.TemporaryDirectory() as other,
                _server(Path(other), dev, "make_minimal_app") as minimal,
            ):
                results["paired_4000"] = _paired((base, pid, headers), minimal, bodies, requests)
    results["peer"] = _peer(texts, requests // 2) if peer else None
    results["load_end"] = round(os.getloadavg()[0], 1)
    prompt_set = corpus if isinstance(corpus, str) else "corpus" if corpus else "mixed"
    return {
        "requests": requests,
        "clients": clients,
        "auth": not dev,
        "prompts": prompt_set,
        "client": client_name,
        **results,
    }


def report(result: dict[str, Any]) -> None:
    peer = result.get("peer") or {}
    print(
        f"load average {result['load_start']} -> {result['load_end']} on {os.cpu_count()} cores; "
        f"{result['requests']} requests per cell; keys {'on' if result['auth'] else 'off'}; "
        f"{result.get('prompts', 'mixed')} prompts; {result.get('client', 'httpx')} client\n"
    )
    print(
        "| chars | scan p50 / p99 | scan CPU p50 / p99 | HTTP p50 / p99 | server CPU / request "
        f"| {result['clients']} clients: p99, req/s | llm-guard offline: p50 / p99 (CPU p99) "
        "| HTTP p99 / llm-guard p99 |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for n, cell in result["by_length"].items():
        scan, http, many = cell["in_process"], cell["http"], cell["http_concurrent"]
        other = peer.get(str(n))
        peer_cell = (
            f"{other['p50_ms']:.1f} / {other['p99_ms']:.1f} ({other['cpu_p99_ms']:.1f}) ms"
            if other
            else "-"
        )
        ratio = f"{http['p99_ms'] / other['p99_ms']:.2f}" if other else "-"
        mark = " (**met**)" if http["p99_ms"] <= TARGET_P99_MS else ""
        print(
            f"| {int(n):,} | {scan['p50_ms']} / {scan['p99_ms']} ms "
            f"| {scan['cpu_p50_ms']} / {scan['cpu_p99_ms']} ms "
            f"| {http['p50_ms']} / {http['p99_ms']} ms{mark} | {http['server_cpu_ms']} ms "
            f"| {many['p99_ms']} ms, {many['rps']} | {peer_cell} | {ratio} |"
        )
    for n, cell in result["by_length"].items():
        http = cell["http"]
        if "max_ms" in http:  # results written before the tail was kept lack it
            print(
                f"\nHTTP tail at {int(n):,} characters (one client): p99.9 {http['p999_ms']} ms, "
                f"max {http['max_ms']} ms over {result['requests']} requests"
            )
    health = result["healthz"]
    print(
        f"\nGET /healthz: p50 {health['p50_ms']} ms, p99 {health['p99_ms']} ms, "
        f"server CPU {health['server_cpu_ms']} ms a request"
    )
    if "logged_4000" in result:
        logged = result["logged_4000"]
        print(
            f'POST /v1/guard with "model" (one durable record), 4,000 characters: '
            f"p50 {logged['p50_ms']} ms, p99 {logged['p99_ms']} ms, "
            f"server CPU {logged['server_cpu_ms']} ms a request"
        )
    if "paired_4000" in result:
        pair = result["paired_4000"]
        print(
            f"paired with a minimal ASGI guard (no FastAPI, no key), 4,000 characters: "
            f"server p50 {pair['p50_ms']} / p99 {pair['p99_ms']} ms, minimal "
            f"{pair['minimal_p50_ms']} / {pair['minimal_p99_ms']} ms; the server's own cost: "
            f"paired median {pair['paired_median_ms']:+} ms, server CPU "
            f"{pair['server_cpu_ms'] - pair['minimal_cpu_ms']:+.2f} ms a request"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chars", default="500,1000,2000,4000,8000")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--dev", action="store_true", help="serve without API keys")
    parser.add_argument("--no-peer", action="store_true", help="skip llm-guard")
    parser.add_argument(
        "--corpus",
        action="store_true",
        help="bench_prompt_attack's prompts (joined corpus rows) instead of the mixed text",
    )
    parser.add_argument(
        "--degenerate",
        action="store_true",
        help="bench_prompt_attack's degenerate prompts (runs, repeated trigger words)",
    )
    parser.add_argument(
        "--client",
        choices=sorted(CLIENTS),
        default="httpx",
        help="the HTTP client of the HTTP cells (stdlib: http.client, less client CPU)",
    )
    parser.add_argument(
        "--paired",
        action="store_true",
        help="also the server against a minimal ASGI guard, prompt by prompt (4,000 chars)",
    )
    parser.add_argument("--json", metavar="OUT")
    parser.add_argument(
        "--quick", action="store_true", help="4,000 characters, 200 requests (bench/run.py)"
    )
    args = parser.parse_args()
    if args.quick:
        args.chars, args.requests = "4000", min(args.requests, 200)
    lengths = [int(part) for part in args.chars.split(",")]
    result = bench(
        lengths,
        args.requests,
        args.clients,
        args.dev,
        not args.no_peer,
        "degenerate" if args.degenerate else args.corpus,
        args.client,
        args.paired,
    )
    report(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
