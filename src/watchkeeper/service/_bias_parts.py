"""Bias group counters of windows fed by profiles: counters posted per window.

A sender in profile mode sends no raw rows, so the bias monitors
(:mod:`watchkeeper.service.kinds.bias`) of a window would read its records only. It
posts instead, per window, version and segment, the
:class:`~watchkeeper.fairness.GroupCounters` of each sensitive column of the model
(``count_groups(y_true, y_pred, sensitive_features={column: groups})``; labels where
the sender has them): ``{"kind": "bias", "version": 1, "columns": {column:
counters.to_dict()}}``. Counters are integers that merge by addition, so the window's
fairness metrics from the merged counters are exactly those of the union of the rows.

A part is stored as kind ``bias`` (it counts no rows: the feature profile of the same
traffic does; a late one reopens its window). At close the posted counters are added to
the counters of the window's records and the bias series of each column are computed
from the sum, against the version's reference counters, as the kind computes them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

import numpy as np

from watchkeeper._exceptions import InputError
from watchkeeper.fairness import GroupCounters, GroupCounts, count_groups
from watchkeeper.service._json_parts import Target, ingest_part, keyed_codec, window_merge
from watchkeeper.service._points import Value
from watchkeeper.service._profile_ingest import (
    ProfileIngestResult,
)
from watchkeeper.service._registry import Registry
from watchkeeper.service._windows import WindowData
from watchkeeper.service.kinds._run import version_states
from watchkeeper.service.kinds.bias import window_bias_values
from watchkeeper.store._repo_parts import BIAS
from watchkeeper.store._rows import WindowRow

__all__ = ["bias_target", "bias_values", "ingest_bias_profile", "window_bias"]

Columns = dict[str, GroupCounters]
_MAX_GROUPS = 10_000


def _read(data: Any, kept: Mapping[str, Any], where: str) -> Columns:
    if not isinstance(data, Mapping) or data.get("kind") != "bias" or data.get("version") != 1:
        raise InputError(
            f'{where}: send {{"kind": "bias", "version": 1, "columns": {{column: '
            "GroupCounters.to_dict()}}"
        )
    given = data.get("columns")
    if not isinstance(given, Mapping) or not given:
        raise InputError(f"{where}: columns must map sensitive columns to counters")
    out: Columns = {}
    for column, raw in given.items():
        if column not in kept:
            raise InputError(
                f"{where}: {column!r} is not a sensitive column with reference counters "
                f"(those: {sorted(kept)}); declare it under sensitive: and give the "
                "reference a prediction column"
            )
        try:
            counters = GroupCounters.from_dict(raw)
        except (KeyError, TypeError, ValueError) as error:
            raise InputError(f"{where}: not GroupCounters.to_dict() ({error!r})") from None
        baseline = GroupCounters.from_dict(kept[column]["counters"])
        if counters.features != (column,) or counters.positive_label != baseline.positive_label:
            raise InputError(
                f"{where}: counters of {column!r} must be counted on that column alone with "
                f"positive_label={baseline.positive_label!r}, as the reference's"
            )
        if len(counters.groups) > _MAX_GROUPS or any(
            getattr(c, f.name) < 0 for c in counters.groups.values() for f in fields(GroupCounts)
        ):
            raise InputError(f"{where}: at most {_MAX_GROUPS} groups, counts >= 0")
        out[column] = counters
    return out


CODEC = keyed_codec(BIAS, GroupCounters.from_dict, lambda counters: counters.total().n)


def ingest_bias_profile(
    registry: Registry,
    model: str,
    version: str,
    window_start: datetime,
    data: Any,
    *,
    segment: str | None = None,
    part_key: str | None = None,
) -> ProfileIngestResult:
    """Store a posted window's group counters; returns after they are durable."""

    def read(data: Any, at: Target) -> Columns:
        state = version_states(registry.store, at.model, at.version_id, registry.clock())
        kept: Mapping[str, Any] = json.loads(state["bias"]) if state.get("bias") else {}
        return _read(data, kept, at.where)

    return ingest_part(
        registry, CODEC, read, model, version, window_start, data,
        segment=segment, part_key=part_key,
    )  # fmt: skip


def bias_target(registry: Registry, model: str, version: str) -> dict[str, Any]:
    """What a sender counts a version's group counters on: ``sensitive``, the sensitive
    columns that have reference counters (empty when the model has no bias monitor),
    and the reference's ``positive_label`` (None without such columns)."""
    row = registry.model(model)
    version_id = registry.version(row, version).id
    state = version_states(registry.store, row, version_id, registry.clock()).get("bias")
    kept: Mapping[str, Any] = json.loads(state) if state else {}
    labels = [entry["counters"]["positive_label"] for entry in kept.values()]
    return {"sensitive": sorted(kept), "positive_label": labels[0] if labels else None}


def window_bias(registry: Registry, window: WindowRow) -> Columns | None:
    """The merged group counters of a window (None without any), each segment's parts
    compacted into one as it goes."""
    return window_merge(registry, CODEC, window)


def bias_values(
    data: WindowData, posted: Columns, state: bytes | None, values: Sequence[Value]
) -> list[Value]:
    """``values`` with the bias series of each posted column recomputed over the
    window's records' counters plus the posted ones."""
    if state is None:
        return list(values)
    kept: Mapping[str, Any] = json.loads(state)
    rows = [i for i, p in enumerate(data.predictions) if p is not None]
    out = [v for v in values if not (v[1] in posted and _is_bias(v[0]))]
    for column, counters in sorted(posted.items()):
        if column not in kept:
            continue
        baseline = GroupCounters.from_dict(kept[column]["counters"])
        current = counters
        if rows and column in data.features.column_names:
            groups = data.features.column(column).to_pylist()
            mine = count_groups(
                [np.nan if data.labels[i] is None else data.labels[i] for i in rows],
                [data.predictions[i] for i in rows],
                sensitive_features={column: [groups[i] for i in rows]},
                positive_label=baseline.positive_label,
            )
            current = mine.merge(counters)
        out += window_bias_values(column, baseline, current, kept[column]["facet"])
    return out


def _is_bias(metric: str) -> bool:
    return metric in _SERIES or metric.startswith("clarify_")


_SERIES = frozenset(
    {"demographic_parity_difference", "equalized_odds_difference", "disparate_impact",
     "bias_drift_detected", "bias_drift_p_value"}
)  # fmt: skip
