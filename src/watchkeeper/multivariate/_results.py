"""Typed, JSON-ready results of the multivariate and uncertainty drift methods.

Every result is a frozen dataclass with ``to_dict()`` returning plain Python values
(floats, ints, strings, lists), tagged with ``result_type`` and ``version`` so that
stored JSON can be read back by a later release.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from watchkeeper._deprecation import deprecated_property
from watchkeeper._tabular import Tabular

__all__ = [
    "ChunkValue",
    "DescriptorDrift",
    "MMDResult",
    "MultivariateDriftResult",
    "UncertaintyDriftResult",
]

RESULT_VERSION = 1


def _clean(value: Any) -> Any:
    # numpy scalars sneak in from computations; JSON wants plain floats and ints.
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


@dataclass(frozen=True, repr=False)
class ChunkValue(Tabular):
    """The value of a drift measure on one chunk of rows ``[start, stop)``.

    >>> ChunkValue(0, "current", 0, 10, 0.7, None, 0.4, 0.6, True).to_dict()["alert"]
    True
    """

    index: int
    period: str
    start: int
    stop: int
    value: float
    sampling_error: float | None
    lower_threshold: float | None
    upper_threshold: float | None
    alert: bool

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON."""
        return {
            "index": self.index,
            "period": self.period,
            "start": self.start,
            "stop": self.stop,
            "value": _clean(self.value),
            "sampling_error": _clean(self.sampling_error),
            "lower_threshold": _clean(self.lower_threshold),
            "upper_threshold": _clean(self.upper_threshold),
            "alert": bool(self.alert),
        }


@dataclass(frozen=True, repr=False)
class MultivariateDriftResult(Tabular):
    """Per-chunk values of one multivariate measure, reference chunks first.

    ``higher_is_worse`` says how to read ``value``; ``parameters`` records what the
    method used (components kept, folds, rows sampled, ...), so a reader can tell how
    the number was made.

    >>> r = MultivariateDriftResult("demo", (), None, None, True, {"k": 1})
    >>> r.drifted, r.to_dict()["parameters"]
    (False, {'k': 1})
    """

    method: str
    chunks: tuple[ChunkValue, ...]
    lower_threshold: float | None
    upper_threshold: float | None
    higher_is_worse: bool
    parameters: Mapping[str, Any] = field(default_factory=dict)

    def _table_rows(self) -> list[dict[str, Any]]:
        """One row per chunk, reference chunks first."""
        return [{"method": self.method, **c.to_dict()} for c in self.chunks]

    def _headline(self) -> str:
        verdict = "drift" if self.drifted else "no drift"
        return f"MultivariateDriftResult ({self.method}): {verdict} in {len(self.chunks)} chunks"

    @property
    def reference_chunks(self) -> tuple[ChunkValue, ...]:
        """Chunks cut from the reference data."""
        return tuple(c for c in self.chunks if c.period == "reference")

    @property
    def current_chunks(self) -> tuple[ChunkValue, ...]:
        """Chunks cut from the current data."""
        return tuple(c for c in self.chunks if c.period == "current")

    @property
    def drifted(self) -> bool:
        """Whether any current chunk raised an alert."""
        return any(c.alert for c in self.current_chunks)

    drift_detected = deprecated_property("drifted", "drift_detected")

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON."""
        return {
            "result_type": "multivariate_drift",
            "version": RESULT_VERSION,
            "method": self.method,
            "higher_is_worse": self.higher_is_worse,
            "lower_threshold": _clean(self.lower_threshold),
            "upper_threshold": _clean(self.upper_threshold),
            "drifted": self.drifted,
            "drift_detected": self.drifted,  # the old key, kept while readers move
            "parameters": {k: _clean(v) for k, v in self.parameters.items()},
            "chunks": [c.to_dict() for c in self.chunks],
        }


@dataclass(frozen=True, repr=False)
class MMDResult(Tabular):
    """A two-sample MMD test: the unbiased MMD^2 estimate and its p-value.

    >>> MMDResult("permutation", 0.01, 0.2, 1.5, 10, 10, 0.05, 99, None).drifted
    False
    """

    method: str
    statistic: float
    p_value: float
    bandwidth: float
    n_reference: int
    n_current: int
    alpha: float
    n_permutations: int | None
    n_features: int | None

    @property
    def drifted(self) -> bool:
        """Whether the p-value is below ``alpha``."""
        return self.p_value < self.alpha

    drift_detected = deprecated_property("drifted", "drift_detected")

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON."""
        return {
            "result_type": "mmd_test",
            "version": RESULT_VERSION,
            "method": self.method,
            "statistic": _clean(self.statistic),
            "p_value": _clean(self.p_value),
            "bandwidth": _clean(self.bandwidth),
            "n_reference": self.n_reference,
            "n_current": self.n_current,
            "alpha": self.alpha,
            "n_permutations": self.n_permutations,
            "n_features": self.n_features,
            "drifted": self.drifted,
            "drift_detected": self.drifted,  # the old key, kept while readers move
        }


@dataclass(frozen=True, repr=False)
class DescriptorDrift(Tabular):
    """Drift of one uncertainty descriptor (entropy or margin)."""

    name: str
    ks_statistic: float
    ks_p_value: float
    wasserstein_normalized: float
    reference_mean: float
    current_mean: float
    alpha: float

    @property
    def drifted(self) -> bool:
        """Whether the KS p-value is below ``alpha``."""
        return self.ks_p_value < self.alpha

    drift_detected = deprecated_property("drifted", "drift_detected")

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON."""
        return {
            "name": self.name,
            "ks_statistic": _clean(self.ks_statistic),
            "ks_p_value": _clean(self.ks_p_value),
            "wasserstein_normalized": _clean(self.wasserstein_normalized),
            "reference_mean": _clean(self.reference_mean),
            "current_mean": _clean(self.current_mean),
            "alpha": self.alpha,
            "drifted": self.drifted,
            "drift_detected": self.drifted,  # the old key, kept while readers move
        }


@dataclass(frozen=True, repr=False)
class UncertaintyDriftResult(Tabular):
    """Drift of model uncertainty: entropy and margin of the predicted probabilities."""

    entropy: DescriptorDrift
    margin: DescriptorDrift
    n_reference: int
    n_current: int

    def _table_rows(self) -> list[dict[str, Any]]:
        """One row per descriptor (entropy, margin)."""
        return [self.entropy.to_dict(), self.margin.to_dict()]

    def _headline(self) -> str:
        verdict = "drift" if self.drifted else "no drift"
        return f"UncertaintyDriftResult: {verdict}"

    @property
    def drifted(self) -> bool:
        """Whether entropy or margin drifted."""
        return self.entropy.drifted or self.margin.drifted

    drift_detected = deprecated_property("drifted", "drift_detected")

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON."""
        return {
            "result_type": "uncertainty_drift",
            "version": RESULT_VERSION,
            "n_reference": self.n_reference,
            "n_current": self.n_current,
            "drifted": self.drifted,
            "drift_detected": self.drifted,  # the old key, kept while readers move
            "entropy": self.entropy.to_dict(),
            "margin": self.margin.to_dict(),
        }
