"""Run llm-guard's regex-based scanners (Secrets, InvisibleText) on the guard eval set.

Runs inside bench/.venvs/llm-guard, where llm-guard is installed with ``--no-deps`` plus
only what these scanners import (no torch, no transformers, no model download). The
package's ``__init__`` files import every scanner, ML ones included, so this script
registers empty package modules and imports the two scanner modules directly.

    python llm_guard_scanners.py EVAL_JSONL PROMPT_FILE REPEATS  ->  JSON on stdout
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import sys
import time
import types
from pathlib import Path


def load_scanners():  # type: ignore[no-untyped-def]
    spec = importlib.util.find_spec("llm_guard")
    assert spec is not None and spec.origin is not None
    root = Path(spec.origin).parent
    for name, folder in (
        ("llm_guard", root),
        ("llm_guard.input_scanners", root / "input_scanners"),
    ):
        module = types.ModuleType(name)
        module.__path__ = [str(folder)]
        sys.modules[name] = module
    from llm_guard.input_scanners.invisible_text import InvisibleText
    from llm_guard.input_scanners.secrets import Secrets

    return {"secrets": Secrets(), "hidden_text": InvisibleText()}


def main() -> None:
    eval_path, prompt_path, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
    logging.disable(logging.CRITICAL)
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.CRITICAL))
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    scanners = load_scanners()
    rows = [json.loads(line) for line in Path(eval_path).read_text(encoding="utf-8").splitlines()]
    counts = {name: {"tp": 0, "fp": 0, "fn": 0} for name in scanners}
    for row in rows:
        for name, scanner in scanners.items():
            _, valid, _ = scanner.scan(row["text"])
            predicted, expected = not valid, name in row["expected"]
            key = (
                "tp"
                if predicted and expected
                else "fp"
                if predicted
                else "fn"
                if expected
                else None
            )
            if key:
                counts[name][key] += 1
    prompt = Path(prompt_path).read_text(encoding="utf-8")
    for _ in range(20):
        for scanner in scanners.values():
            scanner.scan(prompt)
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.thread_time()
        for scanner in scanners.values():
            scanner.scan(prompt)
        cpu.append(time.thread_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    wall.sort()
    cpu.sort()
    p99 = min(repeats - 1, int(repeats * 0.99))
    print(json.dumps({
        "counts": counts,
        "p50_ms": wall[repeats // 2] * 1000,
        "p99_ms": wall[p99] * 1000,
        "cpu_p50_ms": cpu[repeats // 2] * 1000,
        "cpu_p99_ms": cpu[p99] * 1000,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
