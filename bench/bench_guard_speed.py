"""Guard latency by prompt length: p50 and p99, wall and CPU time, and growth with length.

Prompts of 250 to 64,000 characters are cut from a mixed text (English prose with an
e-mail address, a URL and numbers, a pasted code block, a Chinese paragraph), each
length in four variants (different cut points) so the caches of one string do not
decide. Three policies: the default detectors; every default plus
``moderated_content``; and, for responses, ``unsupported_claims`` with a 4,000-character
context. In process, one thread, after a warm-up. ``--peer`` also runs llm-guard's
model-free scanners (Secrets, InvisibleText; bench/peers/llm_guard_scanners.py) on the
4,000-character prompt in the same run: its prompt-injection, toxicity and PII
scanners download Hugging Face models at run time and cannot run here.

CPU time (``thread_time``) leaves out the time the process waits for a core, which on
this shared two-core machine decides the wall-clock tail; both are printed.

    python bench/bench_guard_speed.py [--repeats 400] [--peer]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import bench_guard

from watchkeeper.llm.guard import Guard, Policy

LENGTHS = (250, 1000, 2000, 4000, 8000, 16000, 64000)
CODE = (
    "\n```python\ndef load(path):\n    with open(path) as handle:\n        rows = "
    "[line.split(',') for line in handle]\n    return {r[0]: float(r[1]) for r in rows}\n```\n"
)
CHINESE = "请帮我把这份报告总结成三段，第一段讲销量，第二段讲效率，第三段讲下个季度的风险。"
SOURCE = (bench_guard.PROMPT_1000 + CODE + CHINESE + " ") * 80


def prompts(length: int) -> list[str]:
    return [SOURCE[offset : offset + length] for offset in (0, 377, 911, 1733)]


def measure(run: Callable[[str], object], texts: list[str], repeats: int) -> dict[str, float]:
    for text in texts:
        for _ in range(5):
            run(text)
    wall, cpu = [], []
    for index in range(repeats):
        text = texts[index % len(texts)]
        start, start_cpu = time.perf_counter(), time.thread_time()
        run(text)
        cpu.append(time.thread_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    wall.sort()
    cpu.sort()
    p99 = min(repeats - 1, int(repeats * 0.99))
    return {
        "p50": wall[repeats // 2] * 1000,
        "p99": wall[p99] * 1000,
        "cpu_p50": cpu[repeats // 2] * 1000,
        "cpu_p99": cpu[p99] * 1000,
    }


def peer(repeats: int) -> dict[str, float] | None:
    try:
        python = bench_guard.ensure_peer()
    except Exception as error:
        print(f"llm-guard peer not available: {error}")
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write(prompts(4000)[0])
    try:
        script = Path(__file__).resolve().parent / "peers" / "llm_guard_scanners.py"
        done = subprocess.run(
            [str(python), str(script), str(bench_guard.EVAL), handle.name, str(repeats)],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        os.unlink(handle.name)
    if done.returncode != 0:
        print(f"llm-guard peer failed: {done.stderr.strip()[-300:]}")
        return None
    import json

    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {k: float(v) for k, v in result.items() if k.endswith("_ms")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=400)
    parser.add_argument("--peer", action="store_true")
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    default = Guard()
    moderated = Guard(Policy().with_scanner("moderated_content", enabled=True))
    grounded = Guard(
        Policy()
        .with_scanner("moderated_content", enabled=True)
        .with_scanner("unsupported_claims", enabled=True)
    )
    context = [SOURCE[5000:9000]]
    print(f"load average {os.getloadavg()[0]:.1f}; {args.repeats} runs per cell, one core\n")
    print("| chars | policy | p50 ms | p99 ms | CPU p50 ms | CPU p99 ms | CPU us / 1k chars |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    runs: dict[str, Callable[[str], object]] = {
        "default (prompt)": default.scan_prompt,
        "default + moderation (prompt)": moderated.scan_prompt,
        "default + moderation + grounding (response)": lambda t: grounded.scan_response(
            t, context=context
        ),
    }
    for length in LENGTHS:
        texts = prompts(length)
        repeats = args.repeats if length <= 16000 else max(40, args.repeats // 10)
        for name, run in runs.items():
            m = measure(run, texts, repeats)
            per_k = m["cpu_p50"] * 1000 / (length / 1000)
            print(
                f"| {length:,} | {name} | {m['p50']:.2f} | {m['p99']:.2f} | "
                f"{m['cpu_p50']:.2f} | {m['cpu_p99']:.2f} | {per_k:.0f} |"
            )
        sys.stdout.flush()
    if args.peer:
        result = peer(args.repeats)
        if result:
            print(f"\nllm-guard Secrets + InvisibleText, 4,000 characters: {result}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
