"""The report: drift and data quality of current data against a reference.

Computation happens in :func:`report`; the :class:`Report` it returns is data, which
renders itself as JSON (:meth:`Report.to_dict`), HTML (:meth:`Report.to_html`) and a
terminal summary (:meth:`Report.summary`). Rendering reads results and never computes
statistics.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import pyarrow as pa

from watchkeeper._exceptions import InputError
from watchkeeper._progress import Progress
from watchkeeper._sides import is_profile_source, profile_pair
from watchkeeper._tabular import Tabular
from watchkeeper._version import __version__
from watchkeeper.drift import DatasetDrift, DriftPolicy, compare_values, extract_all
from watchkeeper.drift._from_profiles import compare_profiles
from watchkeeper.io import to_table
from watchkeeper.profile import DEFAULT_BATCH_SIZE
from watchkeeper.quality import QualityConfig, QualityResult, assess_profiles
from watchkeeper.quality._assess import assess_tables
from watchkeeper.schema import ColumnKind, ColumnRole, Schema, infer_schema

__all__ = ["SCHEMA_VERSION", "DatasetInfo", "Report", "report", "report_from_profiles"]

# The version of the JSON form; bump the minor for additions, the major for changes.
# docs/report-schema.md keeps the changelog.
SCHEMA_VERSION = "1.1"

_EXTRACTED_KINDS = (ColumnKind.NUMERIC, ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN)


@dataclass(frozen=True, repr=False)
class DatasetInfo(Tabular):
    """Where a side of the comparison came from, and its shape."""

    name: str | None
    n_rows: int
    n_columns: int

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "n_rows": self.n_rows, "n_columns": self.n_columns}


@dataclass(frozen=True, repr=False)
class Report(Tabular):
    """Drift and data quality of ``current`` against ``reference``.

    As a table (``to_pandas()``, ``to_arrow()``): one row per compared column, the
    drift columns of :meth:`DatasetDrift.to_pandas` and the column's worst data-quality
    finding (``quality``, None when there is none) and its number of findings.
    """

    reference: DatasetInfo
    current: DatasetInfo
    schema: Schema
    drift: DatasetDrift
    quality: QualityResult
    created_at: str
    performance: dict[str, Any] | None = None

    _table_columns: ClassVar[tuple[str, ...]] = (
        *DatasetDrift._table_columns,
        "quality",
        "n_findings",
    )

    def _table_rows(self) -> list[dict[str, Any]]:
        rows = self.drift._table_rows()
        for row in rows:
            findings = self.quality.for_column(row["column"])
            row["quality"] = findings[0].severity.value if findings else None
            row["n_findings"] = len(findings)
        return rows

    def _headline(self) -> str:
        drift = self.drift._headline().removeprefix("DatasetDrift: ")
        quality = self.quality._headline().removeprefix("QualityResult: ")
        return (
            f"Report: {self.current.n_rows} current rows against {self.reference.n_rows}"
            f" reference rows; {drift}; quality: {quality}"
        )

    def to_dict(self) -> dict[str, Any]:
        """The versioned JSON form, documented in docs/report-schema.md."""
        return {
            "schema_version": SCHEMA_VERSION,
            "watchkeeper_version": __version__,
            "created_at": self.created_at,
            "reference": self.reference.to_dict(),
            "current": self.current.to_dict(),
            "schema": self.schema.to_dict(),
            "drift": self.drift.to_dict(),
            "quality": self.quality.to_dict(),
            "performance": self.performance,
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    def save_json(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.to_json(), encoding="utf-8")
        return path

    def to_html(self) -> str:
        """A self-contained HTML page (no network needed to view it)."""
        from watchkeeper.report._html import render_html

        return render_html(self.to_dict())

    def save_html(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.to_html(), encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        from watchkeeper.report._html import render_html

        return render_html(self.to_dict(), embedded=True)

    def summary(self, *, color: bool = False) -> str:
        """A plain-text summary for the terminal."""
        from watchkeeper.report._terminal import render_summary

        return render_summary(self.to_dict(), color=color)

    def __str__(self) -> str:
        return self.summary()


def _source_name(source: Any) -> str | None:
    if isinstance(source, str | Path):
        return str(source)
    if isinstance(source, list | tuple) and source and isinstance(source[0], str | Path):
        return ", ".join(str(s) for s in source)
    return type(source).__name__


def _performance(schema: Schema, reference: pa.Table, current: pa.Table) -> dict[str, Any] | None:
    """Realized performance per chunk, when both sides carry the target and predictions."""
    targets = schema.with_role(ColumnRole.TARGET)
    predictions = schema.with_role(ColumnRole.PREDICTION)
    scores = schema.with_role(ColumnRole.SCORE)
    if len(targets) != 1 or not (predictions or scores):
        return None
    needed = [targets[0].name, *(c.name for c in predictions[:1]), *(c.name for c in scores)]
    if any(name not in table.column_names for name in needed for table in (reference, current)):
        return None
    if min(reference.num_rows, current.num_rows) < 20:
        return None
    from watchkeeper.performance import calculate_performance

    score: str | list[str] | None = None
    if len(scores) == 1:
        score = scores[0].name
    elif scores:
        score = [c.name for c in scores]
    result = calculate_performance(
        reference,
        current,
        y_true=targets[0].name,
        y_pred=predictions[0].name if predictions else None,
        y_score=score,
    )
    return result.to_dict()


def _assemble(
    reference: tuple[Any, int, int],
    current: tuple[Any, int, int],
    names: tuple[str | None, str | None] | None,
    schema: Schema,
    drift: DatasetDrift,
    quality: QualityResult,
    performance: dict[str, Any] | None = None,
) -> Report:
    """The report of the two sides, each ``(source, rows, columns)``, named after
    ``names`` or else their sources."""
    ref_name, cur_name = names or (_source_name(reference[0]), _source_name(current[0]))
    return Report(
        reference=DatasetInfo(ref_name, reference[1], reference[2]),
        current=DatasetInfo(cur_name, current[1], current[2]),
        schema=schema,
        drift=drift,
        quality=quality,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        performance=performance,
    )


def report(
    reference: Any,
    current: Any,
    *,
    schema: Schema | Mapping[str, Any] | None = None,
    policy: DriftPolicy | None = None,
    quality: QualityConfig | None = None,
    progress: bool | Progress = False,
    names: tuple[str | None, str | None] | None = None,
) -> Report:
    """Compare ``current`` with ``reference``: drift per column, and data quality.

    When both sides carry the target and a prediction or score column (by schema role),
    the report also holds realized performance per chunk against the reference.

    Either side may be a pandas or polars frame, an Arrow table, a parquet, CSV or
    JSONL path or glob, or a profile (a :class:`~watchkeeper.profile.Profile` or a
    ``.wkp`` path), in which case both sides are compared as profiles (see
    docs/profiles.md: binned statistics exact, KS within a stated bound). The schema is
    inferred from the reference; ``schema`` overrides it (a
    :class:`~watchkeeper.schema.Schema`, or a mapping as in a schema YAML file).
    ``names`` labels the two sides in the output (by default the paths or the types).

    >>> import numpy as np
    >>> rng = np.random.default_rng(7)
    >>> ref = {"age": rng.normal(40, 10, 2000), "plan": rng.choice(["a", "b", "c"], 2000)}
    >>> cur = {"age": rng.normal(46, 10, 2000), "plan": rng.choice(["a", "b", "c"], 2000)}
    >>> result = report(ref, cur)
    >>> result.drift.drifted_columns
    ['age']
    >>> result.to_dict()["drift"]["columns"][0]["method"]
    'ks'
    """
    if is_profile_source(reference) or is_profile_source(current):
        return report_from_profiles(
            reference,
            current,
            schema=schema,
            policy=policy,
            quality=quality,
            progress=progress,
            names=names,
        )
    bar = progress if isinstance(progress, Progress) else Progress(enabled=bool(progress))
    ref_table: pa.Table = to_table(reference)
    cur_table: pa.Table = to_table(current)
    if ref_table.num_columns == 0:
        raise InputError("the reference has no columns; give a table with at least one column")
    resolved = schema if isinstance(schema, Schema) else infer_schema(ref_table, schema)
    specs = [spec for spec in resolved if spec.kind in _EXTRACTED_KINDS]
    bar.start("reading columns", 2 * len(specs))
    ref_values = extract_all(ref_table, specs, bar.step)
    cur_values = extract_all(cur_table, specs, bar.step)
    bar.start("comparing columns", sum(1 for s in resolved if s.compared))
    drift = compare_values(resolved, ref_values, cur_values, policy, bar.step)
    quality_result = assess_tables(
        ref_table,
        cur_table,
        resolved,
        reference_values=ref_values,
        current_values=cur_values,
        config=quality,
    )
    performance = _performance(resolved, ref_table, cur_table)
    bar.finish()
    return _assemble(
        (reference, ref_table.num_rows, ref_table.num_columns),
        (current, cur_table.num_rows, cur_table.num_columns),
        names,
        resolved,
        drift,
        quality_result,
        performance,
    )


def report_from_profiles(
    reference: Any,
    current: Any,
    *,
    schema: Schema | Mapping[str, Any] | None = None,
    policy: DriftPolicy | None = None,
    quality: QualityConfig | None = None,
    progress: bool | Progress = False,
    names: tuple[str | None, str | None] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Report:
    """The report of ``current`` against ``reference`` where either side is a profile
    (or both are raw sources to stream: files, globs, frames).

    >>> import numpy as np
    >>> from watchkeeper.profile import profile_source
    >>> rng = np.random.default_rng(7)
    >>> plans = ["a", "b", "c"]
    >>> ref = profile_source({"age": rng.normal(40, 10, 5000), "plan": rng.choice(plans, 5000)})
    >>> cur = {"age": rng.normal(46, 10, 5000), "plan": rng.choice(plans + ["d"], 5000)}
    >>> result = report_from_profiles(ref, cur)
    >>> result.drift.drifted_columns, result.drift["age"].comparison
    (['age', 'plan'], 'exact')
    >>> [f.check for f in result.quality.findings if f.column == "plan"]
    ['unseen_categories']
    """
    bar = progress if isinstance(progress, Progress) else Progress(enabled=bool(progress))
    ref, cur, resolved = profile_pair(
        reference, current, schema=schema, batch_size=batch_size, progress=bar
    )
    bar.start("comparing columns", sum(1 for s in resolved if s.compared))
    drift = compare_profiles(ref, cur, policy, bar.step)
    quality_result = assess_profiles(ref, cur, schema=resolved, config=quality)
    bar.finish()
    return _assemble(
        (reference, ref.n_rows, ref.n_columns),
        (current, cur.n_rows, cur.n_columns),
        names,
        resolved,
        drift,
        quality_result,
    )
