"""Fixed-horizon tests of a metric difference between two arms, ``B - A``.

Which test fits which metric:

- a rate (accuracy, error rate, conversion): :func:`two_proportion_ztest` (pooled
  standard error for the p-value, as statsmodels' ``proportions_ztest``; unpooled
  Wald interval), or :func:`paired_proportion_test` (McNemar's z) when both versions
  scored the same rows, as in shadow traffic;
- ROC AUC: :func:`bootstrap_auc_test`, stratified by class, paired when both
  versions scored the same rows;
- a continuous error or latency: :func:`welch_ttest`, or :func:`paired_ttest` on
  the same rows.

Direction: the tests only say whether B differs from A; whether a positive
difference is good is the metric's ``higher_is_better`` (see ``_metrics.py``).
Look at a fixed-horizon p-value once: to look every hour use ``_sequential.py``.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from watchkeeper._exceptions import InputError
from watchkeeper.abtest._results import ABTestResult

__all__ = [
    "bootstrap_auc_test",
    "paired_proportion_test",
    "paired_ttest",
    "two_proportion_ztest",
    "welch_ttest",
    "welch_ttest_from_stats",
]

FloatArray = NDArray[np.float64]
_BOOT_CHUNK_CELLS = 2_000_000


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise InputError(f"confidence is {confidence}; give a number between 0 and 1, e.g. 0.95")


def _two_sided(z: float) -> float:
    return float(2.0 * stats.norm.sf(abs(z)))


def _floats(values: ArrayLike, name: str, minimum: int) -> FloatArray:
    array = np.asarray(values, dtype=np.float64).ravel()
    bad = ~np.isfinite(array)
    if bad.any():
        raise InputError(
            f"{name} has {int(bad.sum())} values that are not finite numbers; drop or fill them"
        )
    if array.size < minimum:
        raise InputError(f"{name} has {array.size} values; the test needs at least {minimum}")
    return array


def _binary(values: ArrayLike, name: str) -> NDArray[np.bool_]:
    array = np.asarray(values).ravel()
    if array.dtype == np.bool_:
        return array.astype(np.bool_, copy=False)
    try:
        numbers = array.astype(np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{name} must hold 0/1 or booleans, not {array.dtype}") from None
    if not np.isin(numbers, (0.0, 1.0)).all():
        first = numbers[~np.isin(numbers, (0.0, 1.0))][0]
        raise InputError(f"{name} must hold 0/1 or booleans; found {first!r}; map it to 0/1")
    positive: NDArray[np.bool_] = numbers == 1.0
    return positive


def two_proportion_ztest(
    successes_a: int,
    n_a: int,
    successes_b: int,
    n_b: int,
    *,
    confidence: float = 0.95,
    metric: str = "proportion",
    higher_is_better: bool | None = None,
) -> ABTestResult:
    """Two-proportion z-test of ``p_b - p_a`` (normal approximation).

    The p-value uses the pooled standard error (the null says both rates are equal),
    the interval the unpooled (Wald) one; ``statistic ** 2`` is the chi-squared of the
    2x2 table without continuity correction.

    >>> r = two_proportion_ztest(100, 1000, 130, 1000, metric="conversion_rate",
    ...                          higher_is_better=True)
    >>> round(r.difference, 3), round(r.statistic, 3), round(r.p_value, 4), r.winner
    (0.03, 2.103, 0.0355, 'b')
    """
    _check_confidence(confidence)
    for name, k, n in (("A", successes_a, n_a), ("B", successes_b, n_b)):
        if n < 1 or not 0 <= k <= n:
            raise InputError(
                f"arm {name} has {k} successes out of {n}; give 0 <= successes <= n and n >= 1"
            )
    p_a, p_b = successes_a / n_a, successes_b / n_b
    diff = p_b - p_a
    pooled = (successes_a + successes_b) / (n_a + n_b)
    se0 = math.sqrt(pooled * (1.0 - pooled) * (1.0 / n_a + 1.0 / n_b))
    z = diff / se0 if se0 > 0 else 0.0
    se1 = math.sqrt(p_a * (1.0 - p_a) / n_a + p_b * (1.0 - p_b) / n_b)
    half = float(stats.norm.ppf(0.5 + confidence / 2.0)) * se1
    return ABTestResult(
        metric=metric,
        method="two_proportion_z",
        estimate_a=p_a,
        estimate_b=p_b,
        difference=diff,
        ci_low=diff - half,
        ci_high=diff + half,
        confidence=confidence,
        p_value=_two_sided(z) if se0 > 0 else 1.0,
        statistic=z,
        n_a=n_a,
        n_b=n_b,
        higher_is_better=higher_is_better,
    )


def paired_proportion_test(
    outcomes_a: ArrayLike,
    outcomes_b: ArrayLike,
    *,
    confidence: float = 0.95,
    metric: str = "proportion",
    higher_is_better: bool | None = None,
) -> ABTestResult:
    """McNemar's z for two rates measured on the same rows (shadow traffic).

    Only the discordant rows count: ``z = (n01 - n10) / sqrt(n01 + n10)`` where
    ``n01`` rows failed under A and succeeded under B. The interval is the Wald
    interval of the paired difference.

    >>> a = [1] * 80 + [0] * 20
    >>> b = [1] * 70 + [0] * 10 + [1] * 20
    >>> r = paired_proportion_test(a, b)
    >>> round(r.difference, 2), round(r.statistic, 3), round(r.p_value, 4)
    (0.1, 1.826, 0.0679)
    """
    _check_confidence(confidence)
    x_a = _binary(outcomes_a, "outcomes_a")
    x_b = _binary(outcomes_b, "outcomes_b")
    if x_a.size != x_b.size or x_a.size == 0:
        raise InputError(
            f"paired outcomes need the same rows: A has {x_a.size}, B has {x_b.size}; "
            "give one outcome per row for both versions"
        )
    n = x_a.size
    n01 = int((~x_a & x_b).sum())
    n10 = int((x_a & ~x_b).sum())
    diff = (n01 - n10) / n
    discordant = n01 + n10
    z = (n01 - n10) / math.sqrt(discordant) if discordant else 0.0
    se = math.sqrt(max(discordant - (n01 - n10) ** 2 / n, 0.0)) / n
    half = float(stats.norm.ppf(0.5 + confidence / 2.0)) * se
    return ABTestResult(
        metric=metric,
        method="mcnemar_z",
        estimate_a=float(x_a.mean()),
        estimate_b=float(x_b.mean()),
        difference=diff,
        ci_low=diff - half,
        ci_high=diff + half,
        confidence=confidence,
        p_value=_two_sided(z) if discordant else 1.0,
        statistic=z,
        n_a=n,
        n_b=n,
        higher_is_better=higher_is_better,
        paired=True,
    )


def welch_ttest_from_stats(
    mean_a: float,
    var_a: float,
    n_a: int,
    mean_b: float,
    var_b: float,
    n_b: int,
    *,
    confidence: float = 0.95,
    metric: str = "mean",
    higher_is_better: bool | None = None,
) -> ABTestResult:
    """Welch's t-test of ``mean_b - mean_a`` from each arm's mean, variance (ddof 1) and size.

    >>> r = welch_ttest_from_stats(10.0, 4.0, 50, 11.0, 9.0, 40)
    >>> round(r.statistic, 3), round(r.p_value, 4), round(r.ci_low, 3)
    (1.811, 0.0748, -0.103)
    """
    _check_confidence(confidence)
    if n_a < 2 or n_b < 2:
        raise InputError(f"Welch's test needs at least 2 values per arm; A has {n_a}, B has {n_b}")
    diff = mean_b - mean_a
    va, vb = var_a / n_a, var_b / n_b
    se = math.sqrt(va + vb)
    if se == 0:
        p_value, t, half = (1.0 if diff == 0 else 0.0), 0.0, 0.0
    else:
        # Welch-Satterthwaite, on variances scaled to at most 1 so squares cannot underflow.
        ra, rb = va / max(va, vb), vb / max(va, vb)
        df = (ra + rb) ** 2 / (ra**2 / (n_a - 1) + rb**2 / (n_b - 1))
        t = diff / se
        p_value = float(2.0 * stats.t.sf(abs(t), df))
        half = float(stats.t.ppf(0.5 + confidence / 2.0, df)) * se
    return ABTestResult(
        metric=metric,
        method="welch_t",
        estimate_a=mean_a,
        estimate_b=mean_b,
        difference=diff,
        ci_low=diff - half,
        ci_high=diff + half,
        confidence=confidence,
        p_value=p_value,
        statistic=t,
        n_a=n_a,
        n_b=n_b,
        higher_is_better=higher_is_better,
    )


def welch_ttest(
    values_a: ArrayLike,
    values_b: ArrayLike,
    *,
    confidence: float = 0.95,
    metric: str = "mean",
    higher_is_better: bool | None = None,
) -> ABTestResult:
    """Welch's unequal-variance t-test of ``mean(B) - mean(A)``.

    >>> rng = np.random.default_rng(0)
    >>> r = welch_ttest(rng.normal(1.0, 1.0, 300), rng.normal(1.5, 2.0, 300),
    ...                 metric="mae", higher_is_better=False)
    >>> round(r.difference, 3), round(r.p_value, 4), r.winner
    (0.517, 0.0001, 'a')
    """
    a = _floats(values_a, "values_a", 2)
    b = _floats(values_b, "values_b", 2)
    return welch_ttest_from_stats(
        float(a.mean()),
        float(a.var(ddof=1)),
        a.size,
        float(b.mean()),
        float(b.var(ddof=1)),
        b.size,
        confidence=confidence,
        metric=metric,
        higher_is_better=higher_is_better,
    )


def paired_ttest(
    values_a: ArrayLike,
    values_b: ArrayLike,
    *,
    confidence: float = 0.95,
    metric: str = "mean",
    higher_is_better: bool | None = None,
) -> ABTestResult:
    """The t-test of the mean per-row difference ``B - A`` on the same rows.

    >>> r = paired_ttest([1.0, 2.0, 3.0, 4.0], [1.5, 2.4, 3.6, 4.3])
    >>> round(r.difference, 3), round(r.p_value, 4)
    (0.45, 0.0061)
    """
    _check_confidence(confidence)
    a = _floats(values_a, "values_a", 2)
    b = _floats(values_b, "values_b", 2)
    if a.size != b.size:
        raise InputError(
            f"paired values need the same rows: A has {a.size}, B has {b.size}; "
            "give one value per row for both versions"
        )
    d = b - a
    n = d.size
    diff = float(d.mean())
    se = float(d.std(ddof=1)) / math.sqrt(n)
    if se == 0:
        p_value, t, half = (1.0 if diff == 0 else 0.0), 0.0, 0.0
    else:
        t = diff / se
        p_value = float(2.0 * stats.t.sf(abs(t), n - 1))
        half = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1)) * se
    return ABTestResult(
        metric=metric,
        method="paired_t",
        estimate_a=float(a.mean()),
        estimate_b=float(b.mean()),
        difference=diff,
        ci_low=diff - half,
        ci_high=diff + half,
        confidence=confidence,
        p_value=p_value,
        statistic=t,
        n_a=n,
        n_b=n,
        higher_is_better=higher_is_better,
        paired=True,
    )


class _RankedScores:
    """Scores grouped into tie classes once, so that a resample's AUC is two bincounts."""

    def __init__(self, positive: NDArray[np.bool_], score: FloatArray) -> None:
        _, self.group = np.unique(score, return_inverse=True)
        self.n_groups = int(self.group.max()) + 1
        self.pos_rows = np.flatnonzero(positive)
        self.neg_rows = np.flatnonzero(~positive)

    def auc(self, pos_take: NDArray[np.intp], neg_take: NDArray[np.intp]) -> FloatArray:
        """AUC of each resample; ``*_take`` are (replicates, rows) indices into the rows."""
        reps, g = pos_take.shape[0], self.n_groups
        offset = (np.arange(reps) * g)[:, None]
        wp = np.bincount((self.group[pos_take] + offset).ravel(), minlength=reps * g)
        wn = np.bincount((self.group[neg_take] + offset).ravel(), minlength=reps * g)
        wp, wn = wp.reshape(reps, g), wn.reshape(reps, g)
        # Mann-Whitney with mid-ranks: a negative of equal score counts one half.
        below = np.cumsum(wn, axis=1) - wn
        wins = (wp * (below + 0.5 * wn)).sum(axis=1)
        result: FloatArray = wins / (pos_take.shape[1] * neg_take.shape[1])
        return result

    def point(self) -> float:
        return float(self.auc(self.pos_rows[None, :], self.neg_rows[None, :])[0])


