"""EDDM: the early drift detection method of Baena-García et al. (2006).

EDDM watches the distance (in predictions) between consecutive errors: its mean
``p'`` and standard deviation ``s'``, and the largest ``p' + 2 s'`` seen. Errors
coming closer together is the bad direction: after ``warm_start`` predictions and
errors, ``(p' + 2 s') / max(p' + 2 s') < beta`` (0.9) is a drift and ``< alpha``
(0.95) the warning zone. As in MOA (the authors' implementation), ``s'`` is the
population standard deviation and the statistics change only when an error arrives,
so ``warning_detected`` keeps its value across correct predictions.
"""

from __future__ import annotations

import math

from watchkeeper._exceptions import InputError
from watchkeeper.streaming._base import BinaryDriftDetector, bad_binary

__all__ = ["EDDM"]


class EDDM(BinaryDriftDetector):
    """Early drift detection method on a stream of errors (1 = wrong, 0 = right).

    ``update`` returns None; after a drift the next update starts afresh.

    >>> import random
    >>> rng = random.Random(42)
    >>> errors = [rng.random() < 0.1 for _ in range(2000)]
    >>> errors += [rng.random() < 0.4 for _ in range(200)]
    >>> eddm = EDDM()
    >>> hits = []
    >>> for i, e in enumerate(errors):
    ...     eddm.update(e)
    ...     if eddm.drift_detected:
    ...         hits.append(i)
    >>> hits
    [2134]
    """

    has_warning = True

    def __init__(self, *, warm_start: int = 30, alpha: float = 0.95, beta: float = 0.9) -> None:
        if not 0.0 < beta <= alpha <= 1.0:
            raise InputError(
                f"EDDM needs 0 < beta <= alpha <= 1, got alpha={alpha!r}, beta={beta!r}"
            )
        self.warm_start = warm_start
        self.alpha = alpha
        self.beta = beta
        super().__init__()

    def _reset(self) -> None:
        super()._reset()
        self._n = 0
        self._n_errors = 0
        self._last_error = 0
        self._mean = 0.0
        self._m2 = 0.0
        self._max_level = -math.inf

    def update(self, x: bool | float) -> None:
        """Add one prediction outcome: True or 1 if the model was wrong."""
        if x == 0:
            if self._drift_detected:
                self._reset()
            self._n += 1
            return
        if x != 1:
            bad_binary(self, x)
            return
        if self._drift_detected:
            self._reset()
        n = self._n + 1
        self._n = n
        n_errors = self._n_errors + 1
        self._n_errors = n_errors
        distance = n - self._last_error
        self._last_error = n
        old_mean = self._mean
        mean = old_mean + (distance - old_mean) / n_errors
        self._mean = mean
        self._m2 += (distance - mean) * (distance - old_mean)
        level = mean + 2.0 * math.sqrt(self._m2 / n_errors)
        if n <= self.warm_start:
            return
        if level > self._max_level:
            self._max_level = level
            self._warning_detected = False
        elif n_errors > self.warm_start:
            ratio = level / self._max_level
            if ratio < self.beta:
                self._drift_detected = True
                self._warning_detected = False
            else:
                self._warning_detected = ratio < self.alpha
