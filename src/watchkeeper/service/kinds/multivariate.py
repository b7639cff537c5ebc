"""Multivariate drift per window (opt-in: ``monitoring: {multivariate: true}``): the
cross-validated ROC AUC of a domain classifier telling the window's rows from the
reference's (:func:`watchkeeper.multivariate.domain_classifier_drift`), and its upper
threshold, the mean + 3 sigma of the AUCs of reference chunks against the rest of the
reference.

Series: ``multivariate_drift_auc`` (0.5: the window cannot be told from the reference;
larger is worse) and ``multivariate_drift_threshold``. Opt-in because it fits a few
classifiers per window and reads every window's features. The window is one chunk;
reference chunks have the window's size, or a tenth of the reference when the window
is smaller (so at most ten reference fits per window): a smaller window's AUC spreads
more than its threshold says, so give small windows a margin in the monitor. The
whole-traffic window only: segments would multiply the fits.
"""

from __future__ import annotations

import pyarrow as pa

from watchkeeper.multivariate import MultivariateDriftResult, domain_classifier_drift
from watchkeeper.service._ingest import feature_kinds, ipc_to_table, table_to_ipc
from watchkeeper.service._points import Value
from watchkeeper.service.kinds._base import (
    MonitorKind,
    ReferenceInput,
    WindowInput,
    monitoring_options,
    reference_column,
)

__all__ = ["KIND", "MultivariateDrift", "window_chunk_size"]

_KINDS = ("numeric", "categorical", "boolean")


def window_chunk_size(n_window: int, n_reference: int) -> int:
    """The chunk size: the window's, or a tenth of the reference when that is larger.

    >>> window_chunk_size(300, 20_000), window_chunk_size(5_000, 20_000)
    (2000, 5000)
    """
    return max(n_window, n_reference // 10, 2)


class MultivariateDrift(MonitorKind):
    """A domain classifier's AUC per window against the reference."""

    name = "multivariate"

    def fit(self, reference: ReferenceInput) -> bytes | None:
        if not monitoring_options(reference.schema).get("multivariate"):
            return None
        kinds = {n: k for n, k in feature_kinds(reference.schema).items() if k in _KINDS}
        found = {n: reference_column(reference.table, [n]) for n in kinds}
        names = [n for n, column in found.items() if column is not None]
        if not names:
            return None
        table = reference.table.select([str(found[n]) for n in names]).rename_columns(names)
        return table_to_ipc(table)

    def window_values(self, window: WindowInput) -> list[Value]:
        if window.state is None or window.segment is not None:
            return []
        reference = ipc_to_table([window.state])
        if reference is None:
            return []
        names = [n for n in reference.column_names if n in window.data.features.column_names]
        n = window.data.n
        if not names or n < 2:
            return []
        current = window.data.features.select(names)
        result = multivariate_result(reference.select(names), current)
        chunk = result.current_chunks[0]
        out: list[Value] = [("multivariate_drift_auc", None, float(chunk.value))]
        if result.upper_threshold is not None:
            out.append(("multivariate_drift_threshold", None, float(result.upper_threshold)))
        return out


def multivariate_result(reference: pa.Table, current: pa.Table) -> MultivariateDriftResult:
    """The library's result for one window (the window as a single chunk)."""
    categorical = [
        name for name in current.column_names
        if pa.types.is_string(current.schema.field(name).type)
        or pa.types.is_large_string(current.schema.field(name).type)
    ]  # fmt: skip
    size = window_chunk_size(current.num_rows, reference.num_rows)
    return domain_classifier_drift(
        reference, current, chunk_size=size, categorical=categorical or None
    )


KIND = MultivariateDrift()
