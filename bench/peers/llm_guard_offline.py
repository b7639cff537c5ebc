"""Time llm-guard's model-free input scanners on prompts of several lengths (the peer of
bench/bench_guard_speed.py and bench/bench_guard_server.py).

Runs inside bench/.venvs/llm-guard (llm-guard installed with ``--no-deps`` plus what
these scanners import; see bench/peers/llm_guard_scanners.py). The four scanners that
need no model: ``Secrets`` (detect-secrets plugins), ``InvisibleText``, ``Regex`` (given
the PII expressions below, as its documentation suggests for e-mail, cards and phone
numbers) and ``BanSubstrings`` (given instruction-override phrases). Its
prompt-injection, PII (Presidio), toxicity, ban-topics and language scanners load
Hugging Face models at run time and cannot run offline.

    python llm_guard_offline.py PROMPTS_JSON REPEATS  ->  JSON on stdout

``PROMPTS_JSON`` maps a length to a list of prompts; each run scans one prompt with
all four scanners in turn, as llm-guard's ``scan_prompt`` would.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from llm_guard_scanners import load_scanners

PII_PATTERNS = [
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
    r"\b(?:\d[ -]?){13,19}\b",
    r"\+?\d{1,3}[ .-]?\(?\d{2,4}\)?[ .-]?\d{3,4}[ .-]?\d{3,4}",
    r"\b\d{3}-\d{2}-\d{4}\b",
    r"\b\d{1,3}(?:\.\d{1,3}){3}\b",
]
OVERRIDES = [
    "ignore previous instructions",
    "ignore all previous instructions",
    "disregard the above",
    "forget your instructions",
    "you are now dan",
    "developer mode",
    "reveal your system prompt",
    "print your system prompt",
]


def scanners() -> list[object]:
    found = load_scanners()
    from llm_guard.input_scanners.ban_substrings import BanSubstrings
    from llm_guard.input_scanners.regex import Regex

    return [
        found["secrets"],
        found["hidden_text"],
        Regex(PII_PATTERNS, redact=False),
        BanSubstrings(OVERRIDES, match_type="str"),
    ]


def main() -> None:
    prompts_path, repeats = sys.argv[1], int(sys.argv[2])
    logging.disable(logging.CRITICAL)
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.CRITICAL))
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    chain = scanners()
    by_length = json.loads(Path(prompts_path).read_text(encoding="utf-8"))
    out = {}
    for length, texts in by_length.items():
        for text in texts:
            for scanner in chain:
                scanner.scan(text)  # type: ignore[attr-defined]
        n = max(20, repeats // max(1, int(length) // 2000))
        wall, cpu = [], []
        for index in range(n):
            text = texts[index % len(texts)]
            start, start_cpu = time.perf_counter(), time.thread_time()
            for scanner in chain:
                scanner.scan(text)  # type: ignore[attr-defined]
            cpu.append(time.thread_time() - start_cpu)
            wall.append(time.perf_counter() - start)
        wall.sort()
        cpu.sort()
        p99 = min(n - 1, int(n * 0.99))
        out[length] = {
            "runs": n,
            "p50_ms": wall[n // 2] * 1000,
            "p99_ms": wall[p99] * 1000,
            "cpu_p50_ms": cpu[n // 2] * 1000,
            "cpu_p99_ms": cpu[p99] * 1000,
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
