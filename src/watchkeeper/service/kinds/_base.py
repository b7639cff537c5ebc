"""The contract of a monitor kind, and what kinds share: the roles of a model's columns.

A kind is one thing the service watches beyond drift, quality and realized
performance (estimated performance, bias, attributions, score statistics, concept
drift, multivariate drift). It may:

- ``fit`` on a version's reference when the version is created, returning the bytes
  to keep (``wk_kind_state``), or None when the reference does not allow it;
- give ``window_values`` when a window closes, as ``(metric, feature, value)``
  triples named as the catalogue (:mod:`watchkeeper._catalogue`) names them;
- ``on_labels``: see labels as they arrive (between closes), for streaming detectors.

Kinds are pure with respect to the store: the runner (:mod:`._run`) reads and writes
their state. Each kind lives in its own module of this package and is found by
discovery (:func:`watchkeeper.service.kinds.available_kinds`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pyarrow as pa

from watchkeeper.service._points import Value
from watchkeeper.service._windows import PROBLEM_OF_TASK, WindowData

__all__ = [
    "LabelledRecord",
    "LabelsInput",
    "LabelsOutput",
    "MonitorKind",
    "PredictionsInput",
    "ReferenceInput",
    "WindowInput",
    "monitoring_options",
    "problem_of",
    "reference_column",
    "role_columns",
]


def role_columns(schema: Mapping[str, Any], role: str) -> list[str]:
    """The columns of ``schema`` (the service form) declared with ``role``.

    >>> role_columns({"columns": {"y": {"role": "target"}, "s": {"role": "score"}}}, "score")
    ['s']
    """
    columns = schema.get("columns") or {}
    return [str(n) for n, spec in columns.items() if isinstance(spec, Mapping)
            and spec.get("role") == role]  # fmt: skip


def reference_column(table: pa.Table, names: Sequence[str]) -> str | None:
    """The first of ``names`` that ``table`` has (bare or with the ``feature.`` prefix).

    >>> reference_column(pa.table({"feature.age": [1]}), ["age"])
    'feature.age'
    """
    for name in names:
        for candidate in (name, f"feature.{name}"):
            if candidate in table.column_names:
                return candidate
    return None


def problem_of(task: str) -> str | None:
    """``binary``, ``multiclass``, ``regression`` or None (an LLM application)."""
    return PROBLEM_OF_TASK.get(task)


def monitoring_options(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """The model's ``monitoring`` options (watchkeeper.yaml), empty when not given.

    >>> monitoring_options({"monitoring": {"multivariate": True}})["multivariate"]
    True
    """
    options = schema.get("monitoring")
    return options if isinstance(options, Mapping) else {}


@dataclass(frozen=True, kw_only=True)
class ReferenceInput:
    """A version's reference as sent (features bare or as ``feature.<name>``)."""

    task: str
    schema: Mapping[str, Any]
    table: pa.Table


@dataclass(frozen=True, kw_only=True)
class WindowInput:
    """One closing window of one version (and segment, or all traffic)."""

    task: str
    schema: Mapping[str, Any]
    data: WindowData
    state: bytes | None
    window_start_us: int
    segment: str | None


@dataclass(frozen=True, kw_only=True)
class LabelledRecord:
    """A record whose label just arrived, with its stored outputs."""

    window_start_us: int
    prediction: Any
    score: float | None
    label: Any


@dataclass(frozen=True, kw_only=True)
class LabelsInput:
    """The records of one version that a label batch labelled, in arrival order."""

    task: str
    schema: Mapping[str, Any]
    records: Sequence[LabelledRecord]
    state: bytes | None


@dataclass(frozen=True, kw_only=True)
class PredictionsInput:
    """The scores of a stored prediction batch of one version, in the batch's order,
    as ``(window start in microseconds, score)``."""

    task: str
    schema: Mapping[str, Any]
    scores: Sequence[tuple[int, float]]
    state: bytes | None


@dataclass(frozen=True, kw_only=True)
class LabelsOutput:
    """The kind's new state and the values to store now, per window start."""

    state: bytes
    values: Mapping[int, list[Value]] = field(default_factory=dict)
    n_seen: int = 0


class MonitorKind:
    """Base class: every hook does nothing; a kind overrides the ones it needs."""

    name: ClassVar[str] = ""

    def fit(self, reference: ReferenceInput) -> bytes | None:
        """What to keep from the reference (None: nothing, the kind does not apply)."""
        return None

    def window_values(self, window: WindowInput) -> list[Value]:
        """The kind's metric values for a closing window."""
        return []

    def on_labels(self, labels: LabelsInput) -> LabelsOutput | None:
        """See labels as they arrive; None when the kind has nothing to do with them."""
        return None

    def wants_predictions(self, schema: Mapping[str, Any]) -> bool:
        """Whether :meth:`on_predictions` should see this model's batches (they cost
        ingestion time, so a kind asks for them)."""
        return False

    def on_predictions(self, predictions: PredictionsInput) -> LabelsOutput | None:
        """See a stored batch's scores; None when the kind has nothing to do with them."""
        return None


def decode_json(text: Any) -> Any:
    """A stored JSON text as a value (None stays None)."""
    return None if text is None else json.loads(text)
