"""Result objects: frozen dataclasses with a stable, versioned JSON form (``to_dict``).

NaN values (a metric undefined on a chunk) become ``null`` in the JSON form.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

from watchkeeper._exceptions import InputError
from watchkeeper._tabular import Tabular
from watchkeeper.performance._warning_classes import MIN_REFERENCE_CHUNKS

__all__ = ["SCHEMA_VERSION", "ChunkResult", "LabelJoin", "MetricResult", "PerformanceResult"]

SCHEMA_VERSION = 2
"""2 added ``n_reference_chunks`` and ``thresholds_reliable`` (result and metric)."""


def _num(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else value


# The table form: one row per metric, segment and chunk (long format, like NannyML's).
_CHUNK_COLUMNS = (
    "metric",
    "segment",
    "key",
    "period",
    "value",
    "lower_threshold",
    "upper_threshold",
    "alert",
    "realized",
    "sampling_error",
    "lower_band",
    "upper_band",
    "index",
    "start",
    "end",
    "start_time",
    "end_time",
    "n_rows",
    "n_labelled",
)


@dataclass(frozen=True, repr=False)
class ChunkResult(Tabular):
    """One metric on one chunk: its value, sampling error, band, thresholds and alert.

    ``value`` is realized or, for CBPE/DLE, estimated; ``realized`` is the realized
    value next to an estimate when the chunk has labels. ``period`` is ``reference`` or
    ``analysis``; only analysis chunks alert.
    """

    index: int
    key: str
    period: str
    start: int
    end: int
    n_rows: int
    n_labelled: int
    value: float
    sampling_error: float
    lower_band: float | None
    upper_band: float | None
    lower_threshold: float | None
    upper_threshold: float | None
    alert: bool
    realized: float | None = None
    start_time: str | None = None
    end_time: str | None = None

    @property
    def label_coverage(self) -> float:
        """Share of the chunk's rows that have a label (NaN for an empty chunk)."""
        return self.n_labelled / self.n_rows if self.n_rows else float("nan")

    def _headline(self) -> str:
        alert = ", alert" if self.alert else ""
        return f"ChunkResult {self.key!r} ({self.period}{alert})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "index": self.index,
            "key": self.key,
            "period": self.period,
            "start": self.start,
            "end": self.end,
            "start_time": self.start_time,
            "end_time": self.end_time,
            "n_rows": self.n_rows,
            "n_labelled": self.n_labelled,
            "label_coverage": _num(self.label_coverage),
            "value": _num(self.value),
            "sampling_error": _num(self.sampling_error),
            "lower_band": _num(self.lower_band),
            "upper_band": _num(self.upper_band),
            "lower_threshold": _num(self.lower_threshold),
            "upper_threshold": _num(self.upper_threshold),
            "alert": self.alert,
            "realized": _num(self.realized),
        }


@dataclass(frozen=True, repr=False)
class MetricResult(Tabular):
    """One metric over every chunk of one segment (``segment`` None: all rows)."""

    metric: str
    segment: str | None
    higher_is_better: bool
    baseline: float
    lower_threshold: float | None
    upper_threshold: float | None
    chunks: tuple[ChunkResult, ...]

    @property
    def analysis(self) -> tuple[ChunkResult, ...]:
        """The analysis chunks only."""
        return tuple(c for c in self.chunks if c.period == "analysis")

    @property
    def alerts(self) -> tuple[int, ...]:
        """Indexes of the analysis chunks that alert."""
        return tuple(c.index for c in self.analysis if c.alert)

    @property
    def n_reference_chunks(self) -> int:
        """Reference chunks with a finite realized value: what thresholds are drawn from."""
        count = 0
        for c in self.chunks:
            truth = c.value if c.realized is None else c.realized
            count += c.period == "reference" and math.isfinite(truth)
        return count

    _table_columns: ClassVar[tuple[str, ...]] = _CHUNK_COLUMNS

    def _table_rows(self) -> list[dict[str, Any]]:
        """One row per chunk, NaN kept as NaN (pandas' missing value for floats)."""
        return [{"metric": self.metric, "segment": self.segment, **c.__dict__} for c in self.chunks]

    def _headline(self) -> str:
        segment = "" if self.segment is None else f" [{self.segment}]"
        return (
            f"MetricResult {self.metric}{segment}: baseline {self.baseline:.4g},"
            f" {len(self.alerts)} of {len(self.analysis)} analysis chunks alert"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "metric": self.metric,
            "segment": self.segment,
            "higher_is_better": self.higher_is_better,
            "baseline": _num(self.baseline),
            "lower_threshold": _num(self.lower_threshold),
            "upper_threshold": _num(self.upper_threshold),
            "n_reference_chunks": self.n_reference_chunks,
            "chunks": [c.to_dict() for c in self.chunks],
        }


