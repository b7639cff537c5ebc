"""Running the kinds: fitting them on a version's reference, asking them for a closing
window's values, and handing them labels as they arrive.

A kind that cannot work on the data it is given (a reference without a target, a
window without scores) raises an :class:`~watchkeeper._exceptions.InputError` or a
``ValueError``; the runner logs it and carries on, so that one kind never stops a
window from closing or a label batch from being stored.
"""

from __future__ import annotations

import logging
import threading
import warnings
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import pyarrow as pa

from watchkeeper._exceptions import InputError, MissingDependency
from watchkeeper.service._ingest import feature_kinds, ipc_to_table
from watchkeeper.service._points import Value
from watchkeeper.service._types import MetricPoint
from watchkeeper.service._windows import ATTRIBUTION_PREFIX, WindowData
from watchkeeper.service.kinds import available_kinds
from watchkeeper.service.kinds._base import (
    LabelledRecord,
    LabelsInput,
    LabelsOutput,
    PredictionsInput,
    ReferenceInput,
    WindowInput,
    decode_json,
    monitoring_options,
    problem_of,
)
from watchkeeper.store import Store, from_micros
from watchkeeper.store._rows import LabelTarget, ModelRow

__all__ = [
    "fit_version",
    "kind_columns",
    "labels_arrived",
    "predictions_arrived",
    "version_states",
    "window_kind_values",
]

_log = logging.getLogger(__name__)
# A marker row: the kinds have seen this version's reference (even if none kept state).
FITTED = "_fitted"
_FAILURES = (InputError, MissingDependency, ValueError, TypeError, KeyError, ZeroDivisionError)
# Label batches of one process update the detectors one at a time (their state is
# read, updated and written back); several workers share a store, see the docs.
_LABELS_LOCK = threading.Lock()


def kind_columns(task: str, schema: Mapping[str, Any]) -> Callable[[str], bool]:
    """Which columns of a window's feature blobs the kinds read at close (kept beside
    the ids): attributions, sensitive columns, and the features DLE or the domain
    classifier needs.

    >>> keep = kind_columns("binary_classification", {"sensitive": ["gender"]})
    >>> keep("attribution.age"), keep("gender"), keep("age")
    (True, True, False)
    """
    wanted = {str(c) for c in schema.get("sensitive") or []}
    kinds = feature_kinds(schema)
    if problem_of(task) == "regression":
        wanted |= {n for n, k in kinds.items() if k in ("numeric", "boolean")}
    if monitoring_options(schema).get("multivariate"):
        wanted |= set(kinds)
    return lambda name: name in wanted or name.startswith(ATTRIBUTION_PREFIX)


def fit_version(
    store: Store, version_id: int, task: str, schema: Mapping[str, Any], table: pa.Table,
    at: datetime,
) -> list[str]:  # fmt: skip
    """Fit every kind on the reference ``table``; the names of the kinds that kept state."""
    kept = []
    reference = ReferenceInput(task=task, schema=schema, table=table)
    for name, kind in available_kinds().items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                state = kind.fit(reference)
        except _FAILURES as error:
            _log.info("monitor kind %s: not fitted on the reference: %s", name, error)
            continue
        if state is not None:
            store.put_kind_state(version_id, name, state, at)
            kept.append(name)
    store.put_kind_state(version_id, FITTED, b"", at)
    return kept


def version_states(
    store: Store, model: ModelRow, version_id: int, at: datetime
) -> dict[str, bytes]:
    """The kinds' states of a version, fitting them first if the version predates them."""
    states = store.kind_states(version_id)
    if FITTED not in states:
        blob = store.reference_bytes(version_id)
        table = ipc_to_table([blob]) if blob is not None else None
        if table is not None:
            fit_version(store, version_id, model.task, model.schema, table, at)
            states = store.kind_states(version_id)
    return states


