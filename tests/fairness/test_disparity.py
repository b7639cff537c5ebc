"""Disparity metrics agree with fairlearn on random data, with one and two features."""

from __future__ import annotations

import numpy as np
import pytest

from watchkeeper.fairness import (
    count_groups,
    demographic_parity_difference,
    demographic_parity_ratio,
    disparity,
    equal_opportunity_difference,
    equal_opportunity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    four_fifths_rule,
)

fm = pytest.importorskip("fairlearn.metrics")

PAIRS = [
    (demographic_parity_difference, "demographic_parity_difference"),
    (demographic_parity_ratio, "demographic_parity_ratio"),
    (equalized_odds_difference, "equalized_odds_difference"),
    (equalized_odds_ratio, "equalized_odds_ratio"),
    (equal_opportunity_difference, "equal_opportunity_difference"),
    (equal_opportunity_ratio, "equal_opportunity_ratio"),
]


def _data(seed: int, n: int = 600):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    race = rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2])
    sex = rng.choice(["f", "m"], n)
    y = rng.integers(0, 2, n)
    bias = np.where(race == "a", 0.2, 0.0) + np.where(sex == "m", 0.1, 0.0)
    p = (rng.random(n) < 0.3 + bias + 0.3 * y).astype(int)
    return y, p, race, sex


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("method", ["between_groups", "to_overall"])
@pytest.mark.parametrize(("ours", "name"), PAIRS)
def test_agrees_with_fairlearn_one_feature(seed, method, ours, name) -> None:  # type: ignore[no-untyped-def]
    y, p, race, _ = _data(seed)
    theirs = getattr(fm, name)(y, p, sensitive_features=race, method=method)
    assert ours(y, p, sensitive_features=race, method=method) == pytest.approx(theirs, abs=1e-12)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize(("ours", "name"), PAIRS)
def test_agrees_with_fairlearn_on_intersections(seed, ours, name) -> None:  # type: ignore[no-untyped-def]
    pd = pytest.importorskip("pandas")
    y, p, race, sex = _data(seed)
    frame = pd.DataFrame({"race": race, "sex": sex})
    theirs = getattr(fm, name)(y, p, sensitive_features=frame)
    assert ours(y, p, sensitive_features=frame) == pytest.approx(theirs, abs=1e-12)


@pytest.mark.parametrize("agg", ["worst_case", "mean"])
def test_equalized_odds_aggregations_agree(agg: str) -> None:
    y, p, race, _ = _data(7)
    for ours, theirs in (
        (equalized_odds_difference, fm.equalized_odds_difference),
        (equalized_odds_ratio, fm.equalized_odds_ratio),
    ):
        expected = theirs(y, p, sensitive_features=race, agg=agg)
        assert ours(y, p, sensitive_features=race, agg=agg) == pytest.approx(expected, abs=1e-12)


def test_report_matches_functions_and_marginals() -> None:
    y, p, race, sex = _data(3)
    counters = count_groups(y, p, sensitive_features={"race": race, "sex": sex})
    report = disparity(counters, features="race")
    assert report.features == ("race",)
    assert report.demographic_parity_difference == pytest.approx(
        fm.demographic_parity_difference(y, p, sensitive_features=race), abs=1e-12
    )
    assert report.equalized_odds_ratio == pytest.approx(
        fm.equalized_odds_ratio(y, p, sensitive_features=race), abs=1e-12
    )
    assert set(report.to_dict()) >= {"four_fifths", "demographic_parity_ratio"}


def test_four_fifths_by_hand() -> None:
    # Selection rates: a 6/10, b 4/10, c 5/10; reference a; ratios 1, 2/3, 5/6.
    pred = [1] * 6 + [0] * 4 + [1] * 4 + [0] * 6 + [1] * 5 + [0] * 5
    groups = ["a"] * 10 + ["b"] * 10 + ["c"] * 10
    result = four_fifths_rule(count_groups(None, pred, sensitive_features=groups))
    assert result.reference_group == ("a",)
    assert result.impact_ratios[("b",)] == pytest.approx(4 / 6)
    assert result.impact_ratios[("c",)] == pytest.approx(5 / 6)
    assert not result.passed
    assert result.failing_groups == (("b",),)
    chosen = four_fifths_rule(
        count_groups(None, pred, sensitive_features=groups), reference_group="c"
    )
    assert chosen.impact_ratios[("a",)] == pytest.approx(6 / 5)
    # b against c is 0.4 / 0.5 = 0.8, on the line: the rule fails only below it.
    assert chosen.impact_ratios[("b",)] == pytest.approx(0.8)
    assert chosen.passed
