"""No regular expression backtracks catastrophically: adversarial 100k-character inputs.

Each input repeats what one pattern wants and then breaks it, the shape that makes a
backtracking engine retry every split. The bound (2 s per scanner and input) is a
correctness guard with a wide margin, not a benchmark: a quadratic pattern takes
minutes on these inputs.
"""

from __future__ import annotations

import time

import pytest

from watchkeeper.llm.guard import list_scanners
from watchkeeper.llm.guard._normalise import decoded_payloads, normalise, undo_spacing

N = 100_000
ADVERSARIAL = {
    "letters": "a" * N,
    "digits": "1" * N,
    "digits_spaced": "1 " * (N // 2),
    "digits_dashed": "12-" * (N // 3),
    "email_local": "a." * (N // 2) + "@",
    "email_domain": "a@" + "b." * (N // 2),
    "hex": "ab" * (N // 2) + "g",
    "hex_spaced": "ab " * (N // 3) + "zz",
    "base64": "QUJD" * (N // 4) + "!",
    "colons": ":" * N,
    "ipv4ish": "1." * (N // 2),
    "url": "https://" + "a" * N,
    "words": "ignore " * (N // 7),
    "override_no_rules": "ignore the previous " * (N // 20),
    "underscores": "sk-" + "_" * N,
    "tags": "".join(chr(0xE0041) for _ in range(N)),
    "zero_width": "\u200b" * N,
    "confusables": "аеорс" * (N // 5),
    "single_letters": "a " * (N // 2),
    "pem": "-----BEGIN " + "A " * (N // 2),
    "jwt": "eyJ" + "a" * N,
    "brackets": "![" + "a" * N,
}
OPTIONS = {
    "canary": {"tokens": ["wkc0123456789abcdef"]},
    "links": {"allowed_domains": ["example.com"]},
    "banned_substrings": {"substrings": ["aaab"]},
    "banned_topics": {"topics": {"t": ["aaab", "ignore the x"]}},
    "banned_regex": {"patterns": [r"a{1,50}b", r"(?:ab){1,20}c"]},
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_every_scanner_finishes_quickly(name: str) -> None:
    text = ADVERSARIAL[name]
    for spec in list_scanners():
        start = time.perf_counter()
        spec.func(text, OPTIONS.get(spec.name, {}))
        elapsed = time.perf_counter() - start
        assert elapsed < 2.0, f"{spec.name} took {elapsed:.1f} s on {name!r}"
    start = time.perf_counter()
    normalise(text)
    decoded_payloads(text)
    undo_spacing(text)
    assert time.perf_counter() - start < 2.0
