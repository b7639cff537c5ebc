from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from scipy import stats
from tests._data import make_frame

from watchkeeper import ColumnRule, DriftPolicy, InputError, UnknownMethodError, detect_drift


def test_statistics_match_scipy_on_raw_columns(rng: np.random.Generator) -> None:
    ref, cur = make_frame(rng, 3000), make_frame(rng, 2000, shift=0.3)
    result = detect_drift(ref, cur)
    a = result["a"]
    expected = stats.ks_2samp(ref.column("a").to_numpy(), cur.column("a").to_numpy())
    assert a.method == "ks"
    assert a.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert a.p_value == pytest.approx(expected.pvalue, rel=1e-9)
    ref_a, cur_a = ref.column("a").to_numpy(), cur.column("a").to_numpy()
    wasserstein = stats.wasserstein_distance(ref_a, cur_a) / np.std(ref_a)
    assert a.effect_size is not None
    assert a.effect_size.value == pytest.approx(wasserstein, rel=1e-9)
    c = result["c"]
    table = np.array(
        [
            [sum(1 for v in ref.column("c").to_pylist() if v == k) for k in ("x", "y", "z")],
            [sum(1 for v in cur.column("c").to_pylist() if v == k) for k in ("x", "y", "z")],
        ]
    )
    chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
    assert c.statistic == pytest.approx(chi2, rel=1e-9)
    assert c.p_value == pytest.approx(p, rel=1e-9)
    assert set(result.drifted_columns) == {"a", "c"}


def test_policy_is_quiet_on_tiny_shifts_at_scale(rng: np.random.Generator) -> None:
    n = 1_000_000
    ref = pa.table({"x": rng.normal(0, 1, n)})
    cur = pa.table({"x": rng.normal(0.01, 1, n)})
    column = detect_drift(ref, cur)["x"]
    # Significant (the test sees it) but below the effect-size floor: not drift.
    assert column.p_value is not None and column.p_value < 0.05
    assert column.effect_size is not None and column.effect_size.value < 0.1
    assert not column.drifted


def test_policy_catches_real_shifts_on_small_samples(rng: np.random.Generator) -> None:
    ref = pa.table({"x": rng.normal(0, 1, 300), "c": rng.choice(["a", "b"], 300, p=[0.8, 0.2])})
    cur = pa.table({"x": rng.normal(0.5, 1, 300), "c": rng.choice(["a", "b"], 300, p=[0.5, 0.5])})
    result = detect_drift(ref, cur)
    assert result.drifted_columns == ["x", "c"]


def test_policy_has_no_false_alarms_on_many_unshifted_columns(rng: np.random.Generator) -> None:
    columns = {f"x{i}": rng.normal(0, 1, 500) for i in range(40)}
    later = {f"x{i}": rng.normal(0, 1, 500) for i in range(40)}
    result = detect_drift(columns, later)
    assert result.drifted_columns == []
    assert not result.drifted


def test_distance_methods_decide_on_their_own_threshold(rng: np.random.Generator) -> None:
    ref, cur = make_frame(rng, 5000), make_frame(rng, 5000, shift=0.5)
    policy = DriftPolicy.from_options(numeric_method="psi", categorical_method="jensen_shannon")
    result = detect_drift(ref, cur, policy=policy)
    a = result["a"]
    assert a.method == "psi" and a.p_value is None and a.output == "distance"
    assert a.drifted == (a.statistic is not None and a.statistic >= a.threshold)


def test_per_column_rules_and_threshold_overrides(rng: np.random.Generator) -> None:
    ref, cur = make_frame(rng, 2000), make_frame(rng, 2000, shift=0.3)
    policy = DriftPolicy.from_options(
        columns={"a": {"method": "wasserstein_norm", "threshold": 5.0}, "b": "anderson"}
    )
    result = detect_drift(ref, cur, policy=policy)
    assert result["a"].method == "wasserstein_norm" and not result["a"].drifted
    assert result["b"].method == "anderson"
    assert result["c"].method == "chisquare"


