"""The report's performance section, checked against scikit-learn on the same chunks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from sklearn.metrics import accuracy_score, roc_auc_score

import watchkeeper
from watchkeeper.report import SCHEMA_VERSION


def labelled(rng: np.random.Generator, n: int, noise: float) -> pa.Table:
    x = rng.normal(size=n)
    score = 1 / (1 + np.exp(-2 * x))
    truth = np.clip(score + noise * rng.normal(size=n), 0, 1)
    return pa.table(
        {
            "x": x,
            "score": score,
            "prediction": (score >= 0.5).astype(np.int64),
            "target": (rng.random(n) < truth).astype(np.int64),
        }
    )


def test_report_holds_realized_performance_per_chunk(rng: np.random.Generator) -> None:
    ref, cur = labelled(rng, 4000, 0.0), labelled(rng, 4000, 0.4)
    result = watchkeeper.report(ref, cur, schema={"scores": ["score"]})
    performance = result.to_dict()["performance"]
    assert performance is not None
    metrics = {m["metric"]: m for m in performance["metrics"]}
    current = [c for c in metrics["accuracy"]["chunks"] if c["period"] == "analysis"]
    assert len(current) == 10
    first = current[0]
    rows = slice(first["start"], first["end"])  # end is exclusive
    y = cur.column("target").to_numpy()[rows]
    assert first["value"] == pytest.approx(
        accuracy_score(y, cur.column("prediction").to_numpy()[rows]), rel=1e-12
    )
    auc = next(c for c in metrics["roc_auc"]["chunks"] if c["period"] == "analysis")
    assert auc["value"] == pytest.approx(
        roc_auc_score(y, cur.column("score").to_numpy()[rows]), rel=1e-9
    )
    page = result.to_html()
    assert "Model performance" in page
    assert 'class="wk-perf-chart"' in page


def test_no_performance_without_labels(rng: np.random.Generator) -> None:
    ref = labelled(rng, 500, 0.0).drop_columns(["target"])
    result = watchkeeper.report(ref, ref)
    assert result.to_dict()["performance"] is None
    assert "Model performance" not in result.to_html()


def test_schema_doc_names_every_performance_field(rng: np.random.Generator) -> None:
    ref, cur = labelled(rng, 341, 0.0), labelled(rng, 341, 0.4)
    payload = watchkeeper.report(ref, cur, schema={"scores": ["score"]}).to_dict()
    assert payload["schema_version"] == SCHEMA_VERSION == "1.1"
    doc = (Path(__file__).parents[2] / "docs" / "report-schema.md").read_text(encoding="utf-8")
    assert f"(schema version {SCHEMA_VERSION})" in doc and f"- **{SCHEMA_VERSION}**" in doc
    performance = payload["performance"]
    metric = performance["metrics"][0]
    chunk = metric["chunks"][0]
    for key in (*performance, *metric, *chunk):
        assert f"`{key}`" in doc or f'"{key}"' in doc, key
    # 341 rows, default chunk size 341 // 10 = 34: ten chunks per side, the last of 35.
    sizes = [c["n_rows"] for c in metric["chunks"]]
    assert sizes == ([34] * 9 + [35]) * 2
    assert performance["n_reference_chunks"] == 10 and performance["thresholds_reliable"]
    assert performance["notes"][0].startswith("reference data: the last 1 row joined")
