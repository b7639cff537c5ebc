"""ScoreSketch: merging parts equals sketching the whole; exact moments against numpy;
quartiles within their bound, also for values beyond the edges and heavy ties."""

from __future__ import annotations

import numpy as np
import pytest

from watchkeeper import InputError
from watchkeeper.performance._score_sketch import ScoreSketch, score_sketch, signed_edges


@pytest.mark.parametrize(
    ("values", "edges"),
    [
        (np.random.default_rng(0).random(5001), None),
        (np.round(np.random.default_rng(1).random(999), 1), None),  # ties
        (np.random.default_rng(2).standard_cauchy(2000) * 1e5, signed_edges()),  # beyond 1e6
        (np.array([0.25]), None),
    ],
)
def test_merge_equals_whole_and_statistics_hold(values: np.ndarray, edges: object) -> None:
    parts = np.array_split(values, 4)
    merged = score_sketch(parts[0], edges)
    for part in parts[1:]:
        merged = merged.merge(score_sketch(part, edges))
    whole = score_sketch(values, edges)
    np.testing.assert_array_equal(merged.counts, whole.counts)
    assert merged.n == whole.n == len(values)
    exact, bounded = merged.statistics()
    assert exact["score_mean"] == pytest.approx(values.mean(), rel=1e-12, abs=1e-12)
    assert exact["score_min"] == values.min() and exact["score_max"] == values.max()
    if len(values) > 1:
        assert exact["score_std"] == pytest.approx(values.std(ddof=1), rel=1e-9)
    for q in (25, 50, 75):
        bound = bounded[f"score_p{q}"]
        assert bound.lower <= np.percentile(values, q) <= bound.upper, q
    round_trip = ScoreSketch.from_dict(merged.to_dict())
    np.testing.assert_array_equal(round_trip.counts, merged.counts)


def test_an_empty_sketch_merges_as_nothing() -> None:
    some = score_sketch([0.1, 0.2])
    empty = score_sketch([])
    assert empty.statistics() == ({}, {})
    assert empty.merge(some) is some and some.merge(empty) is some
    with pytest.raises(InputError, match="different edges"):
        some.merge(score_sketch([0.1], signed_edges()))
