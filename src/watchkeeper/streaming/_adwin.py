"""ADWIN: adaptive windowing (Bifet & Gavaldà 2007, ADWIN2 with exponential histograms).

ADWIN keeps the longest recent window whose mean is consistent with being constant.
Every ``clock`` updates it tries each boundary between two buckets as a cut into an
older part W0 and a newer part W1; when the difference of their means exceeds the
Hoeffding-Bernstein bound ``epsilon_cut`` it drops the oldest bucket and tries again,
and that update reports ``drift_detected`` (a change of the mean, in either direction,
is the bad event). The window is summarised by an exponential histogram: row ``i``
holds at most ``max_buckets`` buckets of ``2**i`` values each, so memory and the number
of cuts grow with the logarithm of the window length.

The bound is the one of the paper as implemented in MOA by its authors (and in River):
with ``m = 1/(n0 - l + 1) + 1/(n1 - l + 1)`` (``l = min_window_length``),
``d = ln(2 ln(W) / delta)`` and ``s2`` the variance of the whole window,
``epsilon_cut = sqrt(2 m s2 d) + 2/3 m d``.

Why this is pure Python and still fast: the histogram only matters at the ``clock``
ticks where cuts are tested, and its content there does not depend on when the
bucket merges happened. So ``update`` only appends to a buffer; every ``clock``
values the buffer is folded into the histogram in bulk and the cuts are tested
together with numpy. The detections are those of the one-value-at-a-time algorithm.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from itertools import accumulate, repeat
from operator import mul, sub

import numpy as np

from watchkeeper.streaming._base import DriftDetector, bad_real

__all__ = ["ADWIN"]


class ADWIN(DriftDetector):
    """Adaptive windowing drift detector for a change of the mean of real values.

    Parameters are those of the paper and of River: ``delta`` is the confidence
    (smaller means fewer false alarms and later detections), ``clock`` how many
    updates pass between two tests, ``max_buckets`` the buckets kept per histogram row
    (the paper's M), ``min_window_length`` the smallest sub-window a cut may leave and
    ``grace_period`` the window length below which nothing is tested.

    ``update`` returns None. Right after a drift, ``width`` and ``estimation``
    describe the shrunk window; at the next update ADWIN starts afresh, as River's
    does. (The paper's ADWIN keeps shrinking the same window, which reports one
    change several times as the rest of the old concept ages out.)

    >>> import random
    >>> rng = random.Random(7)
    >>> stream = [rng.gauss(0, 1) for _ in range(1000)] + [rng.gauss(2, 1) for _ in range(1000)]
    >>> adwin = ADWIN()
    >>> hits = []
    >>> for i, x in enumerate(stream):
    ...     adwin.update(x)
    ...     if adwin.drift_detected:
    ...         hits.append(i)
    >>> hits
    [1023]
    >>> adwin.width, round(adwin.estimation, 2)
    (976, 2.01)
    """

    def __init__(
        self,
        *,
        delta: float = 0.002,
        clock: int = 32,
        max_buckets: int = 5,
        min_window_length: int = 5,
        grace_period: int = 10,
    ) -> None:
        self.delta = delta
        self.clock = clock
        self.max_buckets = max_buckets
        self.min_window_length = min_window_length
        self.grace_period = grace_period
        super().__init__()

    def _reset(self) -> None:
        super()._reset()
        self._pending: list[float] = []
        self._push = self._pending.append
        self._countdown = self.clock
        # The histogram is stored by its bucket boundaries, oldest first: for the end
        # of each bucket, the number of values, their sum and their sum of squared
        # differences from ``_shift``, all counted from the start of the window.
        # The first two are arrays of machine numbers, which numpy reads without a copy:
        # converting Python floats costs more than the whole test of the cuts.
        # Merging two buckets is then deleting the boundary between them, and the
        # sums of the older sub-window W0 at every cut are read off directly.
        self._ends_n = array("q")
        self._ends_sum = array("d")
        self._ends_sq: list[float] = []
        # Buckets per row; row i holds buckets of 2**i values and the newest rows
        # come last in the boundary lists.
        self._counts: list[int] = [0]
        self._shift = 0.0
        self._width = 0
        self._total = 0.0
        self._square = 0.0

    @property
    def width(self) -> int:
        """Number of values in the current window."""
        return self._width + len(self._pending)

    @property
    def estimation(self) -> float:
        """Mean of the current window (0.0 when it is empty)."""
        self._absorb()
        return self._total / self._width if self._width else 0.0

    @property
    def variance(self) -> float:
        """Population variance of the current window (0.0 when it is empty)."""
        self._absorb()
        return self._variance() if self._width else 0.0

    def update(self, x: float) -> None:
        """Add one value; every ``clock`` values the window is tested for a change."""
        try:
            if x - x:
                bad_real(self, x)
                return
        except TypeError:
            bad_real(self, x)
            return
        self._push(x)
        self._countdown -= 1
        if not self._countdown:
            if self._drift_detected:
                # A drift sets the countdown to 1, so that the next update lands
                # here and starts afresh without a test on every update.
                self._reset()
                self._push(x)
                self._countdown -= 1
                if self._countdown:
                    return
            self._countdown = self.clock
            self._absorb()
            if self._width > self.grace_period:
                self._drift_detected = self._detect()
                if self._drift_detected:
                    self._countdown = 1

    def _variance(self) -> float:
        mean = self._total / self._width - self._shift
        return max(self._square / self._width - mean * mean, 0.0)

    def _absorb(self) -> None:
        """Fold the pending values into the histogram, merging full rows in bulk."""
        pending = self._pending
        if not pending:
            return
        ends_n, ends_sum, ends_sq = self._ends_n, self._ends_sum, self._ends_sq
        if not self._width:
            # Squares are taken around the first value when it is far from zero, so
            # that the variance of data with a large mean keeps its precision; near
            # zero the shift buys nothing and costs a pass.
            first = float(pending[0])
            self._shift = first if abs(first) > 1.0 else 0.0
        shift = self._shift
        k = len(pending)
        width = self._width
        new_n = range(width + 1, width + k + 1)
        new_sum = list(accumulate(pending, initial=self._total))
        if shift:
            moved = list(map(sub, pending, repeat(shift)))
            new_sq = list(accumulate(map(mul, moved, moved), initial=self._square))
        else:
            new_sq = list(accumulate(map(mul, pending, pending), initial=self._square))
        pending.clear()
        self._width = width + k
        self._total = new_sum[-1]
        self._square = new_sq[-1]
        # Whenever a row reaches limit + 1 buckets its two oldest merge into one
        # bucket of the next row. With c buckets after the inserts that happened
        # (c - limit + 1) // 2 times, always to the oldest pairs in turn: the
        # boundaries at even places among the first 2 * merges of the row go.
        limit = self.max_buckets
        counts = self._counts
        old = counts[0]
        c = old + k
        if c <= limit:
            counts[0] = c
            ends_n.fromlist(list(new_n))
            ends_sum.fromlist(new_sum[1:])
            ends_sq.extend(new_sq[1:])
            return
        merges = (c - limit + 1) >> 1
        end = len(ends_n)
        if old:
            start = end - old
            stop = start + min(2 * merges, old)
            del ends_n[start:stop:2], ends_sum[start:stop:2], ends_sq[start:stop:2]
        # Row 0 is merged before its new boundaries reach the arrays.
        first = (old + 1) & 1
        keep_all = max(2 * merges - old, 0)
        ends_n.fromlist(list(new_n[first:keep_all:2]))
        ends_n.fromlist(list(new_n[keep_all:]))
        ends_sum.fromlist(new_sum[first + 1 : keep_all + 1 : 2])
        ends_sum.fromlist(new_sum[keep_all + 1 :])
        ends_sq.extend(new_sq[first + 1 : keep_all + 1 : 2])
        ends_sq.extend(new_sq[keep_all + 1 :])
        counts[0] = c - 2 * merges
        end = len(ends_n) - counts[0]
        row = 1
        if row == len(counts):
            counts.append(0)
        c = counts[row] + merges
        while c > limit:
            merges = (c - limit + 1) >> 1
            start = end - c
            cut = slice(start, start + 2 * merges, 2)
            del ends_n[cut], ends_sum[cut], ends_sq[cut]
            counts[row] = c - 2 * merges
            end = start + merges
            row += 1
            if row == len(counts):
                counts.append(0)
            c = counts[row] + merges
        counts[row] = c

    def _detect(self) -> bool:
        """Test every cut; drop the oldest bucket while some cut is significant."""
        detected = False
        while self._width > self.grace_period and self._some_cut_significant():
            detected = True
            self._drop_oldest()
        return detected

    def _some_cut_significant(self) -> bool:
        ends_n = self._ends_n
        width = self._width
        min_len = self.min_window_length
        # Cuts that leave at least min_window_length values on both sides.
        lo = bisect_left(ends_n, min_len)
        # The window's own end is never a cut, even with min_window_length 0.
        hi = min(bisect_right(ends_n, width - min_len), len(ends_n) - 1)
        if lo >= hi:
            return False
        total = self._total
        variance = self._variance()
        log_term = math.log(2.0 * math.log(width) / self.delta)
        # Each numpy call costs more than its arithmetic on a hundred cuts, hence
        # views of the arrays and argmax rather than max or any.
        n0 = np.frombuffer(ends_n, np.int64, hi - lo, lo * 8).astype(np.float64)
        u0 = np.frombuffer(self._ends_sum, np.float64, hi - lo, lo * 8)
        n1 = width - n0
        # |mean0 - mean1| > epsilon_cut >= sqrt(2 s2 d m) and m >= 1/n0 + 1/n1,
        # so a significant cut needs dev**2 / (n0 n1) > 2 s2 d / W with
        # dev = u0 - n0 T / W. This pass costs half the exact test and rules out
        # nearly every check on a stable stream.
        dev = u0 - (total / width) * n0
        dev *= dev
        dev /= n0 * n1
        if dev[dev.argmax()] * width <= 2.0 * variance * log_term:
            return False
        diff = np.abs(u0 / n0 - (total - u0) / n1)
        m = 1.0 / (n0 - (min_len - 1)) + 1.0 / (n1 - (min_len - 1))
        diff -= np.sqrt((2.0 * variance * log_term) * m) + (2.0 / 3.0 * log_term) * m
        return bool(diff[diff.argmax()] > 0.0)

    def _drop_oldest(self) -> None:
        """Forget the oldest bucket; boundaries stay relative to the window start."""
        n0 = self._ends_n[0]
        s0 = self._ends_sum[0]
        q0 = self._ends_sq[0]
        self._ends_n = array("q", [v - n0 for v in self._ends_n[1:]])
        self._ends_sum = array("d", [v - s0 for v in self._ends_sum[1:]])
        self._ends_sq = [v - q0 for v in self._ends_sq[1:]]
        self._width -= n0
        self._total -= s0
        self._square -= q0
        counts = self._counts
        row = len(counts) - 1
        while not counts[row]:
            row -= 1
        counts[row] -= 1
        while len(counts) > 1 and not counts[-1]:
            counts.pop()
