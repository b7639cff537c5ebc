"""Delayed ground truth: join labels that arrive later to their predictions by id.

Behaviour, documented and counted in the returned :class:`LabelJoin`:

* a prediction id that is null or repeated raises :class:`~watchkeeper.ColumnError`
  (a label could not say which prediction it belongs to);
* a null label id raises too;
* a label id repeated: ``duplicates="error"`` (default) raises; ``"last"`` keeps the
  last label given (a correction), ``"first"`` the first; either way they are counted;
* a label whose id matches no prediction is dropped and counted (``n_unknown_ids``);
* a prediction without a label keeps a null target and is counted (``n_missing``); the
  chunked results then report it as unlabelled (label coverage below 1).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from watchkeeper._exceptions import ColumnError, InputError
from watchkeeper.io import to_table
from watchkeeper.performance._results import LabelJoin

__all__ = ["join_labels"]


def _ids(table: pa.Table, column: str, source: str) -> pa.Array:
    if column not in table.column_names:
        raise ColumnError(
            column, f"is not in the {source}", f"available columns: {', '.join(table.column_names)}"
        )
    ids = table.column(column).combine_chunks()
    if ids.null_count:
        raise ColumnError(column, f"in the {source} has {ids.null_count} null ids", "fill them")
    return ids


def join_labels(
    predictions: Any,
    labels: Any,
    *,
    id_column: str,
    target: str,
    label_id_column: str | None = None,
    duplicates: Literal["error", "first", "last"] = "error",
) -> tuple[pa.Table, LabelJoin]:
    """``predictions`` with a ``target`` column filled from ``labels`` by id.

    Rows stay in the order of ``predictions``.

    >>> preds = {"id": [1, 2, 3], "pred": [0, 1, 1]}
    >>> labels = {"id": [3, 1, 9], "y": [1, 0, 1]}
    >>> table, join = join_labels(preds, labels, id_column="id", target="y")
    >>> table.column("y").to_pylist()
    [0, None, 1]
    >>> (join.n_matched, join.n_missing, join.n_unknown_ids)
    (2, 1, 1)
    """
    if duplicates not in ("error", "first", "last"):
        raise InputError(f"duplicates={duplicates!r} is not one of 'error', 'first', 'last'")
    pred_table, label_table = to_table(predictions), to_table(labels)
    pred_ids = _ids(pred_table, id_column, "predictions")
    label_ids = _ids(label_table, label_id_column or id_column, "labels")
    if target not in label_table.column_names:
        raise ColumnError(target, "is not in the labels", "name the label column with target=")
    if pred_ids.type != label_ids.type:
        try:
            label_ids = label_ids.cast(pred_ids.type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise ColumnError(
                label_id_column or id_column,
                f"has type {label_ids.type} in the labels but {pred_ids.type} in the predictions",
            ) from None
    if len(pc.unique(pred_ids)) != len(pred_ids):
        counts = pc.value_counts(pred_ids)
        first = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))[0]
        raise ColumnError(
            id_column,
            f"in the predictions repeats ids (first: {first.as_py()!r})",
            "give each prediction a unique id",
        )
    values = label_table.column(target).combine_chunks()
    n_labels = len(label_ids)
    unique = pc.unique(label_ids)
    n_duplicate = n_labels - len(unique)
    if n_duplicate:
        if duplicates == "error":
            counts = pc.value_counts(label_ids)
            first = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))[0]
            raise ColumnError(
                label_id_column or id_column,
                f"in the labels repeats {n_duplicate} ids (first: {first.as_py()!r})",
                "pass duplicates='last' to keep the latest label or 'first' to keep the first",
            )
        order = np.arange(n_labels)[::-1] if duplicates == "last" else np.arange(n_labels)
        # index_in returns the first match, so reverse the rows to make "last" win.
        label_ids, values = label_ids.take(order), values.take(order)
    position = pc.index_in(pred_ids, value_set=label_ids)
    joined = values.take(position)
    known = pc.is_in(label_ids, value_set=pred_ids)
    n_unknown = len(pc.unique(pc.filter(label_ids, pc.invert(known))))
    n_matched = len(pred_ids) - position.null_count
    table = pred_table.drop_columns([target]) if target in pred_table.column_names else pred_table
    table = table.append_column(target, joined)
    summary = LabelJoin(
        n_predictions=len(pred_ids),
        n_labels=n_labels,
        n_matched=n_matched,
        n_missing=len(pred_ids) - n_matched,
        n_unknown_ids=n_unknown,
        n_duplicate_ids=n_duplicate,
    )
    return table, summary
