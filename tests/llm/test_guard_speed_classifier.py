"""The classifier's windows, counted all at once, equal the windows counted one by one.

``_WindowHashes.counted`` reads the edge n-grams of every window off the prefix sums at
once; ``_counted(_WindowHashes.buckets(a, b))`` hashes each window's edges from their
strings, and ``featurise`` of the window's own text hashes everything anew. All three
must give the same bucket indices and values, bit for bit (the logistic regression's
dot product sums in index order), on corpus-like, random and non-Latin texts.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from watchkeeper.llm.guard._classifier import (
    CLASSIFIER_MAX_CHARS,
    WINDOW_CHARS,
    _counted,
    _WindowHashes,
    featurise,
)
from watchkeeper.llm.guard._normalise import normalise

DATA = Path(__file__).resolve().parent / "data" / "guard_attack_equivalence.json"


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    rows = [str(row["text"]) for row in json.loads(DATA.read_text(encoding="utf-8"))["prompts"]]
    alphabet = "abc xyz'0.\n你好é-"
    out = []
    for index in range(count):
        if index % 3:
            text = ""
            while len(text) < 9000:
                text += "\n" + rng.choice(rows)
        else:
            text = "".join(rng.choice(alphabet) for _ in range(9000))
        out.append(normalise(text[: rng.randint(WINDOW_CHARS + 1, 9000)]).text)
    # One word longer than a window; a window of two words cut at both edges; no words.
    return [*out, "x" * 5000, "你" * 3001, "a" * 1400 + " " + "b" * 1400 + " c", ". " * 2000]


@pytest.mark.parametrize("seed", range(3))
def test_counted_windows_equal_each_window_counted_alone(seed: int) -> None:
    for text in _texts(seed, 12):
        head = text[:CLASSIFIER_MAX_CHARS]
        step = WINDOW_CHARS // 2
        bounds = [(s, min(s + WINDOW_CHARS, len(head))) for s in range(0, len(head) - step, step)]
        hashes = _WindowHashes(head)
        for (a, b), (indices, values) in zip(bounds, hashes.counted(bounds), strict=True):
            one_by_one = _counted(hashes.buckets(a, b))
            alone = featurise(head[a:b])
            for other in (one_by_one, alone):
                assert indices.dtype == other[0].dtype
                assert np.array_equal(indices, other[0])
                assert np.array_equal(values, other[1])
