"""Every result converts to pandas and Arrow, prints on one screen and renders in a notebook."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pyarrow as pa
import pytest
from scipy import stats

import watchkeeper as wk
from watchkeeper._tabular import Tabular
from watchkeeper.abtest import sample_size_proportions, welch_ttest
from watchkeeper.attribution import attribution_drift_from_values
from watchkeeper.fairness import count_groups, disparity, group_metric_frame
from watchkeeper.multivariate import mmd_test, pca_reconstruction_drift, uncertainty_drift
from watchkeeper.performance import SizeChunker, calculate_performance

pd = pytest.importorskip("pandas")

_DRIFT_COLUMNS = [
    "column",
    "kind",
    "method",
    "statistic",
    "p_value",
    "threshold",
    "effect",
    "drifted",
]


def _frames(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n = 600
    reference = pd.DataFrame({"age": rng.normal(40, 10, n), "city": rng.choice(["a", "b", "c"], n)})
    current = pd.DataFrame(
        {
            "age": np.r_[rng.normal(45, 10, n - 60), [np.nan] * 60],
            "city": rng.choice(["a", "b", "c", "d"], n),
        }
    )
    return reference, current


def _all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def test_drift_to_pandas_is_one_row_per_compared_column() -> None:
    reference, current = _frames()
    result = wk.report(reference, current)
    frame = result.drift.to_pandas()
    assert list(frame.columns[:8]) == _DRIFT_COLUMNS
    assert list(frame["column"]) == ["age", "city"]
    age = frame.set_index("column").loc["age"]
    # The KS statistic and p-value, from scipy on the same values (NaN left out).
    ks = stats.ks_2samp(reference["age"], current["age"].dropna())
    assert age["statistic"] == pytest.approx(ks.statistic, abs=1e-12)
    assert age["p_value"] == pytest.approx(ks.pvalue, rel=1e-9)
    assert age["method"] == "ks" and age["kind"] == "numeric"
    assert bool(age["drifted"]) is True
    assert age["effect"] == pytest.approx(result.drift["age"].effect_size.value)
    # Arrow: the same rows, typed columns.
    table = result.drift.to_arrow()
    assert table.num_rows == 2
    assert table.schema.field("statistic").type == pa.float64()
    assert table.schema.field("drifted").type == pa.bool_()
    assert table.column("column").to_pylist() == ["age", "city"]


def test_report_and_quality_tables() -> None:
    reference, current = _frames()
    result = wk.report(reference, current)
    frame = result.to_pandas()
    assert list(frame["column"]) == ["age", "city"]
    assert frame.set_index("column").loc["age", "n_findings"] == len(
        result.quality.for_column("age")
    )
    findings = result.quality.to_pandas()
    assert len(findings) == len(result.quality.findings)
    assert set(findings["severity"]) <= {"critical", "warning", "info"}
    missing = findings[findings["check"] == "missing_share"].iloc[0]
    assert missing["column"] == "age"
    assert missing["value"] == pytest.approx(60 / 600)
    assert result.quality.to_arrow().num_rows == len(findings)
    assert repr(result).startswith("Report: 600 current rows against 600 reference rows")


def test_performance_long_table_and_short_repr() -> None:
    rng = np.random.default_rng(3)
    p = rng.uniform(size=20_000)
    data = {"p": p, "pred": (p > 0.5).astype(int), "y": rng.binomial(1, p)}
    result = calculate_performance(
        data, data, y_true="y", y_pred="pred", y_score="p", chunker=SizeChunker(2_000)
    )
    frame = result.to_pandas()
    n_chunks = sum(len(m.chunks) for m in result.metrics)
    assert len(frame) == n_chunks == 6 * 20
    first = frame[(frame["metric"] == "accuracy") & (frame["period"] == "analysis")].iloc[0]
    # Accuracy on the first 2,000 rows, computed here by hand.
    expected = float(np.mean(data["pred"][:2000] == data["y"][:2000]))
    assert first["value"] == pytest.approx(expected)
    assert result.metric("accuracy").to_pandas()["value"].iloc[0] == pytest.approx(expected)
    text = repr(result)
    assert len(text.splitlines()) <= 1 + 1 + len(result.metrics)
    assert len(text) < 1500  # was 6.5 KB as a dataclass repr


def test_fairness_by_group_is_a_dataframe_like_fairlearn() -> None:
    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 2, 300), rng.integers(0, 2, 300)
    sex, race = rng.choice(["f", "m"], 300), rng.choice(["x", "y"], 300)
    frame = group_metric_frame(
        y, p, sensitive_features={"sex": sex, "race": race}, metrics="accuracy", n_boot=20, seed=1
    )
    by_sex = frame.by_group("sex")
    assert by_sex.index.name == "sex"
    assert by_sex.loc["f", "accuracy"] == pytest.approx(
        float(np.mean(y[sex == "f"] == p[sex == "f"]))
    )
    both = frame.by_group()
    assert list(both.index.names) == ["sex", "race"]
    table = frame.to_pandas()
    assert table["group"].iloc[0] == "overall"
    assert {"accuracy", "accuracy_ci_low", "accuracy_ci_high", "n"} <= set(table.columns)
    assert len(table) == 1 + len(frame.rows)


def test_multivariate_and_abtest_tables() -> None:
    rng = np.random.default_rng(1)
    reference = pd.DataFrame({"a": rng.normal(size=800), "b": rng.normal(size=800)})
    current = pd.DataFrame({"a": rng.normal(size=800), "b": rng.normal(1, 1, 800)})
    pca = pca_reconstruction_drift(reference, current, chunk_size=200)
    assert len(pca.to_pandas()) == len(pca.chunks)
    mmd = mmd_test(reference, current, n_permutations=50)
    assert mmd.to_pandas().loc[0, "p_value"] == pytest.approx(mmd.p_value)
    unc = uncertainty_drift(rng.beta(8, 2, 500), rng.beta(3, 2, 500))
    assert list(unc.to_pandas()["name"]) == ["entropy", "margin"]
    a, b = rng.normal(0, 1, 200), rng.normal(0.3, 1, 200)
    test = welch_ttest(a, b)
    scipy_p = stats.ttest_ind(b, a, equal_var=False).pvalue
    assert test.to_pandas().loc[0, "p_value"] == pytest.approx(scipy_p, rel=1e-9)
    assert sample_size_proportions(0.1, 0.12).to_arrow().num_rows == 1


def test_disparity_and_attribution_tables() -> None:
    y = np.array([1, 0, 1, 1, 0, 0, 1, 0])
    p = np.array([1, 1, 1, 0, 0, 0, 1, 0])
    groups = np.array(list("aaaabbbb"))
    report = disparity(count_groups(y, p, sensitive_features=groups))
    frame = report.to_pandas().set_index("group")
    # Selection rates by hand: a predicts 1 on 3 of 4 rows, b on 1 of 4.
    assert frame.loc["a", "selection_rate"] == 0.75 and frame.loc["b", "selection_rate"] == 0.25
    assert frame.loc["b", "impact_ratio"] == pytest.approx(0.25 / 0.75)
    fifths = report.four_fifths.to_pandas().set_index("group")
    assert bool(fifths.loc["b", "fails"]) and bool(fifths.loc["a", "reference"])
    drift = attribution_drift_from_values(
        {"a": 0.7, "b": 0.5, "c": 0.05}, {"a": 0.1, "b": 0.2, "c": 0.7}
    )
    assert list(drift.to_pandas()["current_rank"]) == [3, 2, 1]


def test_every_result_shares_the_repr_and_html() -> None:
    reference, current = _frames()
    result = wk.report(reference, current)
    subclasses = _all_subclasses(Tabular)
    assert len(subclasses) >= 25
    for cls in subclasses:
        # A dataclass declared without repr=False would write its own long repr.
        assert cls.__repr__ is Tabular.__repr__, cls
    html = result.drift._repr_html_()
    assert html.count("<tr>") == 1 + 2
    assert "<script" not in result.quality._repr_html_()
    assert len(repr(result.drift).splitlines()) == 1 + 1 + 2


def test_result_modules_import_without_pandas() -> None:
    # pandas comes in when to_pandas() is called (pyarrow itself loads it, when it is
    # installed, on its first conversion from Python lists), never by importing results.
    code = (
        "import sys\n"
        "import watchkeeper.drift, watchkeeper.performance, watchkeeper.quality\n"
        "import watchkeeper.report, watchkeeper.fairness, watchkeeper.multivariate\n"
        "import watchkeeper.abtest\n"
        "print('pandas' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"
