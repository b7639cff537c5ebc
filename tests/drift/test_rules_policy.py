"""The drift policy's documented rules (docs/drift-policy.md), one test per rule.

Each test names the rule it pins; reference values come from scipy or are written out.
The data are deterministic: normal quantiles ``norm.ppf((i + 0.5) / n)``, so that a
shift of ``s`` moves every value by ``s`` and the Wasserstein distance is exactly ``s``.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon

from watchkeeper.drift import DriftPolicy, detect_drift
from watchkeeper.drift._column import compare_numeric
from watchkeeper.io import NumericValues

N = 20_000


def normal_quantiles(n: int = N) -> np.ndarray:
    return stats.norm.ppf((np.arange(n) + 0.5) / n)


def shifted(sds: float, n: int = N) -> tuple[np.ndarray, np.ndarray]:
    ref = normal_quantiles(n)
    return ref, ref + sds * float(np.std(ref))


def binary(rate: float, n: int = N) -> np.ndarray:
    k = round(rate * n)
    return np.array(["yes"] * k + ["no"] * (n - k))


def test_rule_default_floors_are_0_1_numeric_and_0_05_categorical() -> None:
    policy = DriftPolicy()
    assert (policy.numeric_min_effect, policy.categorical_min_effect) == (0.1, 0.05)
    assert (policy.numeric_effect, policy.categorical_effect) == (
        "wasserstein_norm",
        "jensen_shannon",
    )
    assert policy.drift_share == 0.5
    assert policy.correction == "bh"


def test_rule_numeric_shift_above_the_0_1_floor_drifts() -> None:
    """Mean + 0.12 sd at 20,000 rows: KS significant and Wasserstein/sd 0.12 >= 0.1."""
    ref, cur = shifted(0.12)
    column = detect_drift({"x": ref}, {"x": cur})["x"]
    expected = stats.wasserstein_distance(ref, cur) / np.std(ref)
    assert column.effect_size is not None
    assert column.effect_size.value == pytest.approx(expected, rel=1e-9)
    assert column.effect_size.value == pytest.approx(0.12, rel=1e-6)
    assert column.effect_size.min_effect == 0.1
    assert column.p_value == pytest.approx(stats.ks_2samp(ref, cur).pvalue, rel=1e-6, abs=1e-300)
    assert column.p_value < 1e-10
    assert column.drifted


def test_rule_numeric_shift_below_the_0_1_floor_is_not_drift_though_significant() -> None:
    ref, cur = shifted(0.08)
    column = detect_drift({"x": ref}, {"x": cur})["x"]
    assert column.p_value_adjusted is not None and column.p_value_adjusted < 1e-5
    assert column.effect_size is not None
    assert column.effect_size.value == pytest.approx(0.08, rel=1e-6)
    assert not column.drifted


def test_rule_categorical_floor_0_05_catches_a_rate_from_1_to_3_percent() -> None:
    """docs/drift-policy.md: a binary rate from 1% to 3% is JS 0.062, caught."""
    column = detect_drift({"c": binary(0.01)}, {"c": binary(0.03)})["c"]
    js = jensenshannon([0.99, 0.01], [0.97, 0.03], base=2)
    assert js == pytest.approx(0.062, abs=5e-4)
    assert column.effect_size is not None
    assert column.effect_size.value == pytest.approx(js, rel=1e-9)
    assert column.effect_size.min_effect == 0.05
    assert column.drifted


def test_rule_categorical_floor_0_05_lets_a_rate_from_50_to_55_percent_through() -> None:
    """docs/drift-policy.md: 50% -> 55% is JS 0.043, below the floor: not drift."""
    column = detect_drift({"c": binary(0.50)}, {"c": binary(0.55)})["c"]
    js = jensenshannon([0.5, 0.5], [0.45, 0.55], base=2)
    assert js == pytest.approx(0.043, abs=5e-4)
    assert column.p_value is not None and column.p_value < 1e-10
    assert not column.drifted


def test_rule_min_effect_zero_turns_the_floor_off() -> None:
    ref, cur = shifted(0.08)
    policy = DriftPolicy.from_options(min_effect=0)
    column = detect_drift({"x": ref}, {"x": cur}, policy=policy)["x"]
    assert column.effect_size is not None and column.effect_size.min_effect == 0.0
    assert column.drifted
    cat = detect_drift({"c": binary(0.50)}, {"c": binary(0.55)}, policy=policy)["c"]
    assert cat.drifted


def test_rule_floor_reached_at_equality_drifts() -> None:
    """The effect must *reach* the floor: value == min_effect drifts, just below does not."""
    ref, cur = shifted(0.12)
    value = detect_drift({"x": ref}, {"x": cur})["x"].effect_size.value  # type: ignore[union-attr]
    at = DriftPolicy(numeric_min_effect=value)
    above = DriftPolicy(numeric_min_effect=math.nextafter(value, math.inf))
    assert detect_drift({"x": ref}, {"x": cur}, policy=at)["x"].drifted
    assert not detect_drift({"x": ref}, {"x": cur}, policy=above)["x"].drifted


def test_rule_a_significant_test_alone_is_not_enough_and_nor_is_the_effect_alone() -> None:
    """Both must hold: ten values shifted by half a sd are far above the floor, but
    KS (D = 0.1 on 10 vs 10) is nowhere near significant."""
    ref = np.arange(10.0)
    cur = ref + 0.5 * float(np.std(ref))
    column = detect_drift({"x": ref}, {"x": cur})["x"]
    assert column.p_value == pytest.approx(stats.ks_2samp(ref, cur).pvalue)
    assert column.p_value > 0.05
    assert column.effect_size is not None and column.effect_size.value >= 0.1
    assert not column.drifted


def test_rule_each_kind_gets_its_own_floor() -> None:
    """Swapping the floors would let 0.08 sd drift (0.05) and hide 1% -> 3% (0.1)."""
    ref, cur = shifted(0.08)
    result = detect_drift(
        {"x": ref, "c": binary(0.01)},
        {"x": cur, "c": binary(0.03)},
    )
    assert result["x"].effect_size.min_effect == 0.1  # type: ignore[union-attr]
    assert result["c"].effect_size.min_effect == 0.05  # type: ignore[union-attr]
    assert not result["x"].drifted
    assert result["c"].drifted


def test_rule_distance_methods_decide_by_their_threshold_without_the_floor() -> None:
    """A distance method (here Jensen-Shannon at 0.03) is not held to the 0.05 floor."""
    policy = DriftPolicy.from_options(categorical_method="jensen_shannon", threshold=0.03)
    column = detect_drift({"c": binary(0.50)}, {"c": binary(0.55)}, policy=policy)["c"]
    assert column.output == "distance"
    assert column.statistic == pytest.approx(jensenshannon([0.5, 0.5], [0.45, 0.55], base=2))
    assert column.statistic < 0.05
    assert column.drifted


def test_rule_numeric_distance_method_ignores_the_numeric_floor() -> None:
    ref, cur = shifted(0.08)
    policy = DriftPolicy.from_options(numeric_method="wasserstein_norm", threshold=0.05)
    column = detect_drift({"x": ref}, {"x": cur}, policy=policy)["x"]
    assert column.statistic == pytest.approx(0.08, rel=1e-6)
    assert column.drifted


def test_rule_distance_threshold_reached_at_equality_drifts() -> None:
    """'at or above which the column drifted'."""
    ref, cur = shifted(0.08)
    value = float(stats.wasserstein_distance(ref, cur) / np.std(ref))
    for threshold, drifted in ((value * (1 - 1e-12), True), (value * (1 + 1e-9), False)):
        policy = DriftPolicy.from_options(numeric_method="wasserstein_norm", threshold=threshold)
        assert detect_drift({"x": ref}, {"x": cur}, policy=policy)["x"].drifted is drifted


def _half_drifted(**policy: float) -> object:
    ref, cur = shifted(1.0)
    same = normal_quantiles()
    return detect_drift({"x": ref, "y": same}, {"x": cur, "y": same}, policy=DriftPolicy(**policy))


def test_rule_dataset_drifts_when_the_share_equals_drift_share() -> None:
    """share >= drift_share: one of two features at the default 0.5 is dataset drift."""
    result = _half_drifted()
    assert (result.n_drifted, result.n_columns, result.share_drifted) == (1, 2, 0.5)  # type: ignore[attr-defined]
    assert result.drifted  # type: ignore[attr-defined]
    assert not _half_drifted(drift_share=0.51).drifted  # type: ignore[attr-defined]
    assert _half_drifted(drift_share=0.49).drifted  # type: ignore[attr-defined]


def test_rule_drift_share_must_be_in_0_exclusive_1_inclusive() -> None:
    assert DriftPolicy(drift_share=1.0).drift_share == 1.0
    for bad in (0.0, -0.1, 1.01):
        with pytest.raises(ValueError, match="drift_share"):
            DriftPolicy(drift_share=bad)


def test_rule_uncompared_columns_do_not_count_in_the_dataset_share() -> None:
    """x drifts, y does not, z has no finite current values: the share is 1/2, not 1/3."""
    ref, cur = shifted(1.0)
    same = normal_quantiles()
    result = detect_drift(
        {"x": ref, "y": same, "z": same},
        {"x": cur, "y": same, "z": np.full(N, np.nan)},
    )
    assert result["z"].statistic is None
    assert not result["z"].drifted
    assert (result.n_drifted, result.n_columns, result.share_drifted) == (1, 2, 0.5)
    assert result.drifted


def test_rule_uncompared_columns_have_a_null_adjusted_p_value() -> None:
    ref, cur = shifted(1.0)
    same = normal_quantiles(500)
    result = detect_drift(
        {"x": ref[:500], "z": same},
        {"x": cur[:500], "z": np.full(500, np.nan)},
    )
    assert result["z"].p_value is None
    assert result["z"].p_value_adjusted is None
    row = next(c for c in result.to_dict()["columns"] if c["column"] == "z")
    assert row["p_value_adjusted"] is None
    assert '"p_value_adjusted": NaN' not in json.dumps(result.to_dict())


def test_rule_no_compared_feature_is_no_dataset_drift() -> None:
    same = normal_quantiles(500)
    result = detect_drift({"z": same}, {"z": np.full(500, np.nan)})
    assert (result.n_columns, result.share_drifted, result.drifted) == (0, 0.0, False)


def test_rule_feature_p_values_are_adjusted_together_by_benjamini_hochberg() -> None:
    """Features' adjusted p-values equal scipy's false_discovery_control of the raw ones."""
    rng = np.random.default_rng(7)
    ref = {f"f{i}": rng.normal(size=400) for i in range(5)}
    cur = {f"f{i}": rng.normal(0.05 * i, 1.0, size=400) for i in range(5)}
    result = detect_drift(ref, cur)
    raw = np.array([result[f"f{i}"].p_value for i in range(5)], dtype=float)
    adjusted = [result[f"f{i}"].p_value_adjusted for i in range(5)]
    assert adjusted == pytest.approx(stats.false_discovery_control(raw, method="bh"))
    plain = detect_drift(ref, cur, policy=DriftPolicy(correction="none"))
    assert [plain[f"f{i}"].p_value_adjusted for i in range(5)] == pytest.approx(raw)


def test_rule_a_drifted_column_needs_the_adjusted_p_value_below_alpha() -> None:
    """Decided on the adjusted, not the raw, p-value: Bonferroni over 20 columns lifts
    a raw p of about 0.01 above 0.05."""
    rng = np.random.default_rng(3)
    ref = {f"f{i}": rng.normal(size=300) for i in range(20)}
    cur = {f"f{i}": rng.normal(size=300) for i in range(20)}
    base, moved = shifted(0.0, 300)[0], shifted(0.32, 300)[1]
    ref["x"], cur["x"] = base, moved
    raw = stats.ks_2samp(base, moved).pvalue
    assert 0.05 / 21 < raw < 0.05
    policy = DriftPolicy(correction="none")
    assert detect_drift(ref, cur, policy=policy)["x"].drifted
    strict = DriftPolicy(correction="bonferroni")
    column = detect_drift(ref, cur, policy=strict)["x"]
    assert column.p_value_adjusted == pytest.approx(min(1.0, raw * 21))
    assert not column.drifted


def _values(name: str, values: np.ndarray) -> NumericValues:
    return NumericValues(name, np.sort(values), values.size, 0, 0, 0, 0)


def test_rule_one_columns_verdict_before_correction_reaches_the_floor_at_equality() -> None:
    """compare_numeric's own verdict (final when nothing corrects it): test and floor,
    the floor reached at equality."""
    ref, cur = shifted(0.12)
    value = float(stats.wasserstein_distance(ref, cur) / np.std(ref))
    for floor, drifted in ((value, True), (math.nextafter(value, math.inf), False)):
        policy = DriftPolicy(numeric_min_effect=floor)
        column = compare_numeric(_values("x", ref), _values("x", cur), "feature", policy)
        assert column.drifted is drifted


def test_rule_one_columns_distance_verdict_ignores_the_floor() -> None:
    ref, cur = shifted(0.08)
    policy = DriftPolicy.from_options(numeric_method="wasserstein_norm", threshold=0.05)
    column = compare_numeric(_values("x", ref), _values("x", cur), "feature", policy)
    assert column.effect_size is not None and column.effect_size.value < 0.1
    assert column.drifted


def test_rule_from_options_threshold_and_min_effect_apply_to_both_kinds() -> None:
    policy = DriftPolicy.from_options(threshold=0.01, min_effect=0.3)
    for kind in ("numeric", "categorical"):
        rule = policy.rule_for("any", kind)
        assert (rule.threshold, rule.min_effect) == (0.01, 0.3)
        assert policy.min_effect_for(rule, kind) == 0.3


def test_rule_a_per_column_mapping_may_set_method_threshold_and_min_effect() -> None:
    policy = DriftPolicy.from_options(
        columns={"x": {"method": "ks", "threshold": 0.01, "min_effect": 0.3}, "c": "psi"}
    )
    rule = policy.rule_for("x", "numeric")
    assert (rule.method, rule.threshold, rule.min_effect) == ("ks", 0.01, 0.3)
    assert policy.min_effect_for(rule, "numeric") == 0.3
    assert policy.rule_for("c", "categorical").method == "psi"
    assert policy.rule_for("other", "numeric").method == "ks"
    with pytest.raises(ValueError, match="needs 'method'"):
        DriftPolicy.from_options(columns={"x": {"method": "ks", "floor": 0.3}})


def test_rule_an_uncompared_column_reports_the_threshold_its_rule_set() -> None:
    same = normal_quantiles(50)
    policy = DriftPolicy.from_options(threshold=0.01)
    result = detect_drift({"z": same}, {"z": np.full(50, np.nan)}, policy=policy)
    assert result["z"].threshold == 0.01
    assert detect_drift({"z": same}, {"z": np.full(50, np.nan)})["z"].threshold == 0.05
