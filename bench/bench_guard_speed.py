"""Guard latency by prompt length: p50 and p99, wall and CPU time, and growth with length.

Prompts of 250 to 64,000 characters are cut from a mixed text (English prose with an
e-mail address, a URL and numbers, a pasted code block, a Chinese paragraph), each
length in four variants (different cut points) so the caches of one string do not
decide. Three policies: the default detectors; every default plus
``moderated_content``; and, for responses, ``unsupported_claims`` with a 4,000-character
context. In process, one thread, after a warm-up. ``--peer`` also runs llm-guard's
four model-free scanners (Secrets, InvisibleText, Regex, BanSubstrings;
bench/peers/llm_guard_offline.py) on the same prompts of 500 to 8,000 characters in the
same run: its prompt-injection, toxicity and PII scanners download Hugging Face models
at run time and cannot run here.

CPU time (``thread_time``) leaves out the time the process waits for a core, which on
this shared two-core machine decides the wall-clock tail; both are printed.

    python bench/bench_guard_speed.py [--repeats 400] [--peer]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import bench_guard

from watchkeeper.llm.guard import Guard, Policy

LENGTHS = (250, 500, 1000, 2000, 4000, 8000, 16000, 64000)
PEER_LENGTHS = (500, 1000, 2000, 4000, 8000)
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


def peer(lengths: list[int], repeats: int) -> dict[str, dict[str, float]] | None:
    """llm-guard's model-free scanners on the same prompts (peers/llm_guard_offline.py)."""
    try:
        python = bench_guard.ensure_peer()
    except Exception as error:
        print(f"llm-guard peer not available: {error}")
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({str(n): prompts(n) for n in lengths}, handle)
    try:
        script = Path(__file__).resolve().parent / "peers" / "llm_guard_offline.py"
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
    result: dict[str, dict[str, float]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=400)
    parser.add_argument("--peer", action="store_true")
    parser.add_argument("--quick", action="store_true", help="40 runs per cell (bench/run.py)")
    args = parser.parse_args()
    if args.quick:
        args.repeats = min(args.repeats, 40)
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
    default_cpu: dict[int, float] = {}
    for length in LENGTHS:
        texts = prompts(length)
        repeats = args.repeats if length <= 16000 else max(40, args.repeats // 10)
        for name, run in runs.items():
            m = measure(run, texts, repeats)
            if name == "default (prompt)":
                default_cpu[length] = m["cpu_p50"]
            per_k = m["cpu_p50"] * 1000 / (length / 1000)
            print(
                f"| {length:,} | {name} | {m['p50']:.2f} | {m['p99']:.2f} | "
                f"{m['cpu_p50']:.2f} | {m['cpu_p99']:.2f} | {per_k:.0f} |"
            )
        sys.stdout.flush()
    if args.peer:
        result = peer(list(PEER_LENGTHS), args.repeats)
        if result:
            print(
                "\nllm-guard 0.3.16, Secrets + InvisibleText + Regex + BanSubstrings, one core:\n"
            )
            print("| chars | p50 ms | p99 ms | CPU p50 ms | CPU p99 ms | CPU p50, ours / theirs |")
            print("| --- | --- | --- | --- | --- | --- |")
            for chars, m in result.items():
                ours = default_cpu.get(int(chars))
                ratio = f"{ours / m['cpu_p50_ms']:.2f}" if ours else "-"
                print(
                    f"| {int(chars):,} | {m['p50_ms']:.2f} | {m['p99_ms']:.2f} | "
                    f"{m['cpu_p50_ms']:.2f} | {m['cpu_p99_ms']:.2f} | {ratio} |"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