def _resample(
    arm: _RankedScores, rng: np.random.Generator, reps: int
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    # Within each class, so that every resample has positives and negatives.
    pos = arm.pos_rows[rng.integers(0, arm.pos_rows.size, (reps, arm.pos_rows.size))]
    neg = arm.neg_rows[rng.integers(0, arm.neg_rows.size, (reps, arm.neg_rows.size))]
    return pos, neg


def _auc_arm(y_true: ArrayLike, score: ArrayLike, name: str) -> _RankedScores:
    positive = _binary(y_true, f"y_true_{name}")
    values = _floats(score, f"score_{name}", 2)
    if positive.size != values.size:
        raise InputError(
            f"arm {name} has {positive.size} labels and {values.size} scores; give one score "
            "per labelled row"
        )
    n_pos = int(positive.sum())
    if n_pos == 0 or n_pos == positive.size:
        raise InputError(
            f"arm {name} has only one class among its labels; AUC needs positives and negatives"
        )
    return _RankedScores(positive, values)


def bootstrap_auc_test(
    y_true_a: ArrayLike,
    score_a: ArrayLike,
    y_true_b: ArrayLike,
    score_b: ArrayLike,
    *,
    paired: bool = False,
    n_boot: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
    metric: str = "roc_auc",
) -> ABTestResult:
    """Bootstrap test of ``AUC(B) - AUC(A)``, resampling within each class.

    Unpaired, each arm's rows are resampled on their own; paired (the same rows and
    labels scored by both versions), one resample of rows feeds both AUCs, which
    cancels the rows' shared difficulty. The interval is the percentile interval of
    the resampled differences; the p-value is pROC's bootstrap test,
    ``z = difference / sd(resampled differences)`` against the normal.

    >>> rng = np.random.default_rng(1)
    >>> y = rng.integers(0, 2, 400)
    >>> r = bootstrap_auc_test(y, y + rng.normal(0, 1.5, 400), y, y + rng.normal(0, 1.0, 400),
    ...                        paired=True, n_boot=500, seed=0)
    >>> round(r.estimate_a, 3), round(r.estimate_b, 3), round(r.p_value, 4), r.winner
    (0.638, 0.734, 0.0035, 'b')
    """
    _check_confidence(confidence)
    if n_boot < 100:
        raise InputError(f"n_boot is {n_boot}; use at least 100 resamples (2000 is usual)")
    arm_a = _auc_arm(y_true_a, score_a, "a")
    arm_b = _auc_arm(y_true_b, score_b, "b")
    if paired and not (
        arm_a.pos_rows.size == arm_b.pos_rows.size
        and arm_a.neg_rows.size == arm_b.neg_rows.size
        and np.array_equal(arm_a.pos_rows, arm_b.pos_rows)
    ):
        raise InputError(
            "paired AUC needs the same rows with the same labels in both arms; "
            "align the rows (shadow traffic) or use paired=False"
        )
    rng = np.random.default_rng(seed)
    diffs = np.empty(n_boot)
    rows = arm_a.pos_rows.size + arm_a.neg_rows.size + arm_b.pos_rows.size + arm_b.neg_rows.size
    chunk = max(1, _BOOT_CHUNK_CELLS // rows)
    for start in range(0, n_boot, chunk):
        reps = min(chunk, n_boot - start)

        pos_a, neg_a = _resample(arm_a, rng, reps)
        pos_b, neg_b = (pos_a, neg_a) if paired else _resample(arm_b, rng, reps)
        diffs[start : start + reps] = arm_b.auc(pos_b, neg_b) - arm_a.auc(pos_a, neg_a)
    auc_a, auc_b = arm_a.point(), arm_b.point()
    diff = auc_b - auc_a
    sd = float(diffs.std(ddof=1))
    z = diff / sd if sd > 0 else 0.0
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(diffs, [tail, 1.0 - tail])
    n_a = arm_a.pos_rows.size + arm_a.neg_rows.size
    n_b = arm_b.pos_rows.size + arm_b.neg_rows.size
    return ABTestResult(
        metric=metric,
        method="bootstrap_paired" if paired else "bootstrap",
        estimate_a=auc_a,
        estimate_b=auc_b,
        difference=diff,
        ci_low=float(low),
        ci_high=float(high),
        confidence=confidence,
        p_value=_two_sided(z) if sd > 0 else (1.0 if diff == 0 else 0.0),
        statistic=z,
        n_a=n_a,
        n_b=n_b,
        higher_is_better=True,
        paired=paired,
        note=f"{n_boot} resamples stratified by class, seed {seed}",
    )
