"""The classifier's windows, counted all at once, equal the windows featurised one by one.

``_WindowHashes.counted`` hashes a long text once, tags every window's buckets with the
window's number and counts them all in one sort; ``ClassifierWeights._worst_window``
reads the weights of every window at once. The plain path featurises each window's own
text (``featurise``, which :func:`test_guard_classifier` checks against a hash written
out by hand) and scores it with ``ClassifierWeights.probability``. Both must give the
same bucket indices and values and the same probability, bit for bit, on corpus-like,
random, non-Latin, astral, zero-width and combining texts and on any windows.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper.llm.guard._classifier import (
    CLASSIFIER_MAX_CHARS,
    WINDOW_CHARS,
    _WindowHashes,
    attack_probability,
    featurise,
    load_weights,
)
from watchkeeper.llm.guard._normalise import normalise
from watchkeeper.llm.guard._structure import structure_matches

DATA = Path(__file__).resolve().parent / "data" / "guard_attack_equivalence.json"
# ASCII words and punctuation, Latin-1, CJK, astral letters and emoji, zero-width
# characters and a combining accent: every kind of code point the hashes read.
ALPHABET = "abc xyz'0.\n-éßü你好忽略😀𝔘𠀀\u200b\u200d\u0301"


def _rows() -> list[str]:
    return [str(row["text"]) for row in json.loads(DATA.read_text(encoding="utf-8"))["prompts"]]


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    rows = _rows()
    out = []
    for index in range(count):
        if index % 3:
            text = ""
            while len(text) < 9000:
                row = rng.choice(rows)
                if index % 3 == 2:  # corpus rows with foreign characters strewn in
                    cut = rng.randrange(len(row) + 1)
                    row = row[:cut] + rng.choice(ALPHABET[12:]) * rng.randint(1, 3) + row[cut:]
                text += "\n" + row
        else:
            text = "".join(rng.choice(ALPHABET) for _ in range(9000))
        text = text[: rng.randint(WINDOW_CHARS + 1, 9000)]
        out.append(normalise(text).text if index % 2 else text)
    # One word longer than a window; a window of two words cut at both edges; no words;
    # astral characters only.
    return [
        *out,
        "x" * 5000,
        "你" * 3001,
        "a" * 1400 + " " + "b" * 1400 + " c",
        ". " * 2000,
        "😀" * 2000,
    ]


def _windows(head: str) -> list[tuple[int, int]]:
    step = WINDOW_CHARS // 2
    return [(s, min(s + WINDOW_CHARS, len(head))) for s in range(0, len(head) - step, step)]


def _assert_same(
    counted: tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]],
    plain: tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]],
) -> None:
    assert counted[0].dtype == plain[0].dtype
    assert np.array_equal(counted[0], plain[0])
    assert counted[1].dtype == plain[1].dtype
    # Bit for bit: the dot product with the weights sums these very numbers.
    assert np.array_equal(counted[1].view(np.uint64), plain[1].view(np.uint64))


def _check_windows(text: str, bounds: list[tuple[int, int]]) -> None:
    counted = _WindowHashes(text).counted(bounds)
    offsets = counted.offsets.tolist()
    assert len(offsets) == len(bounds) + 1
    for k, (a, b) in enumerate(bounds):
        low, high = offsets[k], offsets[k + 1]
        _assert_same((counted.indices[low:high], counted.values[low:high]), featurise(text[a:b]))


@pytest.mark.parametrize("seed", range(3))
def test_counted_windows_equal_each_window_featurised_alone(seed: int) -> None:
    for text in _texts(seed, 12):
        head = text[:CLASSIFIER_MAX_CHARS]
        _check_windows(head, _windows(head))


@st.composite
def _text_and_windows(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    pieces = draw(st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=40), min_size=1))
    text = "".join(pieces) * draw(st.integers(1, 60))
    if len(text) < 5:
        text = text.ljust(5, "q")
    bounds = []
    for _ in range(draw(st.integers(1, 8))):
        a = draw(st.integers(0, len(text) - 5))
        bounds.append((a, draw(st.integers(a + 5, len(text)))))
    # Windows touching the text's ends take the whole text's first and last grams.
    if draw(st.booleans()):
        bounds.append((0, len(text)))
    return text, bounds


@settings(max_examples=150, deadline=None)
@given(_text_and_windows())
def test_any_windows_equal_each_window_featurised_alone(
    case: tuple[str, list[tuple[int, int]]],
) -> None:
    text, bounds = case
    _check_windows(text, bounds)


@pytest.mark.parametrize("seed", range(2))
def test_attack_probability_equals_the_worst_window_scored_alone(seed: int) -> None:
    model = load_weights()
    for text in _texts(seed + 10, 9):
        head = text[:CLASSIFIER_MAX_CHARS]
        matches = structure_matches(head)
        plain = max(
            model.probability(head[a:b], matches.window(a, a + WINDOW_CHARS))
            for a, b in _windows(head)
        )
        assert attack_probability(text, model) == plain
