"""``watchkeeper ab`` on a SQLite store and ``watchkeeper ab-files`` on small files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy import stats
from tests.abtest._store import populate

from watchkeeper.cli import _main
from watchkeeper.service import MonitoringService, Settings
from watchkeeper.store import Store


@pytest.fixture(autouse=True)
def _no_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WATCHKEEPER_DATABASE_URL", raising=False)


def _files(tmp_path: Path, *, paired: bool) -> tuple[str, str, dict[str, np.ndarray]]:
    rng = np.random.default_rng(0)
    n = 600
    y_a = rng.integers(0, 2, n)
    y_b = y_a if paired else rng.integers(0, 2, n)
    columns = {
        "y_a": y_a,
        "y_b": y_b,
        "p_a": np.where(rng.random(n) < 0.78, y_a, 1 - y_a),
        "p_b": np.where(rng.random(n) < 0.86, y_b, 1 - y_b),
        "s_a": y_a + rng.normal(0, 1.2, n),
        "s_b": y_b + rng.normal(0, 0.9, n),
        "l_a": rng.gamma(2.0, 10.0, n),
        "l_b": rng.gamma(2.0, 11.0, n),
    }
    paths = []
    for arm in ("a", "b"):
        path = tmp_path / f"{arm}.parquet"
        pq.write_table(
            pa.table(
                {
                    "label": columns[f"y_{arm}"],
                    "predicted": columns[f"p_{arm}"],
                    "score": columns[f"s_{arm}"],
                    "latency": columns[f"l_{arm}"],
                }
            ),
            path,
        )
        paths.append(str(path))
    return paths[0], paths[1], columns


def test_ab_files_accuracy_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b, cols = _files(tmp_path, paired=False)
    out = tmp_path / "ab.json"
    code = _main.main(
        ["ab-files", a, b, "--target", "label", "--prediction", "predicted",
         "--metric", "accuracy", "--json", str(out)]
    )  # fmt: skip
    assert code == 0
    text = capsys.readouterr().out
    assert "B (b.parquet) is better" in text and "two_proportion_z" in text
    payload = json.loads(out.read_text())
    k_a = int((cols["y_a"] == cols["p_a"]).sum())
    k_b = int((cols["y_b"] == cols["p_b"]).sum())
    chi2 = stats.chi2_contingency([[k_a, 600 - k_a], [k_b, 600 - k_b]], correction=False)
    assert payload["test"]["p_value"] == pytest.approx(chi2[1], rel=1e-9)
    assert payload["test"]["winner"] == "b"


def test_ab_files_latency_and_paired_auc(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b, cols = _files(tmp_path, paired=True)
    out = tmp_path / "latency.json"
    assert _main.main(["ab-files", a, b, "--value", "latency", "--metric", "latency_ms",
                       "--json", str(out)]) == 0  # fmt: skip
    ref = stats.ttest_ind(cols["l_b"], cols["l_a"], equal_var=False)
    assert json.loads(out.read_text())["test"]["p_value"] == pytest.approx(ref.pvalue, rel=1e-9)
    code = _main.main(["ab-files", a, b, "--target", "label", "--score", "score",
                       "--metric", "roc_auc", "--paired", "--n-boot", "300"])  # fmt: skip
    assert code == 0
    assert "bootstrap_paired, paired" in capsys.readouterr().out


def test_ab_files_errors_name_the_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b, _ = _files(tmp_path, paired=False)
    assert _main.main(["ab-files", a, b, "--metric", "accuracy", "--target", "label"]) == 2
    assert "needs --prediction COL" in capsys.readouterr().err
    code = _main.main(["ab-files", a, b, "--metric", "mae", "--target", "nope",
                       "--prediction", "predicted"])  # fmt: skip
    assert code == 2
    assert "column 'nope' is not in" in capsys.readouterr().err


def test_ab_reads_the_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'wk.db'}"
    store = Store(url)
    try:
        populate(MonitoringService(store, Settings()))
    finally:
        store.close()
    out = tmp_path / "ab.json"
    code = _main.main(["ab", "churn", "v1", "v2", "--metric", "accuracy",
                       "--database-url", url, "--json", str(out)])  # fmt: skip
    assert code == 0
    text = capsys.readouterr().out
    assert "churn: v2 vs v1 on accuracy (4 and 4 closed windows)" in text
    assert "always-valid (mSPRT" in text
    payload = json.loads(out.read_text())
    assert payload["test"]["winner"] == "b" and payload["sequential"]["looks"] == 4
    code = _main.main(["ab", "churn", "v1", "v2", "--metric", "accuracy",
                       "--database-url", url, "--start", "2024-01-01T00:00"])  # fmt: skip
    assert code == 2
    assert "no time zone" in capsys.readouterr().err
    code = _main.main(["ab", "churn", "v1", "v7", "--metric", "accuracy", "--database-url", url])
    assert code != 0
