"""HDDM-W: drift detection with McDiarmid's bound on weighted averages (Frías-Blanco et al. 2015).

Like HDDM-A, but each mean is an exponentially weighted moving average (weight
``lambda_val`` on the newest value) and the bound is McDiarmid's, whose width
depends on the sum of squared weights. The cut point is where the weighted mean plus
its bound was smallest; a weighted mean of the values since then that exceeds the
one at the cut by more than the bound for confidence ``drift_confidence`` (or
``warning_confidence``) is a drift (or the warning zone): a rising error rate is
the bad direction. ``two_sided_test`` also watches a falling rate. This follows the
authors' MOA implementation (each estimator starts at its first value, with a
squared-weight sum of 1).
"""

from __future__ import annotations

import math

from watchkeeper.streaming._base import BinaryDriftDetector, bad_binary

__all__ = ["HDDM_W"]


class HDDM_W(BinaryDriftDetector):  # noqa: N801 - the method's published name
    """HDDM with the W-test on a stream of errors (1 = wrong, 0 = right).

    Works on any values in [0, 1]. ``update`` returns None; after a drift the next
    update starts afresh.

    >>> import random
    >>> rng = random.Random(42)
    >>> errors = [rng.random() < 0.1 for _ in range(1000)]
    >>> errors += [rng.random() < 0.4 for _ in range(500)]
    >>> hddm = HDDM_W()
    >>> hits = []
    >>> for i, e in enumerate(errors):
    ...     hddm.update(e)
    ...     if hddm.drift_detected:
    ...         hits.append(i)
    >>> hits
    [1024]
    """

    has_warning = True

    def __init__(
        self,
        *,
        drift_confidence: float = 0.001,
        warning_confidence: float = 0.005,
        lambda_val: float = 0.05,
        two_sided_test: bool = False,
    ) -> None:
        self.drift_confidence = drift_confidence
        self.warning_confidence = warning_confidence
        self.lambda_val = lambda_val
        self.two_sided_test = two_sided_test
        super().__init__()

    def _reset(self) -> None:
        super()._reset()
        # Each estimator is (weighted mean, sum of squared weights), None before
        # its first value: the whole stream, the stream up to each cut point and
        # the stream since each cut point.
        self._total: tuple[float, float] | None = None
        self._incr_cut = math.inf
        self._incr_before: tuple[float, float] | None = None
        self._incr_after: tuple[float, float] | None = None
        self._decr_cut = -math.inf
        self._decr_before: tuple[float, float] | None = None
        self._decr_after: tuple[float, float] | None = None
        self._log_drift = math.log(1.0 / self.drift_confidence) / 2.0
        self._log_warning = math.log(1.0 / self.warning_confidence) / 2.0

    def _step(self, est: tuple[float, float] | None, x: float) -> tuple[float, float]:
        if est is None:
            return (x, 1.0)
        lam = self.lambda_val
        return (lam * x + (1.0 - lam) * est[0], lam * lam + (1.0 - lam) * (1.0 - lam) * est[1])

    def update(self, x: bool | float) -> None:
        """Add one prediction outcome: True or 1 if the model was wrong."""
        try:
            if not 0 <= x <= 1:
                bad_binary(self, x)
                return
        except TypeError:
            bad_binary(self, x)
            return
        if self._drift_detected:
            self._reset()
        x = float(x)
        total = self._total = self._step(self._total, x)
        eps = math.sqrt(total[1] * self._log_drift)
        if total[0] + eps < self._incr_cut:
            self._incr_cut = total[0] + eps
            self._incr_before = total
            self._incr_after = None
        else:
            self._incr_after = self._step(self._incr_after, x)
        rise = _excess(self._incr_before, self._incr_after)
        drift = rise > self._log_drift
        warning = rise > self._log_warning
        if total[0] - eps > self._decr_cut:
            self._decr_cut = total[0] - eps
            self._decr_before = total
            self._decr_after = None
        else:
            self._decr_after = self._step(self._decr_after, x)
        if self.two_sided_test:
            fall = _excess(self._decr_after, self._decr_before)
            drift = drift or fall > self._log_drift
            warning = warning or fall > self._log_warning
        self._drift_detected = drift
        self._warning_detected = warning and not drift


def _excess(low: tuple[float, float] | None, high: tuple[float, float] | None) -> float:
    """How far ``high`` exceeds ``low``, as the log-term of McDiarmid's bound.

    ``high - low > sqrt((w_low + w_high) ln(1 / confidence) / 2)`` is
    ``(high - low)**2 / (w_low + w_high) > ln(1 / confidence) / 2`` for a positive
    difference; -1 when either estimator is empty or the difference is not positive.
    """
    if low is None or high is None:
        return -1.0
    diff = high[0] - low[0]
    if diff <= 0.0:
        return -1.0
    return diff * diff / (low[1] + high[1])
