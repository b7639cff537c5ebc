"""No regular expression backtracks catastrophically: adversarial inputs at N and 4N.

Each input repeats what one pattern wants and then breaks it, the shape that makes a
backtracking engine retry every split. Instead of a wall-clock bound (which flakes on a
loaded machine) the test is a growth check in CPU time: each scanner runs on the input
at 25,000 and at 100,000 characters, and the larger run may cost at most ``RATIO``
times the smaller one (linear work gives 4; a quadratic pattern gives 16 and in
practice minutes). A floor of ``FLOOR_S`` CPU seconds on the smaller run keeps timer
resolution and cache noise from deciding the ratio of two tiny numbers. Timings of
the guard belong to ``bench/bench_guard.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from watchkeeper.llm.guard import available_scanners
from watchkeeper.llm.guard._normalise import decoded_payloads, normalise, undo_spacing

N = 25_000
RATIO = 10.0
FLOOR_S = 0.02


def _inputs(n: int) -> dict[str, str]:
    return {
        "letters": "a" * n,
        "digits": "1" * n,
        "digits_spaced": "1 " * (n // 2),
        "digits_dashed": "12-" * (n // 3),
        "email_local": "a." * (n // 2) + "@",
        "email_domain": "a@" + "b." * (n // 2),
        "hex": "ab" * (n // 2) + "g",
        "hex_spaced": "ab " * (n // 3) + "zz",
        "base64": "QUJD" * (n // 4) + "!",
        "colons": ":" * n,
        "ipv4ish": "1." * (n // 2),
        "url": "https://" + "a" * n,
        "words": "ignore " * (n // 7),
        "override_no_rules": "ignore the previous " * (n // 20),
        "underscores": "sk-" + "_" * n,
        "tags": "".join(chr(0xE0041) for _ in range(n)),
        "zero_width": "\u200b" * n,
        "confusables": "аеорс" * (n // 5),
        "single_letters": "a " * (n // 2),
        "pem": "-----BEGIN " + "A " * (n // 2),
        "jwt": "eyJ" + "a" * n,
        "brackets": "![" + "a" * n,
    }


OPTIONS = {
    "canary": {"tokens": ["wkc0123456789abcdef"]},
    "links": {"allowed_domains": ["example.com"]},
    "banned_substrings": {"substrings": ["aaab"]},
    "banned_topics": {"topics": {"t": ["aaab", "ignore the x"]}},
    "banned_regex": {"patterns": [r"a{1,50}b", r"(?:ab){1,20}c"]},
}
SMALL = _inputs(N)
LARGE = _inputs(4 * N)


def _cpu_seconds(work: Callable[[str], object], text: str) -> float:
    # The smaller of two runs: a scheduler hiccup inflates one run, not both.
    costs = []
    for _ in range(2):
        start = time.process_time()
        work(text)
        costs.append(time.process_time() - start)
    return min(costs)


def _scan(func: Callable[[str, Any], object], options: Any, text: str) -> None:
    func(text, options)


def _normalisers(text: str) -> None:
    normalise(text)
    decoded_payloads(text)
    undo_spacing(text)


def test_inputs_grow_fourfold() -> None:
    for name in SMALL:
        assert 3.5 * len(SMALL[name]) <= len(LARGE[name]) <= 4.5 * len(SMALL[name]), name


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SMALL))
def test_every_scanner_grows_linearly(name: str) -> None:
    small, large = SMALL[name], LARGE[name]
    checks: list[tuple[str, Callable[[str], object]]] = [
        (spec.name, partial(_scan, spec.func, OPTIONS.get(spec.name, {})))
        for spec in available_scanners()
    ]
    checks.append(("normalisers", _normalisers))
    for label, run in checks:
        cost_small = _cpu_seconds(run, small)
        cost_large = _cpu_seconds(run, large)
        allowed = RATIO * max(cost_small, FLOOR_S)
        assert cost_large <= allowed, (
            f"{label} on {name!r}: {cost_large:.3f} s CPU at {len(large)} characters "
            f"vs {cost_small:.3f} s at {len(small)} (allowed {allowed:.3f} s)"
        )


# Runs of line breaks, blanks and separators, which the structural features read at the
# start of every line: kept under the classifier's 32,768-character cap (above it every
# input is cut to the same length, and a quadratic pass would hide). Before the runs in
# front of a role tag, a banner, a command verb and a "--- begin document" line were
# bounded, 8,000 line breaks cost 5.8 s of CPU and 16,000 over 20 s.
RUNS = {
    "newlines": "\n",
    "newline_spaces": "\n ",
    "crlf": "\r\n",
    "hash_newlines": "#\n",
    "dashes": "-",
    "dash_newlines": "-\n",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(RUNS))
def test_prompt_attack_grows_linearly_on_runs(name: str) -> None:
    small, large = (RUNS[name] * 6_000)[:6_000], (RUNS[name] * 24_000)[:24_000]
    (spec,) = [spec for spec in available_scanners() if spec.name == "prompt_attack"]
    run = partial(_scan, spec.func, {})
    cost_small, cost_large = _cpu_seconds(run, small), _cpu_seconds(run, large)
    allowed = RATIO * max(cost_small, FLOOR_S)
    assert cost_large <= allowed, (
        f"prompt_attack on {name!r}: {cost_large:.3f} s CPU at {len(large)} characters "
        f"vs {cost_small:.3f} s at {len(small)} (allowed {allowed:.3f} s)"
    )
