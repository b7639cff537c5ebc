"""What the A/B tests return: frozen, JSON-ready results.

Every difference is ``B - A`` (challenger minus champion), in the metric's units;
whether a positive difference is good depends on the metric (``higher_is_better``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from watchkeeper._tabular import Tabular

__all__ = ["ABTestResult", "SampleSizeResult", "SequentialResult", "VersionComparison"]


def _num(value: float | None) -> float | None:
    # JSON has no NaN or infinity; a missing figure is null.
    if value is None or not math.isfinite(value):
        return None
    return float(value)


@dataclass(frozen=True, repr=False)
class ABTestResult(Tabular):
    """A fixed-horizon comparison of one metric between arm A and arm B.

    ``difference`` is ``estimate_b - estimate_a``; ``ci_low``/``ci_high`` bound it at
    ``confidence``; ``p_value`` tests ``difference == 0``. ``winner`` is ``"a"`` or
    ``"b"`` when the difference is significant at ``1 - confidence`` and the metric's
    direction is known, else None.

    >>> r = ABTestResult("accuracy", "two_proportion_z", 0.8, 0.85, 0.05, 0.01, 0.09,
    ...                  0.95, 0.012, 2.5, 1000, 1000, True)
    >>> r.winner, r.significant
    ('b', True)
    >>> r.to_dict()["relative_difference"]
    0.0625
    """

    metric: str
    method: str
    estimate_a: float
    estimate_b: float
    difference: float
    ci_low: float
    ci_high: float
    confidence: float
    p_value: float
    statistic: float
    n_a: int
    n_b: int
    higher_is_better: bool | None = None
    paired: bool = False
    note: str = ""

    @property
    def significant(self) -> bool:
        """Whether ``p_value`` is below ``1 - confidence``."""
        return bool(self.p_value < 1.0 - self.confidence)

    @property
    def relative_difference(self) -> float:
        """``difference / estimate_a`` (NaN when A's estimate is 0)."""
        if self.estimate_a == 0:
            return math.nan
        return self.difference / abs(self.estimate_a)

    @property
    def winner(self) -> str | None:
        if not self.significant or self.higher_is_better is None or self.difference == 0:
            return None
        return "b" if (self.difference > 0) == self.higher_is_better else "a"

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "method": self.method,
            "estimate_a": _num(self.estimate_a),
            "estimate_b": _num(self.estimate_b),
            "difference": _num(self.difference),
            "relative_difference": _num(self.relative_difference),
            "ci_low": _num(self.ci_low),
            "ci_high": _num(self.ci_high),
            "confidence": self.confidence,
            "p_value": _num(self.p_value),
            "statistic": _num(self.statistic),
            "n_a": self.n_a,
            "n_b": self.n_b,
            "paired": self.paired,
            "higher_is_better": self.higher_is_better,
            "significant": self.significant,
            "winner": self.winner,
            "note": self.note,
        }


@dataclass(frozen=True, repr=False)
class SampleSizeResult(Tabular):
    """How many observations each arm needs to detect ``effect`` with ``power``.

    >>> SampleSizeResult("two_proportions", 3841, 3841, 0.02, 0.05, 0.8).total
    7682
    """

    method: str
    n_a: int
    n_b: int
    effect: float
    alpha: float
    power: float
    two_sided: bool = True

    @property
    def total(self) -> int:
        return self.n_a + self.n_b

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "n_a": self.n_a,
            "n_b": self.n_b,
            "total": self.total,
            "effect": self.effect,
            "alpha": self.alpha,
            "power": self.power,
            "two_sided": self.two_sided,
        }


@dataclass(frozen=True, repr=False)
class SequentialResult(Tabular):
    """The state of an always-valid (mSPRT) test after its latest look.

    ``p_value`` and the confidence sequence ``[ci_low, ci_high]`` stay valid however
    often and whenever one looks; ``rejected`` is ``p_value <= alpha`` and, once true,
    stays true.

    >>> SequentialResult(500, 500, 0.05, 0.004, 0.02, 0.08, 0.05, 0.1, 12, 250.0).rejected
    True
    """

    n_a: int
    n_b: int
    difference: float
    p_value: float
    ci_low: float
    ci_high: float
    alpha: float
    tau: float
    looks: int
    likelihood_ratio: float

    @property
    def rejected(self) -> bool:
        return bool(self.p_value <= self.alpha)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "msprt",
            "n_a": self.n_a,
            "n_b": self.n_b,
            "difference": _num(self.difference),
            "p_value": _num(self.p_value),
            "ci_low": _num(self.ci_low),
            "ci_high": _num(self.ci_high),
            "alpha": self.alpha,
            "tau": _num(self.tau),
            "looks": self.looks,
            "likelihood_ratio": _num(self.likelihood_ratio),
            "rejected": self.rejected,
        }


@dataclass(frozen=True, repr=False)
class VersionComparison(Tabular):
    """Two versions of a served model compared on one metric over their closed windows.

    ``sequential`` is the always-valid test with one look per window end, present when
    the store holds per-window counts for the metric.
    """

    model: str
    version_a: str
    version_b: str
    metric: str
    test: ABTestResult
    n_windows_a: int
    n_windows_b: int
    sequential: SequentialResult | None = None

    def _table_rows(self) -> list[dict[str, Any]]:
        """One row: the versions and the fixed-horizon test's figures."""
        head = {k: v for k, v in self.to_dict().items() if k not in ("test", "sequential")}
        test = {k: v for k, v in self.test._table_rows()[0].items() if k != "metric"}
        return [{**head, **test}]

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "version_a": self.version_a,
            "version_b": self.version_b,
            "metric": self.metric,
            "n_windows_a": self.n_windows_a,
            "n_windows_b": self.n_windows_b,
            "test": self.test.to_dict(),
            "sequential": None if self.sequential is None else self.sequential.to_dict(),
        }