def test_correction_adjusts_p_values(rng: np.random.Generator) -> None:
    ref, cur = make_frame(rng, 400), make_frame(rng, 400)
    raw = detect_drift(ref, cur, policy=DriftPolicy(correction="none"))
    bonferroni = detect_drift(ref, cur, policy=DriftPolicy(correction="bonferroni"))
    tested = [c for c in raw.columns if c.p_value is not None]
    for column in tested:
        expected = min(1.0, column.p_value * len(tested))  # type: ignore[operator]
        assert bonferroni[column.column].p_value_adjusted == pytest.approx(expected, rel=1e-12)


def test_target_and_predictions_are_reported_apart(rng: np.random.Generator) -> None:
    n = 1000
    ref = pa.table(
        {
            "x": rng.normal(size=n),
            "target": rng.integers(0, 2, n),
            "prediction": rng.integers(0, 2, n),
        }
    )
    cur = pa.table(
        {
            "x": rng.normal(size=n),
            "target": rng.integers(0, 2, n),
            "prediction": rng.integers(0, 2, n),
        }
    )
    result = detect_drift(ref, cur)
    assert [c.column for c in result.columns] == ["x"]
    assert [c.column for c in result.target] == ["target"]
    assert [c.column for c in result.predictions] == ["prediction"]
    assert result.n_columns == 1


