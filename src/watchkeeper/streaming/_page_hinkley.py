"""Page-Hinkley test for a change of the mean (Page 1954; as in Gama et al. 2013).

The statistic accumulates the deviations of each value from the running mean of all
values so far, minus a tolerance ``delta``: ``m_T = alpha * m_{T-1} + x_T - mean_T
- delta``. A rise of the mean shows as ``m_T - min_t m_t`` growing; a fall as
``max_t m'_t - m'_T`` growing for the mirror sum (``+ delta``). A drift (the bad
event) is signalled when the chosen side exceeds ``threshold`` (the paper's lambda).
``alpha`` below 1 lets old deviations fade (the "fading factor" variant); the method
defines no warning zone.
"""

from __future__ import annotations

import math

from watchkeeper._exceptions import InputError
from watchkeeper.streaming._base import DriftDetector, bad_real

__all__ = ["PageHinkley"]

_MODES = ("both", "up", "down")


class PageHinkley(DriftDetector):
    """Page-Hinkley change detector on real values.

    ``min_instances`` values are seen before any test, ``delta`` is the magnitude of
    change tolerated, ``threshold`` the alarm level, ``alpha`` the fading factor and
    ``mode`` which changes count: ``"up"``, ``"down"`` or ``"both"``. The defaults are
    River's. ``update`` returns None; after a drift the next update starts afresh.

    >>> import random
    >>> rng = random.Random(12345)
    >>> stream = rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)
    >>> ph = PageHinkley()
    >>> hits = []
    >>> for i, x in enumerate(stream):
    ...     ph.update(x)
    ...     if ph.drift_detected:
    ...         hits.append(i)
    >>> hits
    [1006]
    """

    def __init__(
        self,
        *,
        min_instances: int = 30,
        delta: float = 0.005,
        threshold: float = 50.0,
        alpha: float = 1 - 0.0001,
        mode: str = "both",
    ) -> None:
        if mode not in _MODES:
            raise InputError(f"PageHinkley mode {mode!r} is not one of {', '.join(_MODES)}")
        self.min_instances = min_instances
        self.delta = delta
        self.threshold = threshold
        self.alpha = alpha
        self.mode = mode
        super().__init__()

    def _reset(self) -> None:
        super()._reset()
        self._n = 0
        self._mean = 0.0
        self._sum_up = 0.0
        self._sum_down = 0.0
        self._min_up = math.inf
        self._max_down = -math.inf
        self._watch_up = self.mode != "down"
        self._watch_down = self.mode != "up"

    def update(self, x: float) -> None:
        """Add one value and test the cumulative deviation against ``threshold``."""
        try:
            if x - x:
                bad_real(self, x)
                return
        except TypeError:
            bad_real(self, x)
            return
        if self._drift_detected:
            self._reset()
        n = self._n + 1
        self._n = n
        mean = self._mean + (x - self._mean) / n
        self._mean = mean
        dev = x - mean
        up = self.alpha * self._sum_up + dev - self.delta
        down = self.alpha * self._sum_down + dev + self.delta
        self._sum_up = up
        self._sum_down = down
        if up < self._min_up:
            self._min_up = up
        if down > self._max_down:
            self._max_down = down
        if n >= self.min_instances:
            self._drift_detected = (self._watch_up and up - self._min_up > self.threshold) or (
                self._watch_down and self._max_down - down > self.threshold
            )
