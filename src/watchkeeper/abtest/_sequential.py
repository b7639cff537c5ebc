"""An always-valid sequential test: look as often as you like, keep the error rate.

Re-running a fixed-horizon test every hour and stopping at the first p < 0.05 rejects
a true null far more often than 5% of the time. The mixture sequential probability
ratio test (mSPRT) of Johari, Koomen, Pekelis and Walsh ("Peeking at A/B tests", KDD
2017) does not: with the difference of means ``theta_hat = mean_b - mean_a``, its
variance ``V = var_a / n_a + var_b / n_b`` and a normal mixture N(theta0, tau^2) over
the alternative, the likelihood ratio after each look is::

    Lambda = sqrt(V / (V + tau^2)) * exp(tau^2 (theta_hat - theta0)^2 / (2 V (V + tau^2)))

The always-valid p-value is the running minimum of ``1 / Lambda`` and the confidence
sequence the running intersection of ``theta_hat +- sqrt(V (V + tau^2) / tau^2 *
(log((V + tau^2) / V) + 2 log(1 / alpha)))``; by Ville's inequality the chance that a
true null is EVER rejected is at most ``alpha``. Proportions are means of 0/1 values.
The variances are plugged in (the normal approximation), so the first ``burn_in``
observations per arm only accumulate.

Direction: ``difference`` is ``B - A``; a small ``p_value`` says B differs from A, the
metric's ``higher_is_better`` says whether that is good.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from watchkeeper._exceptions import InputError
from watchkeeper.abtest._results import SequentialResult

__all__ = ["MixtureSPRT", "sequential_test"]

_DEFAULT_TAU_SDS = 0.1


class _Arm:
    """Count, sum and sum of squares: enough for the mean and variance, and mergeable."""

    __slots__ = ("n", "squares", "total")

    def __init__(self) -> None:
        self.n = 0
        self.total = 0.0
        self.squares = 0.0

    def add(self, n: int, total: float, squares: float) -> None:
        self.n += n
        self.total += total
        self.squares += squares

    @property
    def mean(self) -> float:
        return self.total / self.n if self.n else math.nan

    @property
    def variance(self) -> float:
        if self.n < 2:
            return math.nan
        # max(): the sum-of-squares formula can go a hair negative on constant data.
        return max(self.squares - self.total**2 / self.n, 0.0) / (self.n - 1)


class MixtureSPRT:
    """The mSPRT for ``mean_b - mean_a``: each :meth:`update` is one look.

    ``tau`` is the standard deviation of the normal mixture over effects, in the
    metric's units: the test is most sensitive to effects of about that size. When
    None it is fixed at the first look after burn-in to 0.1 of the pooled standard
    deviation of one observation (a "small" effect, Cohen's d = 0.1).

    >>> rng = np.random.default_rng(0)
    >>> test = MixtureSPRT(alpha=0.05, tau=0.02)
    >>> for hour in range(72):  # 500 requests per arm and hour; look every hour
    ...     test.update(rng.random(500) < 0.10, rng.random(500) < 0.12)
    ...     if test.rejected:
    ...         break
    >>> hour, test.n_a, round(test.p_value, 4), test.rejected
    (10, 5500, 0.0409, True)
    >>> low, high = test.confidence_sequence
    >>> bool(low > 0)
    True
    """

    def __init__(
        self,
        *,
        alpha: float = 0.05,
        tau: float | None = None,
        theta0: float = 0.0,
        burn_in: int = 100,
    ) -> None:
        if not 0.0 < alpha < 1.0:
            raise InputError(f"alpha is {alpha}; give a number between 0 and 1, e.g. 0.05")
        if tau is not None and not (tau > 0 and math.isfinite(tau)):
            raise InputError(f"tau is {tau}; give a positive effect size in the metric's units")
        if burn_in < 2:
            raise InputError(f"burn_in is {burn_in}; the variance needs at least 2 observations")
        self.alpha = alpha
        self.tau = tau
        self.theta0 = theta0
        self.burn_in = burn_in
        self._reset()

    def _reset(self) -> None:
        self._a = _Arm()
        self._b = _Arm()
        self._tau = self.tau
        self._p_value = 1.0
        self._low = -math.inf
        self._high = math.inf
        self._log_lr = 0.0
        self._looks = 0

    def update(self, values_a: ArrayLike, values_b: ArrayLike) -> None:
        """Add new observations of each arm (either may be empty), then look."""
        arms = []
        for name, values in (("values_a", values_a), ("values_b", values_b)):
            array = np.asarray(values, dtype=np.float64).ravel()
            if not np.isfinite(array).all():
                raise InputError(f"{name} holds NaN or infinite values; drop them first")
            arms.append(array)
        a, b = arms
        self._a.add(a.size, float(a.sum()), float(a @ a))
        self._b.add(b.size, float(b.sum()), float(b @ b))
        self._look()

    def update_counts(self, successes_a: int, n_a: int, successes_b: int, n_b: int) -> None:
        """Add new 0/1 outcomes given as counts (a window's successes and trials), then look."""
        for name, k, n in (("A", successes_a, n_a), ("B", successes_b, n_b)):
            if n < 0 or not 0 <= k <= n:
                raise InputError(f"arm {name} has {k} successes out of {n}; give 0 <= k <= n")
        self._a.add(n_a, float(successes_a), float(successes_a))
        self._b.add(n_b, float(successes_b), float(successes_b))
        self._look()

    def _look(self) -> None:
        self._looks += 1
        a, b = self._a, self._b
        if a.n < self.burn_in or b.n < self.burn_in:
            return
        v = a.variance / a.n + b.variance / b.n
        if not v > 0:
            return  # no spread yet in either arm: nothing to learn from
        if self._tau is None:
            self._tau = _DEFAULT_TAU_SDS * math.sqrt((a.variance + b.variance) / 2.0)
            if not self._tau > 0:
                self._tau = None
                return
        t2 = self._tau**2
        theta = b.mean - a.mean
        self._log_lr = 0.5 * math.log(v / (v + t2)) + t2 * (theta - self.theta0) ** 2 / (
            2.0 * v * (v + t2)
        )
        self._p_value = min(self._p_value, math.exp(-self._log_lr) if self._log_lr > 0 else 1.0)
        half = math.sqrt(
            v * (v + t2) / t2 * (math.log((v + t2) / v) + 2.0 * math.log(1 / self.alpha))
        )
        self._low = max(self._low, theta - half)
        self._high = min(self._high, theta + half)

    @property
    def n_a(self) -> int:
        return self._a.n

    @property
    def n_b(self) -> int:
        return self._b.n

    @property
    def difference(self) -> float:
        """``mean_b - mean_a`` so far (NaN before both arms have data)."""
        return self._b.mean - self._a.mean

    @property
    def p_value(self) -> float:
        """The always-valid p-value: never grows, valid at any stopping time."""
        return self._p_value

    @property
    def confidence_sequence(self) -> tuple[float, float]:
        """The ``1 - alpha`` interval for the difference, valid at any stopping time."""
        return self._low, self._high

    @property
    def rejected(self) -> bool:
        return self._p_value <= self.alpha

    def result(self) -> SequentialResult:
        """The test's state as data."""
        return SequentialResult(
            n_a=self.n_a,
            n_b=self.n_b,
            difference=self.difference,
            p_value=self._p_value,
            ci_low=self._low,
            ci_high=self._high,
            alpha=self.alpha,
            tau=math.nan if self._tau is None else self._tau,
            looks=self._looks,
            likelihood_ratio=math.exp(min(self._log_lr, 700.0)),
        )


def sequential_test(
    values_a: ArrayLike,
    values_b: ArrayLike,
    *,
    look_every: int = 100,
    alpha: float = 0.05,
    tau: float | None = None,
    burn_in: int = 100,
) -> SequentialResult:
    """Replay two arms in arrival order, looking after every ``look_every`` observations.

    >>> rng = np.random.default_rng(3)
    >>> r = sequential_test(rng.normal(0.0, 1.0, 3000), rng.normal(0.0, 1.0, 3000))
    >>> r.looks, r.rejected
    (30, False)
    """
    if look_every < 1:
        raise InputError(f"look_every is {look_every}; give a positive number of observations")
    a = np.asarray(values_a, dtype=np.float64).ravel()
    b = np.asarray(values_b, dtype=np.float64).ravel()
    test = MixtureSPRT(alpha=alpha, tau=tau, burn_in=burn_in)
    for start in range(0, max(a.size, b.size), look_every):
        test.update(a[start : start + look_every], b[start : start + look_every])
    return test.result()
