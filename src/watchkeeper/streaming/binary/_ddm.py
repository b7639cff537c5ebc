"""DDM: the drift detection method of Gama, Medas, Castillo & Rodrigues (2004).

The error rate ``p`` of the predictions so far and its standard deviation
``s = sqrt(p (1 - p) / n)`` are tracked, with the smallest ``p + s`` seen after the
warm-up (``p_min``, ``s_min``). ``p + s > p_min + 2 s_min`` is the warning zone and
``p + s > p_min + 3 s_min`` a drift: a rising error rate is the bad direction. The
comparisons are strict as in MOA and River, so that a stream without errors, where
``s_min`` is 0, does not alarm on every update.
"""

from __future__ import annotations

import math

from watchkeeper.streaming._base import BinaryDriftDetector, bad_binary

__all__ = ["DDM"]


class DDM(BinaryDriftDetector):
    """Drift detection method on a stream of errors (1 = wrong, 0 = right).

    ``warm_start`` predictions are seen before any test; ``warning_threshold`` and
    ``drift_threshold`` are the multiples of ``s_min`` of the paper (2 and 3).
    ``update`` returns None; after a drift the next update starts afresh.

    >>> import random
    >>> rng = random.Random(42)
    >>> errors = [rng.random() < 0.1 for _ in range(1000)]
    >>> errors += [rng.random() < 0.4 for _ in range(500)]
    >>> ddm = DDM()
    >>> hits = []
    >>> for i, e in enumerate(errors):
    ...     ddm.update(e)
    ...     if ddm.drift_detected:
    ...         hits.append(i)
    >>> hits
    [1034]
    """

    has_warning = True

    def __init__(
        self,
        *,
        warm_start: int = 30,
        warning_threshold: float = 2.0,
        drift_threshold: float = 3.0,
    ) -> None:
        self.warm_start = warm_start
        self.warning_threshold = warning_threshold
        self.drift_threshold = drift_threshold
        super().__init__()

    def _reset(self) -> None:
        super()._reset()
        self._n = 0
        self._errors = 0
        self._p_min = math.inf
        self._s_min = math.inf
        self._ps_min = math.inf

    def update(self, x: bool | float) -> None:
        """Add one prediction outcome: True or 1 if the model was wrong."""
        if x == 1:
            error = 1
        elif x == 0:
            error = 0
        else:
            bad_binary(self, x)
            return
        if self._drift_detected:
            self._reset()
        n = self._n + 1
        self._n = n
        errors = self._errors + error
        self._errors = errors
        if n <= self.warm_start:
            return
        p = errors / n
        s = math.sqrt(p * (1.0 - p) / n)
        if p + s <= self._ps_min:
            self._p_min = p
            self._s_min = s
            self._ps_min = p + s
        if p + s > self._p_min + self.drift_threshold * self._s_min:
            self._drift_detected = True
            self._warning_detected = False
        else:
            self._warning_detected = p + s > self._p_min + self.warning_threshold * self._s_min