@dataclass(frozen=True, repr=False)
class LabelJoin(Tabular):
    """What happened when labels were joined to predictions by id."""

    n_predictions: int
    n_labels: int
    n_matched: int
    n_missing: int
    n_unknown_ids: int
    n_duplicate_ids: int

    def to_dict(self) -> dict[str, int]:
        """JSON-ready form."""
        return dict(self.__dict__)


@dataclass(frozen=True, repr=False)
class PerformanceResult(Tabular):
    """Realized (``method="realized"``) or estimated (``"cbpe"``, ``"dle"``) performance."""

    method: str
    problem: str
    classes: tuple[Any, ...]
    chunker: str
    threshold: str
    metrics: tuple[MetricResult, ...]
    notes: tuple[str, ...] = ()
    label_join: LabelJoin | None = None

    @property
    def has_alerts(self) -> bool:
        """Whether any analysis chunk of any metric alerts."""
        return any(m.alerts for m in self.metrics)

    @property
    def n_reference_chunks(self) -> int:
        """The fewest reference chunks behind any metric's thresholds (all rows)."""
        counts = [m.n_reference_chunks for m in self.metrics if m.segment is None]
        return min(counts) if counts else 0

    @property
    def thresholds_reliable(self) -> bool:
        """Whether every metric's thresholds rest on at least ``MIN_REFERENCE_CHUNKS``."""
        return self.n_reference_chunks >= MIN_REFERENCE_CHUNKS

    def metric(self, name: str, segment: str | None = None) -> MetricResult:
        """The result of one metric (and segment)."""
        for result in self.metrics:
            if result.metric == name and result.segment == segment:
                return result
        raise InputError(f"no result for metric {name!r} and segment {segment!r}")

    _table_columns: ClassVar[tuple[str, ...]] = _CHUNK_COLUMNS

    def _table_rows(self) -> list[dict[str, Any]]:
        """One row per metric, segment and chunk."""
        return [row for m in self.metrics for row in m._table_rows()]

    def _repr_rows(self) -> list[dict[str, Any]]:
        """One line per metric on screen; ``to_pandas()`` has every chunk."""
        return [
            {
                "metric": m.metric,
                "segment": m.segment,
                "baseline": m.baseline,
                "lower_threshold": m.lower_threshold,
                "upper_threshold": m.upper_threshold,
                "analysis_chunks": len(m.analysis),
                "alerts": len(m.alerts),
            }
            for m in self.metrics
        ]

    def _headline(self) -> str:
        alerting = sorted({m.metric for m in self.metrics if m.alerts})
        alerts = f"alerts on {', '.join(alerting)}" if alerting else "no alerts"
        return (
            f"PerformanceResult ({self.method}, {self.problem}, {self.chunker}):"
            f" {len(self.metrics)} metric results, {alerts}"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, versioned by ``schema_version``."""
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": "performance",
            "method": self.method,
            "problem": self.problem,
            "classes": [c if isinstance(c, int | float | str) else str(c) for c in self.classes],
            "chunker": self.chunker,
            "threshold": self.threshold,
            "has_alerts": self.has_alerts,
            "n_reference_chunks": self.n_reference_chunks,
            "thresholds_reliable": self.thresholds_reliable,
            "notes": list(self.notes),
            "label_join": None if self.label_join is None else self.label_join.to_dict(),
            "metrics": [m.to_dict() for m in self.metrics],
        }
