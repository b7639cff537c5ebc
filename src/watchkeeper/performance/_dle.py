"""Direct loss estimation (DLE): regression errors without labels.

The method (NannyML): on the reference, learn the model's per-row loss from its inputs
and its prediction, ``|y - y_hat|`` for MAE, ``(y - y_hat)^2`` for MSE and RMSE,
``|y - y_hat| / max(|y|, eps)`` for MAPE, with scikit-learn's
``HistGradientBoostingRegressor`` (the "nanny" model, one per loss). On a chunk without
labels, the estimated metric is the mean predicted loss (RMSE: the square root of the
estimated MSE). Direction: every metric here is an error, larger is worse.

Thresholds and sampling errors come from the realized metric on the reference chunks.
The nanny model is fitted on the whole reference, so its reference estimates are
in-sample (optimistic); the thresholds do not use them.

When not to trust it: under concept drift (the loss given the inputs changed); when the
features do not explain where the model errs; when the analysis inputs leave the range
of the reference (trees extrapolate flat); on small chunks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from watchkeeper._exceptions import ColumnError, InputError, MissingDependency
from watchkeeper.io import to_table
from watchkeeper.performance._chunking import Chunker, SizeChunker
from watchkeeper.performance._inputs import Columns, prepare_analysis, prepare_reference
from watchkeeper.performance._realized import (
    Series,
    assemble,
    finish,
    realized_values,
    segments,
)
from watchkeeper.performance._registry import get_metric
from watchkeeper.performance._results import PerformanceResult
from watchkeeper.performance._thresholds import StandardDeviationThreshold, Threshold

__all__ = ["DLE"]

FloatArray = NDArray[np.float64]
_EPS = float(np.finfo(np.float64).eps)
# metric -> the per-row loss its nanny model learns
_LOSS_OF = {"mae": "absolute", "mse": "squared", "rmse": "squared", "mape": "percentage"}


def _loss(kind: str, y: FloatArray, y_hat: FloatArray) -> FloatArray:
    error = y - y_hat
    if kind == "absolute":
        return np.abs(error)
    if kind == "squared":
        return error**2
    return np.abs(error) / np.maximum(np.abs(y), _EPS)


def _inputs(table: pa.Table, features: Sequence[str], y_pred: str) -> FloatArray:
    """Features and prediction as a float matrix, rows in the table's own order."""
    columns = []
    for name in [*features, y_pred]:
        if name not in table.column_names:
            raise ColumnError(
                name, "is not in the data", f"available columns: {', '.join(table.column_names)}"
            )
        try:
            values = pc.cast(table.column(name), pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise ColumnError(
                name, f"is not numeric ({table.column(name).type})", "encode it as numbers"
            ) from None
        columns.append(np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64))
    return np.column_stack(columns)


