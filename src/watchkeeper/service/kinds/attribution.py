"""Feature attribution drift: records may carry ``attributions`` (``{feature: value}``,
e.g. SHAP values from the model server, stored as ``attribution.<feature>``); each
window keeps the mean absolute attribution per feature and compares its ranking with
the reference's by SageMaker's NDCG (:func:`watchkeeper.attribution.ndcg`).

Series: ``attribution_ndcg`` (1 when the ranking is the reference's, lower is worse;
SageMaker flags below 0.90) and, per feature, ``attribution_share`` (the feature's
share of the window's total mean |attribution|). The reference's attributions are the
``attribution.<feature>`` columns of the version's reference data (as SageMaker's
baseline job computes them on the training data); without them there is no series.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from watchkeeper.attribution import ndcg
from watchkeeper.service._points import Value
from watchkeeper.service._windows import ATTRIBUTION_PREFIX
from watchkeeper.service.kinds._base import MonitorKind, ReferenceInput, WindowInput

__all__ = ["KIND", "AttributionDrift", "mean_abs_attributions"]


def mean_abs_attributions(table: pa.Table) -> dict[str, float]:
    """Mean |attribution| per feature over the rows that have one (``attribution.*``).

    >>> t = pa.table({"attribution.a": [0.5, -0.3, None], "x": [1, 2, 3]})
    >>> mean_abs_attributions(t)
    {'a': 0.4}
    """
    out: dict[str, float] = {}
    for name in table.column_names:
        if not name.startswith(ATTRIBUTION_PREFIX):
            continue
        values = pc.drop_null(table.column(name)).to_numpy(zero_copy_only=False)
        if values.size:
            out[name[len(ATTRIBUTION_PREFIX) :]] = float(np.mean(np.abs(values)))
    return out


def attribution_values(reference: Mapping[str, float], current: Mapping[str, float]) -> list[Value]:
    """NDCG against the reference ranking (on the features both have) and the shares.

    >>> [(m, f, round(v, 4)) for m, f, v in attribution_values(
    ...     {"sat": 0.7, "gpa": 0.5, "rank": 0.05}, {"sat": 0.1, "gpa": 0.2, "rank": 0.7})]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('attribution_ndcg', None, 0.6576), ('attribution_share', 'gpa', 0.2),
     ('attribution_share', 'rank', 0.7), ('attribution_share', 'sat', 0.1)]
    """
    common = sorted(set(reference) & set(current))
    if not common:
        return []
    out: list[Value] = [
        ("attribution_ndcg", None, ndcg({f: reference[f] for f in common},
                                        {f: current[f] for f in common}))
    ]  # fmt: skip
    total = sum(current[f] for f in common)
    if total > 0:
        out += [("attribution_share", f, current[f] / total) for f in common]
    return out


class AttributionDrift(MonitorKind):
    """Mean |attribution| ranking per window against the reference's (NDCG)."""

    name = "attribution"

    def fit(self, reference: ReferenceInput) -> bytes | None:
        found = mean_abs_attributions(reference.table)
        return json.dumps({"reference": found}).encode() if found else None

    def window_values(self, window: WindowInput) -> list[Value]:
        current = mean_abs_attributions(window.data.features)
        if not current or window.state is None:
            return []
        kept = json.loads(window.state)
        return attribution_values(kept["reference"], current)


KIND = AttributionDrift()
