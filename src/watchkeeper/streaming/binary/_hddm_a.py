"""HDDM-A: drift detection with Hoeffding's bound on moving averages (Frías-Blanco et al. 2015).

HDDM-A compares the mean of all values seen with the mean up to a cut point, the
point where the mean plus its Hoeffding bound was smallest. If the mean since then
is higher by more than the bound for two samples at confidence ``drift_confidence``
(or ``warning_confidence``), that is a drift (or the warning zone): a rising error
rate is the bad direction. With ``two_sided_test`` a falling rate is watched too,
from the point where the mean minus its bound was largest. This follows the
authors' MOA implementation, which River ports.
"""

from __future__ import annotations

import math

from watchkeeper.streaming._base import BinaryDriftDetector, bad_binary

__all__ = ["HDDM_A"]


class HDDM_A(BinaryDriftDetector):  # noqa: N801 - the method's published name
    """HDDM with the A-test on a stream of errors (1 = wrong, 0 = right).

    Works on any values in [0, 1], not only 0 and 1. ``update`` returns None; after
    a drift the next update starts afresh.

    >>> import random
    >>> rng = random.Random(42)
    >>> errors = [rng.random() < 0.1 for _ in range(1000)]
    >>> errors += [rng.random() < 0.4 for _ in range(500)]
    >>> hddm = HDDM_A()
    >>> hits = []
    >>> for i, e in enumerate(errors):
    ...     hddm.update(e)
    ...     if hddm.drift_detected:
    ...         hits.append(i)
    >>> hits
    [1030]
    """

    has_warning = True

    def __init__(
        self,
        *,
        drift_confidence: float = 0.001,
        warning_confidence: float = 0.005,
        two_sided_test: bool = False,
    ) -> None:
        self.drift_confidence = drift_confidence
        self.warning_confidence = warning_confidence
        self.two_sided_test = two_sided_test
        super().__init__()

    def _reset(self) -> None:
        super()._reset()
        self._n = 0
        self._sum = 0.0
        self._n_min = 0
        self._sum_min = 0.0
        self._n_max = 0
        self._sum_max = 0.0
        self._log_cut = math.log(1.0 / self.drift_confidence) / 2.0
        self._log_drift = math.log(2.0 / self.drift_confidence) / 2.0
        self._log_warning = math.log(2.0 / self.warning_confidence) / 2.0

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
        n = self._n + 1
        total = self._sum + x
        self._n = n
        self._sum = total
        mean = total / n
        eps = math.sqrt(self._log_cut / n)
        if (
            not self._n_min
            or self._sum_min / self._n_min + math.sqrt(self._log_cut / self._n_min) >= mean + eps
        ):
            self._n_min = n
            self._sum_min = total
        if (
            not self._n_max
            or self._sum_max / self._n_max - math.sqrt(self._log_cut / self._n_max) <= mean - eps
        ):
            self._n_max = n
            self._sum_max = total
        rise = self._gap(mean - self._sum_min / self._n_min, self._n_min, n)
        drift = rise >= self._log_drift
        warning = rise >= self._log_warning
        if self.two_sided_test:
            fall = self._gap(self._sum_max / self._n_max - mean, self._n_max, n)
            drift = drift or fall >= self._log_drift
            warning = warning or fall >= self._log_warning
        self._drift_detected = drift
        self._warning_detected = warning and not drift

    @staticmethod
    def _gap(diff: float, n_cut: int, n: int) -> float:
        """The log-term a difference of means exceeds (-1 when it is not positive).

        ``diff >= sqrt(m / 2 ln(2 / confidence))`` with ``m = (n - n_cut) / (n_cut n)``
        is ``diff**2 / m >= ln(2 / confidence) / 2``; returning the left side lets one
        computation serve both confidences.
        """
        if n_cut == n or diff < 0.0:
            return -1.0
        return diff * diff * n_cut * n / (n - n_cut)
