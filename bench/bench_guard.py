"""LLM guard benchmark: quality per detector on the evaluation set, and latency.

Quality: every row of data/llm_eval/guard_eval.jsonl is scanned with the default policy
(refusal and links are off by default and not scored). Precision and recall are
per detector over all rows: a row is a positive for a detector when the detector is
in its ``expected`` list. The prompt-attack detector is also scored with its two
halves alone (patterns only, classifier only) and per attack category; misses and
false alarms are listed by id.

Latency: a 1,000-character prompt (English prose with an e-mail address and a URL)
through all default detectors, pinned to one core, after a warm-up; p50 and p99.
Targets from issue 7: p50 <= 2 ms, p99 <= 10 ms.

Peer: llm-guard's regex-based scanners (Secrets, InvisibleText) from PyPI in
bench/.venvs/llm-guard, installed without torch or transformers (see
bench/peers/llm_guard_scanners.py); its prompt-injection and PII scanners need models
downloaded at run time and are not compared.

    python bench/bench_guard.py [--quick] [--no-peer]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import _harness as h

from watchkeeper.llm.guard import Guard
from watchkeeper.llm.guard._classifier import attack_probability
from watchkeeper.llm.guard._normalise import normalise
from watchkeeper.llm.guard._prompt_attack import ATTACK_PATTERNS

EVAL = h.REPO_DIR / "data" / "llm_eval" / "guard_eval.jsonl"
SCORED = ("prompt_attack", "pii", "secrets", "hidden_text", "canary")
PEER_VENV = "llm-guard"
PEER_STEPS = (
    ["--no-deps", "llm-guard==0.3.16"],
    ["structlog", "bc-detect-secrets==1.5.43", "presidio-anonymizer==2.2.358", "regex==2024.11.6"],
)
PROMPT_1000 = (
    "Hi team, I am preparing the quarterly report for the logistics group and need a hand "
    "with the summary section. Last quarter we moved 12,400 pallets through the Rotterdam "
    "hub, up eight percent, while the average dwell time dropped from 3.1 to 2.7 days. The "
    "new scheduling tool helped, but the weekend shifts are still understaffed and two "
    "forklifts were out of service for most of August. Could you draft three short "
    "paragraphs: one on volumes, one on efficiency, and one on risks for next quarter? "
    "Please keep the tone factual and avoid marketing language. If you need the raw "
    "numbers, they are in the shared sheet at https://intranet.example.com/reports/q3 and "
    "you can ask Dana (dana.whitfield@example.com) for the staffing data. Also suggest a "
    "title that fits on one line, and a list of two or three charts we should include. "
    "Finally, check whether the phrase 'on-time delivery rate' is defined consistently in "
    "the glossary, because the finance team uses a different definition. Thanks a lot!!"
)


def load_eval() -> list[dict[str, Any]]:
    return [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line]


def score_rows(rows: list[dict[str, Any]]) -> dict[str, Any]:
    guard = Guard()
    counts = {name: {"tp": 0, "fp": 0, "fn": 0} for name in SCORED}
    halves = {
        "patterns only": {"tp": 0, "fp": 0, "fn": 0},
        "classifier only": {"tp": 0, "fp": 0, "fn": 0},
    }
    by_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    errors: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        result = guard.scan(row["text"], role=row["role"], canaries=[row.get("canary", "")][:1])
        detected = set(result.detected)
        for name in SCORED:
            tally(counts[name], name in detected, name in row["expected"])
            if (name in detected) != (name in row["expected"]):
                kind = "missed" if name in row["expected"] else "false alarm"
                errors[name].append(f"{kind}: {row['id']}")
        if row["role"] == "user":
            attack = "prompt_attack" in row["expected"]
            folded = normalise(row["text"]).text
            pattern_hit = any(p.pattern.search(folded) for p in ATTACK_PATTERNS)
            tally(halves["patterns only"], pattern_hit, attack)
            tally(halves["classifier only"], attack_probability(folded) >= 0.5, attack)
            if attack or row["category"] in {"benign", "hard_negative"}:
                by_category[row["category"]][0] += "prompt_attack" in detected
                by_category[row["category"]][1] += 1
    return {"detectors": counts, "prompt_attack_halves": halves,
            "by_category": dict(by_category), "errors": dict(errors)}  # fmt: skip


def tally(cell: dict[str, int], predicted: bool, expected: bool) -> None:
    if predicted and expected:
        cell["tp"] += 1
    elif predicted:
        cell["fp"] += 1
    elif expected:
        cell["fn"] += 1


def pr(cell: dict[str, int]) -> tuple[str, str, int]:
    tp, fp, fn = cell["tp"], cell["fp"], cell["fn"]
    precision = f"{tp / (tp + fp):.3f}" if tp + fp else "n/a"
    recall = f"{tp / (tp + fn):.3f}" if tp + fn else "n/a"
    return precision, recall, tp + fn


def latency(repeats: int, role: str = "user") -> dict[str, float]:
    guard = Guard()
    for _ in range(200):
        guard.scan(PROMPT_1000, role=role)
    # Wall time is what a caller waits; CPU time (thread_time) leaves out the time the
    # process sat preempted, which on a shared, loaded machine dominates the tail.
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.thread_time()
        guard.scan(PROMPT_1000, role=role)
        cpu.append(time.thread_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    wall.sort()
    cpu.sort()
    p99 = min(repeats - 1, int(repeats * 0.99))
    return {
        "p50_ms": wall[repeats // 2] * 1000,
        "p99_ms": wall[p99] * 1000,
        "cpu_p50_ms": cpu[repeats // 2] * 1000,
        "cpu_p99_ms": cpu[p99] * 1000,
    }


def ensure_peer() -> Path:
    python = h.venv_python(PEER_VENV)
    marker = h.VENVS_DIR / PEER_VENV / h.VENV_MARKER
    if marker.exists():
        return python
    print(f"[venv] building {python.parent.parent} (llm-guard without ML deps; cached)")
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(python.parent.parent)], check=True)
    for step in PEER_STEPS:
        done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", *step],
                              capture_output=True, text=True, check=False)  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(
                done.stderr.strip().splitlines()[-1] if done.stderr else "pip failed"
            )
    marker.write_text(json.dumps({"steps": PEER_STEPS}) + "\n")
    return python


def run_peer(repeats: int) -> dict[str, Any]:
    python = ensure_peer()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write(PROMPT_1000)
    try:
        script = h.BENCH_DIR / "peers" / "llm_guard_scanners.py"
        done = subprocess.run([str(python), str(script), str(EVAL), handle.name, str(repeats)],
                              capture_output=True, text=True, check=False)  # fmt: skip
    finally:
        os.unlink(handle.name)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip()[-400:])
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer latency repeats")
    parser.add_argument("--no-peer", action="store_true", help="skip llm-guard")
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says
    repeats = 500 if args.quick else 5000

    rows = load_eval()
    quality = score_rows(rows)
    lat_prompt = latency(repeats)
    lat_response = latency(repeats, role="assistant")
    peer: dict[str, Any] | None = None
    peer_note = "skipped (--no-peer)"
    if not args.no_peer:
        try:
            peer = run_peer(repeats)
            peer_note = "llm-guard 0.3.16 Secrets + InvisibleText"
        except (RuntimeError, subprocess.SubprocessError, OSError) as error:
            peer_note = f"not available: {error}"

    table = []
    for name, cell in quality["detectors"].items():
        peer_cell = (peer or {}).get("counts", {}).get(name)
        peer_pr = pr(peer_cell)[:2] if peer_cell else ("-", "-")
        table.append((name, *pr(cell), *peer_pr))
    for name, cell in quality["prompt_attack_halves"].items():
        table.append((f"prompt_attack ({name})", *pr(cell), "-", "-"))
    h.print_table(
        f"quality on {EVAL.name} ({len(rows)} rows)",
        ("detector", "precision", "recall", "positives", "llm-guard P", "llm-guard R"),
        table,
    )
    h.print_table(
        "prompt_attack detection rate by category (benign rows: false-alarm rate)",
        ("category", "flagged", "rows"),
        [(c, f"{k / n:.2f}", n) for c, (k, n) in sorted(quality["by_category"].items())],
    )
    for name, items in quality["errors"].items():
        print(f"{name} errors: {', '.join(items)}")

    def cells(lat: dict[str, float]) -> tuple[str, ...]:
        keys = ("p50_ms", "p99_ms", "cpu_p50_ms", "cpu_p99_ms")
        return tuple(f"{lat[k]:.3f}" if k in lat else "-" for k in keys)

    lat_rows = [
        ("watchkeeper, prompt, all default detectors", *cells(lat_prompt)),
        ("watchkeeper, response, all default detectors", *cells(lat_response)),
    ]
    if peer:
        lat_rows.append((peer_note, *cells(peer)))
    else:
        print(f"peer: {peer_note}")
    h.print_table(
        f"latency, 1,000-character prompt, one core, {repeats} runs",
        ("what", "p50 ms", "p99 ms", "CPU p50 ms", "CPU p99 ms"),
        lat_rows,
    )
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    wall_ok = lat_prompt["p50_ms"] <= 2.0 and lat_prompt["p99_ms"] <= 10.0
    cpu_ok = lat_prompt["cpu_p50_ms"] <= 2.0 and lat_prompt["cpu_p99_ms"] <= 10.0
    print(
        f"target p50 <= 2 ms and p99 <= 10 ms: wall time {'met' if wall_ok else 'NOT met'}, "
        f"CPU time {'met' if cpu_ok else 'NOT met'}"
    )
    h.save_results("guard", {"quality": quality, "latency_prompt": lat_prompt,
                             "latency_response": lat_response, "peer": peer,
                             "peer_note": peer_note, "machine": h.machine_info()},
                   quick=args.quick)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
