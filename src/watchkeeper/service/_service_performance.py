"""The facade's performance-profile and score-profile methods (:class:`PerformanceMethods`).

:class:`~watchkeeper.service.MonitoringService` inherits them; the work is done by
:mod:`._performance_parts` (checked, stored, counted as labels, merged at close) and
:mod:`._score_parts` (score sketches of profiled traffic, merged into the score
statistics at close) and :mod:`._bias_parts` (group counters, into the bias series).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from watchkeeper.service import _bias_parts, _performance_parts, _score_parts
from watchkeeper.service._profile_ingest import ProfileIngestResult
from watchkeeper.service._registry import Registry

__all__ = ["PerformanceMethods"]


class PerformanceMethods:
    """Labelled performance profiles posted per window, over the facade's ``_registry``."""

    _registry: Registry

    def ingest_performance_profile(
        self,
        model: str,
        version: str,
        window_start: datetime,
        profile: Mapping[str, Any],
        *,
        segment: str | None = None,
        part_key: str | None = None,
    ) -> ProfileIngestResult:
        """Store a window's performance profile (``to_dict()`` of a
        ``ClassificationProfile`` or ``RegressionProfile`` on the version's edges); its
        rows count as labels and realized performance is computed over them at close."""
        return _performance_parts.ingest_performance_profile(
            self._registry, model, version, window_start, profile,
            segment=segment, part_key=part_key,
        )  # fmt: skip

    def ingest_score_profile(
        self,
        model: str,
        version: str,
        window_start: datetime,
        profile: Mapping[str, Any],
        *,
        segment: str | None = None,
        part_key: str | None = None,
    ) -> ProfileIngestResult:
        """Store a window's score sketches (``{"kind": "scores", "version": 1, "series":
        {name: ScoreSketch.to_dict()}}``); merged into its score statistics at close."""
        return _score_parts.ingest_score_profile(
            self._registry, model, version, window_start, profile,
            segment=segment, part_key=part_key,
        )  # fmt: skip

    def ingest_bias_profile(
        self,
        model: str,
        version: str,
        window_start: datetime,
        profile: Mapping[str, Any],
        *,
        segment: str | None = None,
        part_key: str | None = None,
    ) -> ProfileIngestResult:
        """Store a window's group counters (``{"kind": "bias", "version": 1, "columns":
        {column: GroupCounters.to_dict()}}``); merged into its bias series at close."""
        return _bias_parts.ingest_bias_profile(
            self._registry, model, version, window_start, profile,
            segment=segment, part_key=part_key,
        )  # fmt: skip

    def performance_edges(self, model: str, version: str) -> dict[str, Any]:
        """The kind, classes and edges a version's performance profiles are counted on,
        and the sensitive columns and positive label of its bias group counters."""
        answer = _performance_parts.performance_edges(self._registry, model, version)
        return answer | _bias_parts.bias_target(self._registry, model, version)
