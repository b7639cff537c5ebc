"""Compare two versions of a served model on the windows the monitoring service closed.

Reads only the service facade (``list_windows``): each closed window of a version
carries its metric values and its counts. For a rate whose denominator the window
knows (``accuracy`` over the labelled records, ``error_rate`` over all records; see
``service_count`` in the metric registry) the windows are pooled back into counts,
so the two-proportion z-test sees every request, and the always-valid mSPRT replays
the windows in time order, one look per window end. For any other metric (AUC,
MAE, latency percentiles...) the store keeps one value per window, not the rows:
the per-window values are compared with Welch's test across windows, and the
result's note says so.

Direction: differences are ``version_b - version_a``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from watchkeeper._exceptions import InputError
from watchkeeper.abtest._metrics import AB_METRICS
from watchkeeper.abtest._results import VersionComparison
from watchkeeper.abtest._sequential import MixtureSPRT
from watchkeeper.abtest._tests import two_proportion_ztest, welch_ttest

if TYPE_CHECKING:  # the service (and its store extra) is not needed to compare windows
    from watchkeeper.service._results import WindowInfo

__all__ = ["WindowSource", "compare_versions"]

_MAX_WINDOWS = 100_000


class WindowSource(Protocol):
    """What :func:`compare_versions` needs of the service: its closed windows."""

    def list_windows(
        self, model: str, *, version: str | None = None, limit: int = 500
    ) -> list[WindowInfo]: ...


def _direction(metric: str) -> bool | None:
    spec = AB_METRICS.get(metric)
    if spec is not None:
        return spec.higher_is_better
    from watchkeeper.performance import METRICS

    if metric in METRICS:
        return bool(METRICS[metric].higher_is_better)
    # The service's own figures: which way is worse is the metric catalogue's word.
    from watchkeeper._catalogue import ALIASES, get_metric_spec
    from watchkeeper._exceptions import UnknownMethodError

    try:
        direction = get_metric_spec(ALIASES.get(metric, metric)).direction
    except UnknownMethodError:
        return None
    return {"higher_is_worse": False, "lower_is_worse": True}.get(direction)


def _value(window: WindowInfo, metric: str, feature: str | None) -> float | None:
    raw = window.metrics.get(metric)
    if isinstance(raw, Mapping):
        if feature is None:
            raise InputError(
                f"metric {metric!r} is kept per feature ({', '.join(sorted(raw))}); "
                "name one with feature="
            )
        raw = raw.get(feature)
    elif feature is not None and raw is not None:
        raise InputError(f"metric {metric!r} is not kept per feature; drop feature={feature!r}")
    if raw is None or isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    return float(raw) if math.isfinite(raw) else None


def _trials(window: WindowInfo, count: str) -> int:
    """The rate's denominator when the window's value was computed."""
    n_records = float(window.metrics.get("row_count", window.n_records))
    if count == "n_records":
        return round(n_records)
    coverage = window.metrics.get("label_coverage")
    # n_labels grows when late labels arrive; the coverage is the close-time figure.
    if isinstance(coverage, int | float) and math.isfinite(coverage):
        return round(coverage * n_records)
    return window.n_labels


def _windows(
    service: WindowSource,
    model: str,
    version: str,
    metric: str,
    feature: str | None,
    start: datetime | None,
    end: datetime | None,
) -> list[tuple[WindowInfo, float]]:
    chosen = []
    for window in service.list_windows(model, version=version, limit=_MAX_WINDOWS):
        if window.status != "closed" or window.segment is not None:
            continue
        if (start is not None and window.start < start) or (end is not None and window.end > end):
            continue
        value = _value(window, metric, feature)
        if value is not None:
            chosen.append((window, value))
    chosen.sort(key=lambda wv: wv[0].start)
    return chosen


def _replay(
    a: Sequence[tuple[datetime, int, int]],
    b: Sequence[tuple[datetime, int, int]],
    alpha: float,
    tau: float | None,
) -> MixtureSPRT:
    by_end: dict[datetime, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for end, k, n in a:
        by_end[end][0] += k
        by_end[end][1] += n
    for end, k, n in b:
        by_end[end][2] += k
        by_end[end][3] += n
    test = MixtureSPRT(alpha=alpha, tau=tau)
    for end in sorted(by_end):
        k_a, n_a, k_b, n_b = by_end[end]
        test.update_counts(k_a, n_a, k_b, n_b)
    return test


def compare_versions(
    service: WindowSource,
    model: str,
    version_a: str,
    version_b: str,
    metric: str,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    feature: str | None = None,
    confidence: float = 0.95,
    tau: float | None = None,
) -> VersionComparison:
    """Compare ``version_b`` with ``version_a`` of ``model`` on ``metric`` over closed windows.

    Only whole-traffic windows (no segment) that lie within ``[start, end]`` count.
    ``tau`` is the mSPRT's mixture standard deviation (see :class:`MixtureSPRT`);
    the sequential test runs at ``alpha = 1 - confidence``.

    >>> from datetime import UTC, datetime, timedelta
    >>> from types import SimpleNamespace
    >>> t = datetime(2024, 1, 1, tzinfo=UTC)
    >>> def window(hour, accuracy):  # the fields of a service WindowInfo that are read
    ...     return SimpleNamespace(segment=None, status="closed", n_records=1000,
    ...         n_labels=1000, start=t + timedelta(hours=hour), end=t + timedelta(hours=hour + 1),
    ...         metrics={"accuracy": accuracy, "row_count": 1000.0, "label_coverage": 1.0})
    >>> class Service:
    ...     def list_windows(self, model, *, version=None, limit=500):
    ...         rates = {"v1": [0.80, 0.81, 0.79], "v2": [0.84, 0.83, 0.85]}[version]
    ...         return [window(h, r) for h, r in enumerate(rates)]
    >>> c = compare_versions(Service(), "churn", "v1", "v2", "accuracy")
    >>> c.test.method, round(c.test.difference, 3), c.test.winner, c.sequential.rejected
    ('two_proportion_z', 0.04, 'b', True)
    """
    if version_a == version_b:
        raise InputError(f"version_a and version_b are both {version_a!r}; name two versions")
    if not 0.0 < confidence < 1.0:
        raise InputError(f"confidence is {confidence}; give a number between 0 and 1, e.g. 0.95")
    arms = [
        _windows(service, model, v, metric, feature, start, end) for v in (version_a, version_b)
    ]
    for version, windows in zip((version_a, version_b), arms, strict=True):
        if not windows:
            raise InputError(
                f"version {version!r} of model {model!r} has no closed window with metric "
                f"{metric!r} in the period; close its windows, widen the period, or check "
                "the metric name (labels are needed for performance metrics)"
            )
    direction = _direction(metric)
    spec = AB_METRICS.get(metric)
    count = spec.service_count if spec is not None else None
    label = metric if feature is None else f"{metric}[{feature}]"
    if count is not None:
        pooled = [
            [(w.end, round(value * _trials(w, count)), _trials(w, count)) for w, value in arm]
            for arm in arms
        ]
        k_a, n_a = sum(p[1] for p in pooled[0]), sum(p[2] for p in pooled[0])
        k_b, n_b = sum(p[1] for p in pooled[1]), sum(p[2] for p in pooled[1])
        if n_a == 0 or n_b == 0:
            raise InputError(
                f"metric {metric!r} has no {count.replace('n_', '')} in the windows of "
                f"{version_a if n_a == 0 else version_b!r}; send labels and close the windows"
            )
        test = two_proportion_ztest(
            k_a, n_a, k_b, n_b, confidence=confidence, metric=label, higher_is_better=direction
        )
        note = (
            f"pooled {len(arms[0])} and {len(arms[1])} windows back into counts "
            f"(successes = {metric} x {count} per window)"
        )
        sequential = _replay(pooled[0], pooled[1], round(1.0 - confidence, 12), tau).result()
    else:
        values_a = [value for _, value in arms[0]]
        values_b = [value for _, value in arms[1]]
        if len(values_a) < 2 or len(values_b) < 2:
            raise InputError(
                f"metric {metric!r} is kept as one value per window, so the comparison needs "
                f"at least 2 closed windows per version ({version_a!r} has {len(values_a)}, "
                f"{version_b!r} has {len(values_b)}); wait for more windows"
            )
        test = welch_ttest(
            values_a, values_b, confidence=confidence, metric=label, higher_is_better=direction
        )
        note = (
            f"the store keeps one {metric} value per window, not per-row counts: compared "
            f"the per-window values with Welch's test across windows ({len(values_a)} and "
            f"{len(values_b)} windows, each weighted equally); no sequential test"
        )
        sequential = None
    return VersionComparison(
        model=model,
        version_a=version_a,
        version_b=version_b,
        metric=label,
        test=replace(test, note=note),
        n_windows_a=len(arms[0]),
        n_windows_b=len(arms[1]),
        sequential=sequential,
    )
