"""KSWIN: Kolmogorov-Smirnov windowing (Raab, Heusinger & Schleif 2020).

KSWIN keeps the last ``window_size`` values. Once the window is full, each update
compares the newest ``stat_size`` values with ``stat_size`` values drawn uniformly
without replacement from the older part, with the two-sample Kolmogorov-Smirnov test;
a p-value at or below ``alpha`` is a drift (the bad event). The method defines no
warning zone.

Why no scipy call per update: for two samples of the same size r, the exact two-sided
p-value of ``scipy.stats.ks_2samp`` depends only on the statistic D, and decreases
as D grows; D takes the values j / r. So the test "p <= alpha" is exactly
"D >= j* / r" for the smallest j* whose p-value is at most alpha, found once per
(r, alpha) with scipy. Each update then only computes D, in pure Python. The result
is the same decision as calling ``ks_2samp`` every time.
"""

from __future__ import annotations

import random
import warnings
from collections import deque
from functools import lru_cache

from watchkeeper._exceptions import InputError
from watchkeeper.streaming._base import DriftDetector, bad_real

__all__ = ["KSWIN", "ks_critical_count"]


@lru_cache(maxsize=64)
def ks_critical_count(size: int, alpha: float) -> int:
    """Smallest j such that D = j / size has a two-sample KS p-value <= alpha.

    Both samples have ``size`` values; returns ``size + 1`` when no D is small
    enough (then no drift can be detected at this ``alpha``).

    >>> ks_critical_count(30, 0.005)
    14
    """
    from scipy.stats import ks_2samp

    base = list(range(size))
    with warnings.catch_warnings():
        # For large samples scipy falls back to the asymptotic p-value, with a
        # warning; ks_2samp's default method does the same, which is what we mirror.
        warnings.simplefilter("ignore", RuntimeWarning)
        for j in range(1, size + 1):
            # Two samples whose statistic is exactly j / size.
            shifted = [v + j for v in base]
            if ks_2samp(base, shifted).pvalue <= alpha:
                return j
    return size + 1


def ks_count(a: list[float], b: list[float]) -> int:
    """The two-sample KS statistic of equal-size samples, times their size.

    Ties are handled as scipy does: both empirical distribution functions are
    compared after every distinct value.

    >>> ks_count([1.0, 2.0, 3.0], [2.0, 3.0, 4.0])
    1
    """
    a = sorted(a)
    b = sorted(b)
    n = len(a)
    i = j = best = 0
    while i < n and j < n:
        v = a[i] if a[i] <= b[j] else b[j]
        while i < n and a[i] == v:
            i += 1
        while j < n and b[j] == v:
            j += 1
        gap = i - j if i > j else j - i
        if gap > best:
            best = gap
    return best


class KSWIN(DriftDetector):
    """Kolmogorov-Smirnov windowing detector on real values.

    ``alpha`` is the test's significance level, ``window_size`` the values kept,
    ``stat_size`` the size of both samples and ``seed`` seeds the sampling of the
    older part (fixed by default so that results are reproducible; River's
    default is unseeded). ``update`` returns None; after a drift the next update
    starts afresh with an empty window.

    >>> import random
    >>> rng = random.Random(1)
    >>> stream = [rng.gauss(0, 1) for _ in range(300)] + [rng.gauss(3, 1) for _ in range(200)]
    >>> kswin = KSWIN()
    >>> hits = []
    >>> for i, x in enumerate(stream):
    ...     kswin.update(x)
    ...     if kswin.drift_detected:
    ...         hits.append(i)
    >>> hits
    [311]
    """

    def __init__(
        self,
        *,
        alpha: float = 0.005,
        window_size: int = 100,
        stat_size: int = 30,
        seed: int = 0,
    ) -> None:
        if not 0.0 < alpha < 1.0:
            raise InputError(f"KSWIN alpha must be in (0, 1), got {alpha!r}")
        if not 0 < stat_size <= window_size - stat_size:
            raise InputError(
                f"KSWIN needs 0 < stat_size <= window_size - stat_size, got "
                f"stat_size={stat_size!r}, window_size={window_size!r}"
            )
        self.alpha = alpha
        self.window_size = window_size
        self.stat_size = stat_size
        self.seed = seed
        super().__init__()

    def _reset(self) -> None:
        super()._reset()
        self._window: deque[float] = deque(maxlen=self.window_size)
        self._rng = random.Random(self.seed)
        self._older = range(self.window_size - self.stat_size)
        self._critical = ks_critical_count(self.stat_size, self.alpha)

    def update(self, x: float) -> None:
        """Add one value; once the window is full, test its newest part against the rest."""
        try:
            if x - x:
                bad_real(self, x)
                return
        except TypeError:
            bad_real(self, x)
            return
        if self._drift_detected:
            self._reset()
        window = self._window
        window.append(x)
        if len(window) < self.window_size:
            return
        # Same draw as River's, so that equal seeds compare the same samples.
        values = list(window)
        older = [values[i] for i in self._rng.sample(self._older, self.stat_size)]
        recent = values[self.window_size - self.stat_size :]
        self._drift_detected = ks_count(older, recent) >= self._critical