class DLE:
    """Estimate regression errors on unlabelled data with a model of the loss.

    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(-1, 1, 4000)
    >>> y = x + rng.normal(0, 0.1 + 0.4 * (x > 0), 4000)  # the model errs more for x > 0
    >>> data = {"x": x, "pred": x, "y": y}
    >>> dle = DLE(features=["x"], y_pred="pred", y_true="y", metrics=["mae"],
    ...           chunker=SizeChunker(400), model_params={"max_iter": 20}).fit(data)
    >>> shifted = {"x": np.abs(x[:1000]), "pred": np.abs(x[:1000])}
    >>> round(dle.estimate(shifted).metric("mae").analysis[0].value, 1)
    0.4
    """

    def __init__(
        self,
        *,
        features: Sequence[str],
        y_pred: str,
        y_true: str | None = None,
        metrics: Sequence[str] = ("mae", "mse", "rmse", "mape"),
        chunker: Chunker | None = None,
        threshold: Threshold | None = None,
        timestamp: str | None = None,
        segment: str | None = None,
        model_params: Mapping[str, Any] | None = None,
        band_width: float = 3.0,
    ) -> None:
        self.features = features
        self.y_pred = y_pred
        self.y_true = y_true
        self.metrics = metrics
        self.chunker = chunker
        self.threshold = threshold
        self.timestamp = timestamp
        self.segment = segment
        self.model_params = model_params
        self.band_width = band_width

    def _columns(self) -> Columns:
        return Columns(self.y_true, self.y_pred, None, self.timestamp, self.segment)

    def fit(self, reference: Any) -> DLE:
        """Fit one nanny model per loss on the labelled reference."""
        try:
            from sklearn.ensemble import HistGradientBoostingRegressor
        except ImportError:
            raise MissingDependency("scikit-learn", "ml") from None
        unknown = [m for m in self.metrics if m not in _LOSS_OF]
        if unknown:
            raise InputError(f"DLE estimates {sorted(_LOSS_OF)}, not {unknown}")
        if self.y_true is None:
            raise InputError("DLE.fit needs the reference targets; pass y_true='column'")
        table = to_table(reference)
        ref, _, _ = prepare_reference(table, self._columns(), problem="regression")
        if ref.y_true is None or ref.y_pred is None:
            raise InputError("DLE needs the target and prediction columns in the reference")
        self.metrics_ = tuple(get_metric(m, "regression") for m in self.metrics)
        x_all = _inputs(table, self.features, self.y_pred)
        # Prepared rows may be time-sorted; `order` maps them back to table rows.
        rows = np.arange(ref.n_rows) if ref.order is None else ref.order
        labelled = rows[ref.labelled]
        x = x_all[labelled]
        y, y_hat = ref.y_true[ref.labelled], ref.y_pred[ref.labelled]
        params = dict(self.model_params or {"random_state": 0})
        self.models_: dict[str, Any] = {}
        for kind in {_LOSS_OF[m] for m in self.metrics}:
            model = HistGradientBoostingRegressor(**params)
            self.models_[kind] = model.fit(x, _loss(kind, y, y_hat))
        self.reference_ = ref
        self.reference_losses_ = {
            kind: np.maximum(m.predict(x_all), 0.0) for kind, m in self.models_.items()
        }
        return self

    def estimate(self, analysis: Any) -> PerformanceResult:
        """Estimated errors per chunk of ``analysis`` (realized too where it has targets)."""
        if not hasattr(self, "models_"):
            raise InputError("call DLE.fit(reference) before estimate()")
        table = to_table(analysis)
        ana = prepare_analysis(table, self._columns(), "regression", None, "analysis")
        x_all = _inputs(table, self.features, self.y_pred)
        losses = {kind: np.maximum(m.predict(x_all), 0.0) for kind, m in self.models_.items()}
        chunker = self.chunker or SizeChunker(max(self.reference_.n_rows // 10, 1))
        threshold = self.threshold or StandardDeviationThreshold()
        # Predicted losses are in table order; `order` maps prepared rows back to it.
        full = {"reference": self.reference_losses_, "analysis": losses}
        results = []
        for name, ref, part in segments(self.reference_, ana):
            series = []
            for period, data in (("reference", ref), ("analysis", part)):
                chunks = chunker.split(data.n_rows, data.timestamps)
                n_rows = np.array([c.size for c in chunks], dtype=np.int64)
                rows = np.arange(data.n_rows) if data.order is None else data.order
                for metric in self.metrics_:
                    loss = full[period][_LOSS_OF[metric.name]]
                    estimated = np.array(
                        [float(np.mean(loss[rows[c.start : c.end]])) if c.size else np.nan
                         for c in chunks]
                    )  # fmt: skip
                    if metric.name == "rmse":
                        estimated = np.sqrt(estimated)
                    realized, labelled = realized_values(metric, "regression", data, chunks, 2)
                    series.append(Series(chunks, estimated, n_rows, labelled, realized))
            k = len(self.metrics_)
            for j, metric in enumerate(self.metrics_):
                results.append(
                    assemble(metric, name, series[j], series[k + j], threshold=threshold,
                             band_width=self.band_width, estimated=True)
                )  # fmt: skip
        result = PerformanceResult(
            "dle", "regression", (), repr(chunker), repr(threshold), tuple(results)
        )
        return finish(
            result, chunker, (("reference", self.reference_.n_rows), ("analysis", ana.n_rows))
        )
