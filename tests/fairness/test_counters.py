"""Counters merge exactly: counters of parts, merged, equal the counters of the whole."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchkeeper._exceptions import InputError
from watchkeeper.fairness import GroupCounters, count_groups

rows = st.lists(
    st.tuples(
        st.sampled_from([0, 1, None]),  # label, None = not labelled yet
        st.sampled_from([0, 1]),
        st.sampled_from(["a", "b", "c"]),
        st.sampled_from(["x", "y"]),
    ),
    min_size=1,
    max_size=60,
)


def _count(part):  # type: ignore[no-untyped-def]
    y = np.array([r[0] for r in part], dtype=object)
    return count_groups(
        y,
        np.array([r[1] for r in part]),
        sensitive_features={"g": [r[2] for r in part], "h": [r[3] for r in part]},
        positive_label=1,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows, st.lists(st.integers(0, 60), max_size=4))
def test_merge_of_parts_equals_whole(data, cuts) -> None:  # type: ignore[no-untyped-def]
    bounds = sorted({0, len(data), *(min(c, len(data)) for c in cuts)})
    parts = [data[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    merged = _count(parts[0])
    for part in parts[1:]:
        merged = merged.merge(_count(part))
    assert merged.to_dict() == _count(data).to_dict()


@settings(max_examples=40, deadline=None)
@given(rows, rows, rows)
def test_merge_is_associative_and_commutative(a, b, c) -> None:  # type: ignore[no-untyped-def]
    ca, cb, cc = _count(a), _count(b), _count(c)
    assert ca.merge(cb).to_dict() == cb.merge(ca).to_dict()
    assert ca.merge(cb).merge(cc).to_dict() == ca.merge(cb.merge(cc)).to_dict()


@settings(max_examples=40, deadline=None)
@given(rows)
def test_marginal_equals_counting_one_feature(data) -> None:  # type: ignore[no-untyped-def]
    y = np.array([r[0] for r in data], dtype=object)
    direct = count_groups(
        y, [r[1] for r in data], sensitive_features={"h": [r[3] for r in data]}, positive_label=1
    )
    assert _count(data).marginal("h").to_dict() == direct.to_dict()


def test_counts_by_hand() -> None:
    # group a: (y, p) = (1, 1), (1, 0), (0, 1), (None, 1); group b: (0, 0)
    counters = count_groups(
        np.array([1, 1, 0, None, 0], dtype=object),
        [1, 0, 1, 1, 0],
        sensitive_features=["a", "a", "a", "a", "b"],
    )
    a = counters.groups[("a",)]
    assert (a.n, a.labelled, a.label_positive, a.predicted_positive) == (4, 3, 2, 3)
    assert (a.tp, a.fn, a.fp, a.tn) == (1, 1, 1, 0)
    assert a.selection_rate == 0.75
    assert counters.groups[("b",)].tn == 1


def test_round_trip_through_json() -> None:
    rng = np.random.default_rng(0)
    counters = count_groups(
        rng.choice(["no", "yes"], 50),
        rng.choice(["no", "yes"], 50),
        sensitive_features={"sex": rng.choice(["f", "m", None], 50)},
    )
    assert counters.positive_label == "yes"
    back = GroupCounters.from_dict(json.loads(json.dumps(counters.to_dict())))
    assert back == counters
    assert ("<missing>",) in counters.groups


def test_merge_refuses_other_features_or_label() -> None:
    one = count_groups([1], [1], sensitive_features={"a": ["x"]})
    with pytest.raises(InputError, match="same sensitive features"):
        one.merge(count_groups([1], [1], sensitive_features={"b": ["x"]}))
    with pytest.raises(InputError, match="same positive_label"):
        one.merge(count_groups([1], [1], sensitive_features={"a": ["x"]}, positive_label=0))


def test_positive_label_must_be_given_for_many_labels() -> None:
    with pytest.raises(InputError, match="pass positive_label"):
        count_groups(["a", "b", "c"], None, sensitive_features=["x", "y", "z"])