def window_kind_values(
    *,
    task: str,
    schema: Mapping[str, Any],
    data: WindowData,
    states: Mapping[str, bytes],
    window_start_us: int,
    segment: str | None,
) -> list[Value]:
    """Every kind's values for one closing window."""
    values: list[Value] = []
    for name, kind in available_kinds().items():
        window = WindowInput(
            task=task, schema=schema, data=data, state=states.get(name),
            window_start_us=window_start_us, segment=segment,
        )  # fmt: skip
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                values += kind.window_values(window)
        except _FAILURES as error:
            _log.warning("monitor kind %s: no values for the window: %s", name, error)
    return values


def labels_arrived(
    store: Store,
    model: ModelRow,
    written: Sequence[str],
    targets: Mapping[str, LabelTarget],
    window_us: int,
    at: datetime,
) -> tuple[list[MetricPoint], int]:
    """Hand the records labelled by a batch to the kinds; the points they want stored
    now (already stored) and the number of labels the detectors have seen."""
    if not written:
        return [], 0
    outputs = store.records_by_id(model.id, list(written))
    by_version: dict[int, list[LabelledRecord]] = defaultdict(list)
    for i, record_id in enumerate(outputs["record_id"]):
        by_version[targets[record_id].version_id].append(
            LabelledRecord(
                window_start_us=targets[record_id].window_start,
                prediction=decode_json(outputs["prediction"][i]),
                score=outputs["score"][i],
                label=decode_json(outputs["label"][i]),
            )
        )
    names = store.version_names(model.id)
    points: list[MetricPoint] = []
    seen = 0
    with _LABELS_LOCK:
        for version_id, records in by_version.items():
            states = store.kind_states(version_id)
            for name, kind in available_kinds().items():
                given = LabelsInput(
                    task=model.task, schema=model.schema, records=records, state=states.get(name)
                )
                try:
                    out = kind.on_labels(given)
                except _FAILURES as error:
                    _log.warning("monitor kind %s: labels not used: %s", name, error)
                    continue
                if out is not None:
                    store.put_kind_state(version_id, name, out.state, at)
                    seen = max(seen, out.n_seen)
                    points += _points(model.name, names[version_id], out, window_us)
    _store_points(store, points)
    return points, seen


def predictions_arrived(
    store: Store,
    model: ModelRow,
    version_id: int,
    version: str,
    scores: Sequence[tuple[int, float]],
    window_us: int,
    at: datetime,
) -> tuple[list[MetricPoint], int]:
    """Hand a stored batch's scores to the kinds that asked for them (the points they
    want stored now, already stored, and the number of scores their detectors saw)."""
    wanting = {n: k for n, k in available_kinds().items() if k.wants_predictions(model.schema)}
    if not wanting or not scores:
        return [], 0
    points: list[MetricPoint] = []
    seen = 0
    with _LABELS_LOCK:
        states = store.kind_states(version_id)
        for name, kind in wanting.items():
            given = PredictionsInput(
                task=model.task, schema=model.schema, scores=scores, state=states.get(name)
            )
            try:
                out = kind.on_predictions(given)
            except _FAILURES as error:
                _log.warning("monitor kind %s: scores not used: %s", name, error)
                continue
            if out is not None:
                store.put_kind_state(version_id, name, out.state, at)
                seen = max(seen, out.n_seen)
                points += _points(model.name, version, out, window_us)
    _store_points(store, points)
    return points, seen


def _points(model: str, version: str, out: LabelsOutput, window_us: int) -> list[MetricPoint]:
    points = []
    for start_us, values in out.values.items():
        start, end = from_micros(start_us), from_micros(start_us + window_us)
        points += [
            MetricPoint(model, version, metric, value, start, end, feature, None)
            for metric, feature, value in values
        ]
    return points


def _store_points(store: Store, points: Sequence[MetricPoint]) -> None:
    store.put_points(
        [(p.model, p.version, p.metric, p.feature or "", "", p.window_start, p.window_end,
          p.value) for p in points]
    )  # fmt: skip
