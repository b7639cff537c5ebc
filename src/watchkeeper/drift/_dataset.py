"""Drift of a whole dataset: every column compared, corrected, and one verdict."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np
import pyarrow as pa

from watchkeeper.drift._column import compare_categorical, compare_numeric
from watchkeeper.drift._policy import DriftPolicy
from watchkeeper.drift._results import ColumnDrift, DatasetDrift
from watchkeeper.io import (
    CategoricalValues,
    ColumnValues,
    NumericValues,
    extract_column,
)
from watchkeeper.schema import ColumnRole, ColumnSpec, Schema
from watchkeeper.stats import adjust_p_values

__all__ = ["compare_values", "extract_all", "worker_count"]

ProgressCallback = Callable[[str], None]


def worker_count() -> int:
    """Threads for per-column work: sorting and searching release the GIL."""
    return max(1, min(4, os.cpu_count() or 1))


def extract_all(
    table: pa.Table, specs: list[ColumnSpec], progress: ProgressCallback | None = None
) -> dict[str, ColumnValues]:
    """Every column of ``specs`` present in ``table``, extracted in parallel."""

    def one(spec: ColumnSpec) -> ColumnValues:
        values = extract_column(table.column(spec.name), spec)
        if progress is not None:
            progress(spec.name)
        return values

    present = [spec for spec in specs if spec.name in table.column_names]
    with ThreadPoolExecutor(worker_count()) as pool:
        return {
            spec.name: values for spec, values in zip(present, pool.map(one, present), strict=True)
        }


def _compare_one(
    spec: ColumnSpec, ref: ColumnValues, cur: ColumnValues, policy: DriftPolicy
) -> ColumnDrift | None:
    if isinstance(ref, NumericValues) and isinstance(cur, NumericValues):
        return compare_numeric(ref, cur, spec.role.value, policy)
    if isinstance(ref, CategoricalValues) and isinstance(cur, CategoricalValues):
        return compare_categorical(ref, cur, spec.kind.value, spec.role.value, policy)
    return None


def correction_family(role: str) -> str:
    """The multiple-testing family of a column's role: features, target or predictions.

    Features are corrected together; the target and the predictions (and scores) each
    form their own family, so a feature's verdict never depends on which other roles
    the data happens to carry.

    >>> correction_family("feature"), correction_family("target"), correction_family("score")
    ('feature', 'target', 'prediction')
    """
    if role in (ColumnRole.PREDICTION.value, ColumnRole.SCORE.value):
        return ColumnRole.PREDICTION.value
    return role


def _apply_correction(items: list[ColumnDrift], policy: DriftPolicy) -> list[ColumnDrift]:
    """Adjust the p-values of the test methods within each family, then decide each column."""
    families: dict[str, list[int]] = {}
    for i, c in enumerate(items):
        if c.output == "p_value" and c.p_value is not None:
            families.setdefault(correction_family(c.role), []).append(i)
    out = list(items)
    for tested in families.values():
        raw = np.asarray([items[i].p_value for i in tested], dtype=np.float64)
        adjusted = adjust_p_values(raw, policy.correction)
        for position, i in enumerate(tested):
            item = items[i]
            p_adj = float(adjusted[position])
            drifted = p_adj < item.threshold
            if item.effect_size is not None:
                drifted = drifted and item.effect_size.value >= item.effect_size.min_effect
            out[i] = replace(item, p_value_adjusted=p_adj, drifted=drifted)
    return out


def skip_reason(spec: ColumnSpec) -> str:
    """Why a column of the schema is not compared (roles and kinds without a method)."""
    if spec.role not in (ColumnRole.FEATURE, ColumnRole.TARGET):
        return f"{spec.role.value} columns are not compared"
    return f"{spec.kind.value} columns have no drift method"


def assemble(
    results: list[ColumnDrift | None], skipped: list[dict[str, str]], policy: DriftPolicy
) -> DatasetDrift:
    """The dataset's drift from its columns' results: corrected, split by role, judged.

    Shared by the raw-data and the profile paths, so both decide alike.
    """
    compared = _apply_correction([r for r in results if r is not None], policy)
    features = tuple(c for c in compared if c.role == ColumnRole.FEATURE.value)
    target = tuple(c for c in compared if c.role == ColumnRole.TARGET.value)
    predictions = tuple(
        c for c in compared if c.role in (ColumnRole.PREDICTION.value, ColumnRole.SCORE.value)
    )
    usable = [c for c in features if c.statistic is not None]
    n_drifted = sum(c.drifted for c in usable)
    share = n_drifted / len(usable) if usable else 0.0
    return DatasetDrift(
        drifted=bool(usable) and share >= policy.drift_share,
        drift_share=policy.drift_share,
        share_drifted=share,
        n_drifted=n_drifted,
        n_columns=len(usable),
        columns=features,
        target=target,
        predictions=predictions,
        skipped=tuple(skipped),
        policy=policy.to_dict(),
    )


def compare_values(
    schema: Schema,
    reference: Mapping[str, ColumnValues],
    current: Mapping[str, ColumnValues],
    policy: DriftPolicy | None = None,
    progress: ProgressCallback | None = None,
) -> DatasetDrift:
    """Drift of every compared column, from already-extracted values."""
    policy = policy or DriftPolicy()
    jobs: list[ColumnSpec] = []
    skipped: list[dict[str, str]] = []
    for spec in schema:
        if not spec.compared:
            skipped.append({"column": spec.name, "reason": skip_reason(spec)})
        elif spec.name not in current:
            skipped.append({"column": spec.name, "reason": "missing from the current data"})
        else:
            jobs.append(spec)

    def run(spec: ColumnSpec) -> ColumnDrift | None:
        result = _compare_one(spec, reference[spec.name], current[spec.name], policy)
        if progress is not None:
            progress(spec.name)
        return result

    with ThreadPoolExecutor(worker_count()) as pool:
        results = list(pool.map(run, jobs))
    return assemble(results, skipped, policy)
