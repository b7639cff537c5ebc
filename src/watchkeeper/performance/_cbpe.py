"""Confidence-based performance estimation (CBPE): classification metrics without labels.

The method (NannyML; Kivimäki et al.): if the model's scores are calibrated
probabilities, row ``i`` is of class ``a`` with probability ``p_ia``, so every metric
has an expected value computable from the scores alone.

1. On the reference (labelled), each class's score is calibrated with isotonic
   regression, but only where that helps: ``calibration="auto"`` compares the
   expected calibration error (10 equal-frequency bins) of the raw and the calibrated
   scores out of fold (3 interleaved folds, no random seed) and keeps the better.
   Multiclass calibrated rows are renormalised to sum to 1.
2. The expected confusion matrix of a chunk is ``E[C][a, b] = sum_{i: pred_i = b} p_ia``;
   accuracy, precision, recall, F1, specificity (every average) and the confusion
   cells are the registry's own functions applied to it.
3. Score metrics are expectations too: ROC AUC and average precision from expected
   true/false positive counts along the raw score's thresholds; log loss, Brier score
   and calibration error as expectations of the per-row loss.

Direction is the metric's (registry ``higher_is_better``). Thresholds and sampling
errors come from the realized metric on the reference chunks.

When not to trust it: under concept drift (``P(y | x)`` changed, which CBPE cannot see:
it assumes only the inputs moved), when the calibration on the reference is poor (few
rows per class, reference not like production), when the analysis scores fall where the
reference had few rows, and on small chunks (see the sampling error). A class with fewer
than 100 reference rows (or non-rows) raises an :class:`UnreliableEstimateWarning`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import isotonic_regression

from watchkeeper._exceptions import InputError
from watchkeeper.performance._chunking import Chunk, Chunker, SizeChunker
from watchkeeper.performance._classification import calibration_bins
from watchkeeper.performance._inputs import (
    Columns,
    Prepared,
    ScoreSpec,
    prepare_analysis,
    prepare_reference,
)
from watchkeeper.performance._realized import (
    Series,
    assemble,
    finish,
    realized_values,
    segments,
)
from watchkeeper.performance._registry import DEFAULT_METRICS, Metric, get_metric
from watchkeeper.performance._results import PerformanceResult
from watchkeeper.performance._thresholds import StandardDeviationThreshold, Threshold
from watchkeeper.performance._warning_classes import UnreliableEstimateWarning, warn_degenerate

__all__ = ["CBPE"]

FloatArray = NDArray[np.float64]
_Knots = tuple[FloatArray, FloatArray]
_FOLDS = 3
# Beyond this many rows the calibration check runs on an evenly spaced subsample: the
# decision is stable long before, and the final fit still uses every row.
_CHECK_ROWS = 100_000
# Below this many reference rows of a class (or of its complement), isotonic calibration
# is mostly noise; the estimate is produced with an UnreliableEstimateWarning.
_MIN_CLASS_ROWS = 100


def _fit_isotonic(score: FloatArray, outcome: FloatArray) -> _Knots:
    order = np.argsort(score)
    s, o = score[order], outcome[order]
    starts = np.r_[0, np.flatnonzero(np.diff(s)) + 1]
    counts = np.diff(np.r_[starts, s.size]).astype(np.float64)
    means = np.add.reduceat(o, starts) / counts
    fitted = np.asarray(isotonic_regression(means, weights=counts).x, dtype=np.float64)
    knots = s[starts]
    # The fit is a step function: keep only the two ends of each step, so that applying
    # it (np.interp, a binary search per row) searches hundreds of knots, not millions.
    change = np.flatnonzero(np.diff(fitted)) + 1
    keep = np.unique(np.r_[0, change - 1, change, fitted.size - 1])
    return knots[keep], fitted[keep]


def _apply(knots: _Knots, score: FloatArray) -> FloatArray:
    return np.interp(score, knots[0], knots[1])


def _quantile_ece(outcome: FloatArray, proba: FloatArray, n_bins: int = 10) -> float:
    order = np.argsort(proba)
    bins = np.array_split(order, n_bins)
    return float(sum(b.size * abs(outcome[b].mean() - proba[b].mean()) for b in bins if b.size))


def _calibration_helps(score: FloatArray, outcome: FloatArray) -> bool:
    if outcome.min() == outcome.max():
        return False
    step = max(score.size // _CHECK_ROWS, 1)
    score, outcome = score[::step], outcome[::step]
    fold = np.arange(score.size) % _FOLDS
    calibrated = np.empty_like(score)
    for f in range(_FOLDS):
        test = fold == f
        calibrated[test] = _apply(_fit_isotonic(score[~test], outcome[~test]), score[test])
    return _quantile_ece(outcome, calibrated) < _quantile_ece(outcome, score)


def _expected_confusion(pred: NDArray[np.intp], proba: FloatArray) -> FloatArray:
    k = proba.shape[1]
    return np.stack([np.bincount(pred, weights=proba[:, a], minlength=k) for a in range(k)])


def _binary_expected_curve(
    raw: FloatArray, proba: FloatArray, metric: str
) -> tuple[FloatArray, FloatArray, NDArray[np.intp]] | None:
    total = proba.sum()
    if total <= 0 or total >= proba.size:
        warn_degenerate(metric, "the calibrated probabilities leave only one class expected")
        return None
    order = np.argsort(-raw)
    last = np.r_[np.flatnonzero(np.diff(raw[order])), raw.size - 1]
    tps = np.cumsum(proba[order])[last]
    fps = (last + 1.0) - tps
    return tps, fps, last


def _expected_auc(raw: FloatArray, proba: FloatArray, metric: str) -> float:
    curve = _binary_expected_curve(raw, proba, metric)
    if curve is None:
        return float("nan")
    tps, fps, _ = curve
    tpr = np.r_[0.0, tps / tps[-1]]
    fpr = np.r_[0.0, fps / fps[-1]]
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2.0))


def _expected_ap(raw: FloatArray, proba: FloatArray, metric: str) -> float:
    curve = _binary_expected_curve(raw, proba, metric)
    if curve is None:
        return float("nan")
    tps, _, last = curve
    return float(np.sum(np.diff(tps / tps[-1], prepend=0.0) * tps / (last + 1.0)))


def _one_vs_rest(
    fn: Callable[[FloatArray, FloatArray, str], float], name: str
) -> Callable[[FloatArray, FloatArray], float]:
    def estimate(raw: FloatArray, proba: FloatArray) -> float:
        if raw.shape[1] == 2:
            return fn(raw[:, 1], proba[:, 1], name)
        return float(np.nanmean([fn(raw[:, k], proba[:, k], name) for k in range(raw.shape[1])]))

    return estimate


def _expected_log_loss(raw: FloatArray, proba: FloatArray) -> float:
    eps = np.finfo(np.float64).eps
    return float(-np.mean(np.sum(proba * np.log(np.clip(raw, eps, 1 - eps)), axis=1)))


def _expected_brier(raw: FloatArray, proba: FloatArray) -> float:
    if raw.shape[1] == 2:
        raw, proba = raw[:, 1:], proba[:, 1:]
    return float(np.mean(np.sum(raw**2 - 2 * raw * proba + proba, axis=1)))


def _expected_ece(raw: FloatArray, proba: FloatArray, n_bins: int = 10) -> float:
    if raw.shape[1] == 2:
        confidence, outcome = raw[:, 1], proba[:, 1]
    else:
        top = np.argmax(raw, axis=1)
        rows = np.arange(raw.shape[0])
        confidence, outcome = raw[rows, top], proba[rows, top]
    bins = calibration_bins(confidence, n_bins)
    gap = np.bincount(bins, outcome, n_bins) - np.bincount(bins, confidence, n_bins)
    return float(np.abs(gap).sum() / raw.shape[0])


# Score metrics: (raw scores, calibrated probabilities) -> expected value.
_SCORE_ESTIMATORS: dict[str, Callable[[FloatArray, FloatArray], float]] = {
    "roc_auc": _one_vs_rest(_expected_auc, "roc_auc"),
    "average_precision": _one_vs_rest(_expected_ap, "average_precision"),
    "log_loss": _expected_log_loss,
    "brier_score": _expected_brier,
    "expected_calibration_error": _expected_ece,
}


class CBPE:
    """Estimate classification performance on unlabelled data from the model's scores.

    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(size=20_000)
    >>> data = {"p": p, "pred": (p > 0.5).astype(int), "y": rng.binomial(1, p)}
    >>> cbpe = CBPE(y_pred="pred", y_score="p", y_true="y", metrics=["accuracy"],
    ...             chunker=SizeChunker(2_000)).fit(data)
    >>> result = cbpe.estimate({"p": p[:5000], "pred": data["pred"][:5000]})
    >>> chunk = result.metric("accuracy").analysis[0]
    >>> round(chunk.value, 2), round(chunk.sampling_error, 3)
    (0.76, 0.01)
    """

    def __init__(
        self,
        *,
        y_pred: str,
        y_score: ScoreSpec,
        y_true: str | None = None,
        problem: str | None = None,
        metrics: Sequence[str] | None = None,
        chunker: Chunker | None = None,
        threshold: Threshold | None = None,
        calibration: str = "auto",
        timestamp: str | None = None,
        segment: str | None = None,
        positive_label: Any = None,
        band_width: float = 3.0,
    ) -> None:
        self.y_pred = y_pred
        self.y_score = y_score
        self.y_true = y_true
        self.problem = problem
        self.metrics = metrics
        self.chunker = chunker
        self.threshold = threshold
        self.calibration = calibration
        self.timestamp = timestamp
        self.segment = segment
        self.positive_label = positive_label
        self.band_width = band_width

    def _columns(self) -> Columns:
        return Columns(self.y_true, self.y_pred, self.y_score, self.timestamp, self.segment)

    def fit(self, reference: Any) -> CBPE:
        """Learn the calibration and the reference chunks; the reference needs ``y_true``."""
        if self.y_true is None:
            raise InputError("CBPE.fit needs the reference targets; pass y_true='column'")
        if self.calibration not in ("auto", "isotonic", "none"):
            raise InputError(
                f"calibration {self.calibration!r} is not one of 'auto', 'isotonic', 'none'"
            )
        ref, problem, classes = prepare_reference(
            reference, self._columns(), problem=self.problem, positive_label=self.positive_label
        )
        if classes is None or ref.proba is None or ref.y_true is None:
            raise InputError("CBPE estimates classification; give y_score and a class target")
        names = tuple(self.metrics) if self.metrics else DEFAULT_METRICS[problem]
        self.metrics_: tuple[Metric, ...] = tuple(get_metric(n, problem) for n in names)
        self.problem_ = problem
        self.classes_ = classes
        self.reference_ = ref
        y = ref.y_true[ref.labelled]
        raw = ref.proba[ref.labelled]
        columns = [1] if problem == "binary" else list(range(raw.shape[1]))
        self.calibrators_: dict[int, _Knots] = {}
        for k in columns:
            outcome = (y == k).astype(np.float64)
            rare = int(min(outcome.sum(), outcome.size - outcome.sum()))
            if rare < _MIN_CLASS_ROWS:
                warnings.warn(
                    f"class {classes.to_pylist()[k]!r} has {rare} reference rows on one side "
                    f"(fewer than {_MIN_CLASS_ROWS}); its calibration, and so every estimate, "
                    "rests on too little data: use a larger reference",
                    UnreliableEstimateWarning,
                    stacklevel=2,
                )
            wanted = self.calibration == "isotonic" or (
                self.calibration == "auto" and _calibration_helps(raw[:, k], outcome)
            )
            if wanted:
                self.calibrators_[k] = _fit_isotonic(raw[:, k], outcome)
        return self

    def calibrate(self, raw: FloatArray) -> FloatArray:
        """Calibrated class probabilities for raw ``(n, k)`` scores."""
        if not self.calibrators_:
            return raw
        proba = raw.copy()
        if self.problem_ == "binary":
            proba[:, 1] = _apply(self.calibrators_[1], raw[:, 1])
            proba[:, 0] = 1.0 - proba[:, 1]
            return proba
        for k, knots in self.calibrators_.items():
            proba[:, k] = _apply(knots, raw[:, k])
        total = proba.sum(axis=1, keepdims=True)
        # A row every calibrator sends to zero keeps its raw scores.
        return np.where(total > 0, proba / np.where(total > 0, total, 1.0), raw)

    def _estimates(self, data: Prepared, chunks: Sequence[Chunk]) -> list[FloatArray]:
        """Every metric's estimate on every chunk, one array per metric."""
        if data.proba is None or data.y_pred is None:
            raise InputError("CBPE needs the prediction and score columns in the analysis data")
        proba = self.calibrate(data.proba)
        values = [np.full(len(chunks), np.nan) for _ in self.metrics_]
        for i, chunk in enumerate(chunks):
            rows = slice(chunk.start, chunk.end)
            if chunk.size == 0:
                warn_degenerate("every metric", "the chunk is empty")
                continue
            confusion = _expected_confusion(data.y_pred[rows], proba[rows])
            for j, metric in enumerate(self.metrics_):
                if metric.from_confusion is not None:
                    values[j][i] = metric.from_confusion(confusion, self.problem_)
                else:
                    values[j][i] = _SCORE_ESTIMATORS[metric.name](data.proba[rows], proba[rows])
        return values

    def estimate(self, analysis: Any) -> PerformanceResult:
        """Estimated performance per chunk of ``analysis`` (targets, if present, shown too)."""
        if not hasattr(self, "reference_"):
            raise InputError("call CBPE.fit(reference) before estimate()")
        ana = prepare_analysis(analysis, self._columns(), self.problem_, self.classes_, "analysis")
        chunker = self.chunker or SizeChunker(max(self.reference_.n_rows // 10, 1))
        threshold = self.threshold or StandardDeviationThreshold()
        n_classes = len(self.classes_) if self.classes_ is not None else 2
        results = []
        for name, ref, part in segments(self.reference_, ana):
            series = []
            for data in (ref, part):
                chunks = chunker.split(data.n_rows, data.timestamps)
                n_rows = np.array([c.size for c in chunks], dtype=np.int64)
                estimates = self._estimates(data, chunks)
                for metric, estimated in zip(self.metrics_, estimates, strict=True):
                    realized, labelled = realized_values(
                        metric, self.problem_, data, chunks, n_classes
                    )
                    series.append(Series(chunks, estimated, n_rows, labelled, realized))
            k = len(self.metrics_)
            for j, metric in enumerate(self.metrics_):
                results.append(
                    assemble(metric, name, series[j], series[k + j], threshold=threshold,
                             band_width=self.band_width, estimated=True)
                )  # fmt: skip
        calibrated = sorted(self.calibrators_)
        classes = tuple(self.classes_.to_pylist()) if self.classes_ is not None else ()
        note = f"isotonic calibration applied to class codes {calibrated}" if calibrated else (
            "scores used as they are (calibration did not improve them)"
        )  # fmt: skip
        result = PerformanceResult(
            "cbpe", self.problem_, classes, repr(chunker), repr(threshold), tuple(results), (note,)
        )
        return finish(
            result, chunker, (("reference", self.reference_.n_rows), ("analysis", ana.n_rows))
        )
