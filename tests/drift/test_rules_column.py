"""What one column's drift result reports (drift/_column.py): the summaries and chart
data beside the verdict, and the notes of a column that could not be compared.

Reference values are numpy's (quantiles by linear interpolation, ``std(ddof=1)``) or
written out by hand.
"""

from __future__ import annotations

import numpy as np
import pytest

from watchkeeper.drift import DriftPolicy
from watchkeeper.drift._column import compare_categorical, compare_numeric
from watchkeeper.io import CategoricalValues, NumericValues


def numeric(values: list[float] | np.ndarray) -> NumericValues:
    array = np.sort(np.asarray(values, dtype=np.float64))
    return NumericValues("x", array, array.size, 0, 0, 0, 0)


def categorical(counts: dict[str, int], n_null: int = 0) -> CategoricalValues:
    total = sum(counts.values()) + n_null
    return CategoricalValues(
        "c", list(counts), np.array(list(counts.values()), dtype=np.int64), total, n_null
    )


def test_rule_numeric_summary_has_numpys_quantiles_mean_and_sample_std() -> None:
    ref = np.arange(1.0, 21.0) ** 1.5
    result = compare_numeric(numeric(ref), numeric(ref + 1.0), "feature", DriftPolicy())
    summary = result.summary["reference"]
    names = ("p05", "p25", "median", "p75", "p95")
    expected = dict(zip(names, np.quantile(ref, [0.05, 0.25, 0.5, 0.75, 0.95]), strict=True))
    for name, value in expected.items():
        assert summary[name] == pytest.approx(value)
    assert summary["mean"] == pytest.approx(ref.mean())
    assert summary["std"] == pytest.approx(ref.std(ddof=1))
    assert (summary["min"], summary["max"], summary["count"]) == (ref.min(), ref.max(), 20)
    assert (summary["missing"], summary["infinite"]) == (0, 0)


def test_rule_numeric_histogram_has_chart_bins_bins_and_shares_summing_to_one() -> None:
    rng = np.random.default_rng(5)
    ref, cur = rng.normal(size=500), rng.normal(0.5, 1.0, size=400)
    policy = DriftPolicy(chart_bins=12)
    histogram = compare_numeric(numeric(ref), numeric(cur), "feature", policy).histogram
    assert set(histogram) == {"edges", "reference", "current"}
    assert len(histogram["edges"]) == 13
    assert len(histogram["reference"]) == len(histogram["current"]) == 12
    assert sum(histogram["reference"]) == pytest.approx(1.0, abs=1e-5)
    assert sum(histogram["current"]) == pytest.approx(1.0, abs=1e-5)


def test_rule_categorical_chart_lists_shares_and_folds_the_rest_into_other() -> None:
    ref = categorical({"a": 6, "b": 3, "c": 1})
    cur = categorical({"a": 2, "b": 2, "d": 4})
    policy = DriftPolicy(max_chart_categories=2)
    result = compare_categorical(ref, cur, "categorical", "feature", policy)
    # Totals over both sides: a 8, b 5, d 4, c 1; the top two are drawn, the rest folded.
    assert result.histogram == {
        "categories": ["a", "b", "(other)"],
        "reference": [0.6, 0.3, 0.1],
        "current": [0.25, 0.25, 0.5],
    }
    assert result.unseen_categories == ("d",)
    assert result.kind == "categorical"


def test_rule_categorical_summary_gives_top_shares_to_six_places() -> None:
    ref = categorical({"a": 1, "b": 1, "c": 1}, n_null=2)
    result = compare_categorical(ref, ref, "categorical", "feature", DriftPolicy())
    assert result.summary["reference"] == {
        "count": 3,
        "missing": 2,
        "n_categories": 3,
        "top": [
            {"category": "a", "share": 0.333333},
            {"category": "b", "share": 0.333333},
            {"category": "c", "share": 0.333333},
        ],
    }


