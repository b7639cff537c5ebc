"""`watchkeeper suggest` then `watchkeeper check`, through the real command line.

Issue 11: a suggested suite must fail the build (exit 1) on clearly drifted data (7 of
25 columns drifted, one of them through a category the reference never had) and pass (exit 0) on the
reference itself.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from watchkeeper.checks import Suite
from watchkeeper.cli import main

N_NUMERIC, N_CATEGORICAL, N_SHIFTED = 20, 5, 6
PLANS = ["basic", "pro", "team"]


def frame(rng: np.random.Generator, n: int, *, drifted: bool) -> pa.Table:
    columns: dict[str, object] = {}
    for i in range(N_NUMERIC):
        shift = 1.5 if drifted and i < N_SHIFTED else 0.0  # 1.5 sd: plainly drifted
        columns[f"x{i:02d}"] = rng.normal(shift, 1.0, n)
    for i in range(N_CATEGORICAL):
        columns[f"c{i}"] = rng.choice(PLANS, n)
    if drifted:  # one category the reference never had, in 5% of the rows of c0
        plans = np.asarray(columns["c0"], dtype=object)
        plans[rng.random(n) < 0.05] = "enterprise"
        columns["c0"] = plans.astype(str)
    return pa.table(columns)


@pytest.fixture
def files(tmp_path: Path, rng: np.random.Generator) -> tuple[Path, Path, Path]:
    reference, drifted = tmp_path / "reference.parquet", tmp_path / "drifted.parquet"
    pq.write_table(frame(rng, 2000, drifted=False), reference)
    pq.write_table(frame(rng, 2000, drifted=True), drifted)
    return reference, drifted, tmp_path / "suite.yaml"


def test_suggested_suite_passes_on_the_reference_and_fails_on_drift(
    files: tuple[Path, Path, Path],
) -> None:
    reference, drifted, suite_path = files
    assert pq.read_table(drifted).num_columns == N_NUMERIC + N_CATEGORICAL == 25
    assert main(["suggest", str(reference), "-o", str(suite_path)]) == 0

    assert main(["check", str(suite_path), str(reference), "--quiet"]) == 0
    assert main(["check", str(suite_path), str(drifted), "--quiet"]) == 1

    # Why it failed: the dataset share and the new category, both `fail`; a drifted
    # column on its own only warns.
    suite = Suite.load(suite_path)
    result = suite.check(pq.read_table(reference), pq.read_table(drifted))
    failed = {r.check.metric for r in result.failures}
    assert failed == {"drift.share_drifted", "quality.column.c0.categories"}
    assert result.report is not None
    # 7 of 25 drift (share 0.28, under the old limit of 0.3): the 6 shifted columns
    # and c0, through its new category
    drifted_columns = {c.column for c in result.report.drift.columns if c.drifted}
    assert drifted_columns == {f"x{i:02d}" for i in range(N_SHIFTED)} | {"c0"}
    assert "drift.column.x00.drifted" in {r.check.metric for r in result.warnings}


def test_the_new_category_alone_fails_the_build(
    files: tuple[Path, Path, Path], rng: np.random.Generator, tmp_path: Path
) -> None:
    reference, _, suite_path = files
    assert main(["suggest", str(reference), "-o", str(suite_path)]) == 0
    table = frame(rng, 2000, drifted=False)
    plans = np.asarray(table.column("c1").to_numpy(zero_copy_only=False), dtype=object)
    plans[:3] = "enterprise"
    current = tmp_path / "new-category.parquet"
    pq.write_table(table.set_column(table.schema.get_field_index("c1"), "c1", [plans]), current)
    assert main(["check", str(suite_path), str(current), "--quiet"]) == 1
