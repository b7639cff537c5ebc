"""Token drift against scipy on the same counts, and against hand counts."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import jensenshannon
from scipy.stats import chi2_contingency

from watchkeeper import InputError
from watchkeeper.llm.monitoring import OTHER, token_counts, token_drift, vocabulary_of


def _corpus(rng: np.random.Generator, words: list[str], p: list[float], n: int) -> list[str]:
    return [" ".join(rng.choice(words, size=12, p=p)) for _ in range(n)]


def test_matches_scipy_on_the_same_counts() -> None:
    rng = np.random.default_rng(0)
    vocabulary = [f"w{i}" for i in range(30)]
    p_ref = rng.dirichlet(np.ones(30))
    p_cur = rng.dirichlet(np.ones(30))
    ref = _corpus(rng, vocabulary, list(p_ref), 300)
    cur = _corpus(rng, vocabulary, list(p_cur), 300) + ["brand new tokens here"] * 20
    result = token_drift(ref, cur, top_k=10)

    # Recount by hand, independently of the module: reference top 10, the rest in (other).
    ref_counts = Counter(w for text in ref for w in text.split())
    cur_counts = Counter(w for text in cur for w in text.split())
    top = sorted(ref_counts, key=lambda w: (-ref_counts[w], w))[:10]
    a = [ref_counts[w] for w in top] + [sum(ref_counts.values()) - sum(ref_counts[w] for w in top)]
    b = [cur_counts[w] for w in top] + [sum(cur_counts.values()) - sum(cur_counts[w] for w in top)]
    assert result.bins == (*top, OTHER)
    assert list(result.reference_counts) == a and list(result.current_counts) == b
    assert result.distance == pytest.approx(jensenshannon(a, b, base=2), rel=1e-12)
    expected = chi2_contingency([a, b], correction=False)
    assert result.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-9, abs=1e-300)
    # 80 tokens of the current corpus ("brand new tokens here" x 20) never occur in the reference
    assert result.oov_rate == pytest.approx(80 / sum(cur_counts.values()))


def test_hand_example() -> None:
    result = token_drift(["a a b"], ["a b b c"], top_k=1)
    # bins: a | (other); reference [2, 1], current [1, 3]
    assert result.bins == ("a", OTHER)
    assert result.reference_counts == (2, 1) and result.current_counts == (1, 3)
    assert result.oov_rate == pytest.approx(1 / 4)  # "c"
    # shares: a 2/3 -> 1/4, b 1/3 -> 2/4, c 0 -> 1/4; largest move is a (-5/12)
    assert result.changes[0].token == "a"
    assert result.changes[0].change == pytest.approx(1 / 4 - 2 / 3)
    assert [c.token for c in result.changes] == ["a", "c", "b"]


def test_identical_corpora_do_not_drift() -> None:
    texts = ["the quick brown fox", "jumps over the lazy dog"] * 10
    result = token_drift(texts, list(reversed(texts)))
    assert result.distance == 0.0 and result.p_value == pytest.approx(1.0)
    assert result.oov_rate == 0.0 and not result.drifted


def test_threshold_reads_the_distance() -> None:
    ref, cur = ["a b c d"] * 10, ["a b c e"] * 10
    result = token_drift(ref, cur)
    assert result.drifted == (result.distance >= 0.1)
    assert not token_drift(ref, cur, threshold=0.99).drifted


def test_counters_case_and_punctuation() -> None:
    assert token_counts(["Hello, HELLO!"]) == Counter({"hello": 2})
    assert token_counts(["Hello, HELLO!"], lowercase=False) == Counter({"Hello": 1, "HELLO": 1})
    assert token_counts(["a!"], punctuation=True) == Counter({"a": 1, "!": 1})
    counts = token_counts(["x y", "x z"])
    assert token_drift(counts, Counter({"x": 2, "y": 2})).bins[0] == "x"
    assert vocabulary_of(["A b", "a c"], min_count=2) == frozenset({"a"})


def test_bad_input() -> None:
    with pytest.raises(InputError, match="no tokens"):
        token_drift(["!!!"], ["a"])
    with pytest.raises(InputError, match="top_k"):
        token_drift(["a"], ["a"], top_k=0)
    with pytest.raises(InputError, match="not one string"):
        token_drift("a b", ["a"])
    with pytest.raises(InputError, match="threshold"):
        token_drift(["a"], ["a"], threshold=0)


def test_json_form() -> None:
    document = token_drift(["a b"], ["a c"]).to_dict()
    assert json.loads(json.dumps(document))["result_type"] == "token_drift"
    assert document["changes"][0]["token"] in {"b", "c"}


@settings(max_examples=60, deadline=None, database=None)
@given(
    st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), min_size=1, max_size=40),
    st.lists(st.sampled_from(["a", "b", "c", "f"]), min_size=1, max_size=40),
    st.integers(1, 6),
)
def test_distance_is_symmetric_and_bounded_on_fixed_bins(
    ref: list[str], cur: list[str], top_k: int
) -> None:
    result = token_drift([" ".join(ref)], [" ".join(cur)], top_k=top_k)
    assert 0.0 <= result.distance <= 1.0
    assert 0.0 <= result.p_value <= 1.0
    assert sum(result.reference_counts) == len(ref)
    assert sum(result.current_counts) == len(cur)
    assert result.distance == pytest.approx(
        jensenshannon(result.current_counts, result.reference_counts, base=2), abs=1e-12
    )