def test_rule_a_boolean_column_keeps_its_kind() -> None:
    ref = categorical({"true": 5, "false": 5})
    result = compare_categorical(ref, ref, "boolean", "target", DriftPolicy())
    assert (result.kind, result.role) == ("boolean", "target")


def test_rule_a_categorical_side_without_values_is_not_compared_and_says_which() -> None:
    empty = categorical({})
    full = categorical({"a": 3})
    policy = DriftPolicy.from_options(threshold=0.01)
    no_ref = compare_categorical(empty, full, "categorical", "feature", policy)
    no_cur = compare_categorical(full, empty, "categorical", "feature", policy)
    assert no_ref.note == "the reference has no values"
    assert no_cur.note == "the current data has no values"
    assert no_ref.statistic is None and not no_ref.drifted
    assert no_ref.threshold == 0.01


def test_rule_a_numeric_side_without_finite_values_is_not_compared_and_says_which() -> None:
    empty, full = numeric([]), numeric([1.0, 2.0])
    assert (
        compare_numeric(empty, full, "feature", DriftPolicy()).note
        == "the reference has no finite values"
    )
    assert (
        compare_numeric(full, empty, "feature", DriftPolicy()).note
        == "the current data has no finite values"
    )


def test_rule_a_single_category_on_both_sides_is_identical() -> None:
    one = categorical({"a": 5})
    result = compare_categorical(one, one, "categorical", "feature", DriftPolicy())
    assert (result.statistic, result.p_value, result.drifted) == (0.0, 1.0, False)
    assert result.note == "a single category on both sides: identical distributions"


def test_rule_from_options_refuses_a_rule_that_is_neither_name_nor_mapping() -> None:
    with pytest.raises(ValueError, match=r"^column 'x' rule must be a method name or a mapping$"):
        DriftPolicy.from_options(columns={"x": 3})  # type: ignore[dict-item]
    with pytest.raises(ValueError) as raised:
        DriftPolicy.from_options(columns={"x": {"threshold": 0.1}})
    assert str(raised.value) == (
        "column 'x' rule {'threshold': 0.1} needs 'method' and may have "
        "'threshold' and 'min_effect'"
    )


def test_rule_bins_below_two_are_refused() -> None:
    for settings in ({"n_bins": 1}, {"chart_bins": 1}):
        with pytest.raises(ValueError) as raised:
            DriftPolicy(**settings)  # type: ignore[arg-type]
        assert str(raised.value) == "n_bins and chart_bins must be at least 2"


def test_rule_the_policy_is_recorded_with_each_kinds_rule() -> None:
    recorded = DriftPolicy.from_options(threshold=0.01).to_dict()
    assert recorded["numeric"] == {"method": "ks", "threshold": 0.01, "min_effect": None}
    assert recorded["categorical"] == {
        "method": "chisquare",
        "threshold": 0.01,
        "min_effect": None,
    }
    assert (recorded["numeric_min_effect"], recorded["categorical_min_effect"]) == (0.1, 0.05)
    assert (recorded["correction"], recorded["drift_share"]) == ("bh", 0.5)


def test_rule_a_binned_effect_size_is_read_on_the_references_bins() -> None:
    """With PSI as the numeric effect size, a KS column's effect equals PSI's statistic
    on the reference's quantile bins, as the PSI method itself computes it."""
    rng = np.random.default_rng(11)
    ref, cur = numeric(rng.normal(size=2000)), numeric(rng.normal(0.3, 1.0, size=1500))
    with_ks = compare_numeric(ref, cur, "feature", DriftPolicy(numeric_effect="psi"))
    psi = compare_numeric(ref, cur, "feature", DriftPolicy.from_options(numeric_method="psi"))
    assert with_ks.effect_size is not None
    assert with_ks.effect_size.method == "psi"
    assert with_ks.effect_size.value == pytest.approx(psi.statistic)
    assert psi.statistic is not None and psi.statistic > 0.05
