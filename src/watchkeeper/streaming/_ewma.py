"""Classical EWMA control chart (Roberts 1959; Lucas & Saccucci 1990) on real values.

This is the classical chart for a change of the mean of real values, not Ross et
al.'s ECDD (which charts a Bernoulli error rate). The statistic
``z_t = lam x_t + (1 - lam) z_{t-1}``, started at the in-control mean ``mu``, is
compared with the exact time-varying limits
``mu +/- L sigma sqrt(lam / (2 - lam) (1 - (1 - lam)**(2 t)))``; leaving them, in either
direction, is a drift (the bad event). When ``mean`` or ``std`` is not given they are
estimated from the first ``min_instances`` values, which are not charted. The
classical chart defines no warning zone.
"""

from __future__ import annotations

import math

from watchkeeper.streaming._base import DriftDetector, bad_real

__all__ = ["EWMAChart"]


class EWMAChart(DriftDetector):
    """EWMA control chart with smoothing ``lam`` and limit width ``L`` (in sigmas).

    The defaults ``lam = 0.1`` and ``L = 3.7`` keep false alarms near two per 10,000
    values on normal data with parameters estimated from the burn-in (the textbook
    ``L = 2.814`` has an in-control average run length of 500, Lucas & Saccucci 1990).
    ``update`` returns None; after a drift the next update starts afresh.

    >>> import random
    >>> rng = random.Random(3)
    >>> stream = [rng.gauss(10, 2) for _ in range(500)] + [rng.gauss(12, 2) for _ in range(200)]
    >>> chart = EWMAChart()
    >>> hits = []
    >>> for i, x in enumerate(stream):
    ...     chart.update(x)
    ...     if chart.drift_detected:
    ...         hits.append(i)
    >>> hits
    [513]
    """

    def __init__(
        self,
        *,
        lam: float = 0.1,
        L: float = 3.7,
        min_instances: int = 50,
        mean: float | None = None,
        std: float | None = None,
    ) -> None:
        self.lam = lam
        self.L = L
        self.min_instances = min_instances
        self.mean = mean
        self.std = std
        super().__init__()

    def _reset(self) -> None:
        super()._reset()
        self._n = 0
        self._burn_mean = 0.0
        self._burn_m2 = 0.0
        self._ready = False
        self._mu = 0.0
        self._z = 0.0
        self._decay = 1.0
        self._scale2 = 0.0
        if self.mean is not None and self.std is not None:
            self._start(self.mean, self.std)

    def _start(self, mu: float, sigma: float) -> None:
        self._ready = True
        self._mu = mu
        self._z = mu
        # (1 - lam)**(2t), carried forward so the hot path multiplies once.
        self._decay = 1.0
        self._scale2 = (self.L * sigma) ** 2 * self.lam / (2.0 - self.lam)

    def update(self, x: float) -> None:
        """Add one value; during the burn-in it only feeds the parameter estimates."""
        try:
            if x - x:
                bad_real(self, x)
                return
        except TypeError:
            bad_real(self, x)
            return
        if self._drift_detected:
            self._reset()
        if not self._ready:
            self._burn_in(x)
            return
        lam = self.lam
        # z + lam (x - z) rather than lam x + (1 - lam) z: exact on a constant
        # stream, where the limits are zero wide.
        z = self._z + lam * (x - self._z)
        self._z = z
        self._decay *= (1.0 - lam) * (1.0 - lam)
        dev = z - self._mu
        self._drift_detected = dev * dev > self._scale2 * (1.0 - self._decay)

    def _burn_in(self, x: float) -> None:
        n = self._n + 1
        self._n = n
        delta = x - self._burn_mean
        self._burn_mean += delta / n
        self._burn_m2 += delta * (x - self._burn_mean)
        if n >= self.min_instances:
            std = math.sqrt(self._burn_m2 / (n - 1)) if n > 1 else 0.0
            mu = self.mean if self.mean is not None else self._burn_mean
            self._start(mu, self.std if self.std is not None else std)