def _roles_frame(seed: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Eight features, three unshifted and five shifted a little; a drifted target and
    prediction whose tiny p-values would pull the features' BH ranks if they shared a family."""
    rng = np.random.default_rng(seed)
    n = 400
    shifts = [0.0, 0.0, 0.0, 0.15, 0.2, 0.2, 0.25, 0.3]
    ref = {f"f{i}": rng.normal(0, 1, n) for i in range(8)}
    cur = {f"f{i}": rng.normal(s, 1, n) for i, s in enumerate(shifts)}
    ref["target"] = rng.integers(0, 2, n)
    cur["target"] = (rng.random(n) < 0.8).astype(int)
    ref["prediction"] = rng.integers(0, 2, n)
    cur["prediction"] = (rng.random(n) < 0.8).astype(int)
    return ref, cur


def test_feature_verdicts_do_not_depend_on_target_and_predictions() -> None:
    ref, cur = _roles_frame(5)
    features = [f"f{i}" for i in range(8)]
    both = detect_drift(pa.table(ref), pa.table(cur))
    alone = detect_drift(
        pa.table({k: ref[k] for k in features}), pa.table({k: cur[k] for k in features})
    )
    assert [c.column for c in both.columns] == features
    assert [c.p_value_adjusted for c in both.columns] == [c.p_value_adjusted for c in alone.columns]
    assert both.drifted_columns == alone.drifted_columns
    assert (both.n_drifted, both.share_drifted) == (alone.n_drifted, alone.share_drifted)

    # Reference: scipy's Benjamini-Hochberg over the eight features only.
    raw = np.array([c.p_value for c in both.columns], dtype=np.float64)
    expected = stats.false_discovery_control(raw, method="bh")
    got = np.array([c.p_value_adjusted for c in both.columns], dtype=np.float64)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    # The target and the prediction are each a family of one: adjusted equals raw.
    for column in (*both.target, *both.predictions):
        assert column.p_value is not None and column.p_value < 1e-10
        assert column.p_value_adjusted == pytest.approx(column.p_value, rel=1e-12)

    # The data is chosen so that one shared family would have changed the verdict:
    # BH over all ten p-values puts two features under 0.05 with effects over the floor.
    shared = stats.false_discovery_control(
        np.concatenate([raw, [both.target[0].p_value, both.predictions[0].p_value]]), method="bh"
    )[:8]
    floor_met = np.array(
        [c.effect_size is not None and c.effect_size.value >= 0.1 for c in both.columns]
    )
    assert int(np.sum((shared < 0.05) & floor_met)) == 2
    assert both.n_drifted == int(np.sum((expected < 0.05) & floor_met)) == 0


def test_profile_path_corrects_features_apart_too() -> None:
    from watchkeeper.drift import compare_profiles
    from watchkeeper.profile import profile_source

    ref, cur = _roles_frame(5)
    features = [f"f{i}" for i in range(8)]
    ref_all = profile_source(ref)
    both = compare_profiles(ref_all, profile_source(cur, bins_from=ref_all))
    ref_f = profile_source({k: ref[k] for k in features})
    alone = compare_profiles(ref_f, profile_source({k: cur[k] for k in features}, bins_from=ref_f))
    assert [c.p_value_adjusted for c in both.columns] == [c.p_value_adjusted for c in alone.columns]
    assert both.drifted_columns == alone.drifted_columns
    raw = np.array([c.p_value for c in both.columns], dtype=np.float64)
    got = np.array([c.p_value_adjusted for c in both.columns], dtype=np.float64)
    np.testing.assert_allclose(got, stats.false_discovery_control(raw), rtol=1e-12)


def test_edge_cases_give_documented_results() -> None:
    ref = pa.table(
        {
            "empty": pa.array([None, None, None], pa.float64()),
            "const": [1.0, 1.0, 1.0],
            "one_cat": ["a", "a", "a"],
            "inf": [1.0, float("inf"), 2.0],
        }
    )
    cur = pa.table(
        {
            "empty": pa.array([1.0, 2.0, 3.0]),
            "const": [1.0, 1.0, 1.0],
            "one_cat": ["a", "a", "a"],
            "inf": [1.0, 2.0, float("-inf")],
        }
    )
    schema = {"empty": "numeric"}
    result = detect_drift(ref, cur, schema=schema)
    assert result["empty"].statistic is None and result["empty"].note is not None
    assert not result["const"].drifted and result["const"].p_value == pytest.approx(1.0)
    assert not result["one_cat"].drifted and result["one_cat"].note is not None
    assert result["inf"].n_reference == 2 and result["inf"].n_current == 2
    for column in result.columns:
        data = column.to_dict()
        assert all(v == v for v in data.values() if isinstance(v, float))


def test_column_missing_from_current_is_skipped_with_reason(rng: np.random.Generator) -> None:
    ref = make_frame(rng, 100)
    cur = ref.drop_columns(["b"])
    result = detect_drift(ref, cur)
    assert {"column": "b", "reason": "missing from the current data"} in result.skipped


def test_unseen_categories_are_listed(rng: np.random.Generator) -> None:
    ref = pa.table({"c": ["a", "b"] * 500})
    cur = pa.table({"c": ["a", "b", "new"] * 300})
    column = detect_drift(ref, cur)["c"]
    assert column.unseen_categories == ("new",)
    assert column.drifted


def test_bad_policy_names_the_problem() -> None:
    with pytest.raises(UnknownMethodError, match="unknown drift method 'kss'"):
        DriftPolicy.from_options(numeric_method="kss")
    with pytest.raises(InputError, match="does not apply to categorical"):
        DriftPolicy.from_options(categorical_method="ks")
    with pytest.raises(InputError, match="correction"):
        DriftPolicy(correction="sidak")
    with pytest.raises(InputError, match="needs 'method'"):
        DriftPolicy.from_options(columns={"a": {"threshold": 0.1}})
    assert DriftPolicy(columns={"a": ColumnRule("ks")}).rule_for("a", "numeric").method == "ks"


def test_dataset_verdict_uses_the_configured_share(rng: np.random.Generator) -> None:
    ref, cur = make_frame(rng, 3000), make_frame(rng, 3000, shift=1.0)
    strict = detect_drift(ref, cur, policy=DriftPolicy(drift_share=0.2))
    assert strict.drifted and strict.share_drifted == pytest.approx(2 / 5)
    lenient = detect_drift(ref, cur, policy=DriftPolicy(drift_share=0.9))
    assert not lenient.drifted
