"""Profile mode's labelled predictions: one performance profile per window and segment.

``log_prediction(..., label=y)`` in profile mode (batch scoring of labelled data) keeps
the label with the prediction; :class:`~._profile_mode.ProfileSink` gathers each
window's labels, predictions and scores, and at each post this module turns them into
a performance profile (:mod:`._performance_post`, ``POST .../performance-profiles``) on
the version's edges and classes (``GET .../performance-edges``, read once per version).
The server counts the profile's rows as the window's labels; realized performance is
computed from them at close. Every window's scores (a number per row, a mapping class ->
probability per row, or a regressor's predictions) are posted as score sketches
(``POST .../score-profiles``) so that its score statistics cover profiled traffic. When
the version has sensitive columns with reference counters (the bias monitor; the
``sensitive`` and ``positive_label`` of ``performance-edges``) that are among the
reference's columns, each window's rows are counted per group as they reach its profile
builder (:func:`block_counters`: predictions, the sensitive values, labels where given)
and the counters posted (``POST .../bias-profiles``), so its bias series equal those of
the same rows sent as records.

Classes: the server's when the model declares them, else the sorted distinct labels
and predictions of the window (a classifier whose windows see different classes then
has parts the server may refuse: declare the classes). Scores: a number per row (the
positive class's, for two classes) or a mapping class -> probability per row; a window
where some rows lack a score is profiled without scores (no ROC AUC).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from watchkeeper.client._performance_post import PerformancePost
    from watchkeeper.client._profile_columns import Columns
    from watchkeeper.fairness import GroupCounters

__all__ = ["Bias", "LabelPoster", "block_counters"]

#: A version's bias counting: its sensitive columns (among the reference's) and the
#: reference's positive label.
Bias = tuple[tuple[str, ...], Any]


class LabelPoster:
    """Builds the performance posts of labelled windows (see the module)."""

    def __init__(self, http: httpx.Client, warn: Callable[[str, str], None]) -> None:
        self._http = http
        self._warn = warn
        self._edges: dict[tuple[str, str], dict[str, Any] | None] = {}

    def _answer(self, model: str, version: str) -> dict[str, Any] | None:
        pair = (model, version)
        if pair not in self._edges:
            from watchkeeper.client._performance_post import fetch_performance_edges

            try:
                self._edges[pair] = fetch_performance_edges(self._http, model, version)
            except Exception as error:  # the host application comes first
                self._warn(
                    f"performance-edges {pair}",
                    f"the performance edges of {model!r} {version!r} could not be read "
                    f"({type(error).__name__}: {error}); their labels are not posted",
                )
                self._edges[pair] = None
        return self._edges[pair]

    def series_of(self, model: str, version: str) -> str | None:
        """What the version's score sketches are of ("prediction" for a regressor,
        "score" otherwise), None when the server does not say (no score profiles)."""
        answer = self._answer(model, version)
        if answer is None or "score_edges" not in answer:
            return None
        return "prediction" if answer.get("kind") == "regression" else "score"

    def bias_of(self, model: str, version: str, kinds: Mapping[str, str]) -> Bias | None:
        """The version's sensitive columns that are among ``kinds`` (the reference's
        columns) and its positive label; None when it has none (no bias counters)."""
        answer = self._answer(model, version) or {}
        columns = tuple(c for c in answer.get("sensitive") or [] if c in kinds)
        return (columns, answer.get("positive_label")) if columns else None

    def posts(
        self,
        model: str,
        version: str,
        start_us: int,
        segment: str,
        rows: tuple[list[Any], list[Any], list[Any]],
        series: Mapping[str, list[Any]],
        key: str,
        counters: Mapping[str, GroupCounters] | None = None,
    ) -> list[PerformancePost]:
        """A window's performance post (when it has labelled rows), score-sketch post
        (when its rows have scores) and bias post (when ``counters`` count rows)."""
        posts = []
        if counters:
            from watchkeeper.client._performance_post import counters_post

            start = datetime.fromtimestamp(start_us / 1_000_000, UTC)
            posts.append(counters_post(model, version, start, counters,
                                       segment=segment or None, idempotency_key=key))  # fmt: skip
        if rows[0]:
            post = self.post(model, version, start_us, segment, rows, key)
            if post is not None:
                posts.append(post)
        if series:
            sketch = self._scores(model, version, start_us, segment, series, key)
            if sketch is not None:
                posts.append(sketch)
        return posts

    def _scores(
        self,
        model: str,
        version: str,
        start_us: int,
        segment: str,
        series: Mapping[str, list[Any]],
        key: str,
    ) -> PerformancePost | None:
        import numpy as np

        from watchkeeper.client._performance_post import scores_post

        answer = self._answer(model, version) or {}
        columns = {name: np.concatenate(blocks) for name, blocks in series.items()}
        start = datetime.fromtimestamp(start_us / 1_000_000, UTC)
        try:
            if list(columns) == [""]:
                values = columns[""][~np.isnan(columns[""])]
                if not values.size:
                    return None
                regression = answer.get("kind") == "regression"
                return scores_post(model, version, start, values, regression=regression,
                                   segment=segment or None, idempotency_key=key)  # fmt: skip
            classes = sorted(name for name in columns if name)
            matrix = np.column_stack([columns[name] for name in classes])
            matrix = matrix[~np.isnan(matrix).any(axis=1)]
            if not matrix.size:
                return None
            return scores_post(model, version, start, matrix, classes=classes,
                               segment=segment or None, idempotency_key=key)  # fmt: skip
        except Exception as error:  # scores the sketch cannot hold
            self._warn(
                f"scores {model} {version}",
                f"the scores of {model!r} {version!r} could not be sketched "
                f"({type(error).__name__}: {error}); they are not posted",
            )
            return None

    def post(
        self,
        model: str,
        version: str,
        start_us: int,
        segment: str,
        rows: tuple[list[Any], list[Any], list[Any]],
        key: str,
    ) -> PerformancePost | None:
        """The post of one window's (labels, predictions, scores), or None (warned)."""
        from watchkeeper.client._performance_post import performance_post

        answer = self._answer(model, version)
        if answer is None:
            return None
        labels, predictions, scores = rows
        regression = answer.get("kind") == "regression"
        classes = None if regression else answer.get("classes") or _classes(labels, predictions)
        start = datetime.fromtimestamp(start_us / 1_000_000, UTC)
        try:
            return performance_post(
                model,
                version,
                start,
                labels,
                predictions,
                None if classes is None else _scores(scores, classes),
                classes=classes,
                edges=answer.get("edges"),
                segment=segment or None,
                idempotency_key=key,
            )
        except Exception as error:  # a label the profile cannot hold
            self._warn(
                f"performance {model} {version}",
                f"the labels of {model!r} {version!r} could not be profiled "
                f"({type(error).__name__}: {error}); they are not posted",
            )
            return None


def block_counters(
    blocks: list[Columns], kinds: Mapping[str, str], bias: Bias
) -> dict[str, GroupCounters] | None:
    """The group counters of each sensitive column over the rows of ``blocks`` that have
    a prediction, as the server counts a window's records (labels NaN where none); None
    when a block does not carry every row's prediction (a frame's), {} without rows."""
    if any(block.predicted is None or block.truth is None for block in blocks):
        return None
    import numpy as np

    from watchkeeper.fairness import count_groups

    columns, positive_label = bias
    numeric = [name for name, kind in kinds.items() if kind == "numeric"]
    predicted: list[Any] = []
    truth: list[Any] = []
    values: dict[str, list[Any]] = {column: [] for column in columns}
    for block in blocks:
        assert block.predicted is not None and block.truth is not None
        labels = [np.nan if label is None else label for label in block.truth]
        rows = [i for i, p in enumerate(block.predicted) if p is not None]
        predicted += [block.predicted[i] for i in rows]
        truth += [labels[i] for i in rows]
        for column in columns:
            if kinds[column] == "numeric":
                floats = block.numeric[:, numeric.index(column)].tolist()
                given = [None if v != v else v for v in floats]  # NaN was None
            else:
                given = block.others[column]
            values[column] += [given[i] for i in rows]
    if not predicted:
        return {}
    return {
        column: count_groups(truth, predicted, sensitive_features={column: values[column]},
                             positive_label=positive_label)
        for column in columns
    }  # fmt: skip


def _classes(labels: list[Any], predictions: list[Any]) -> list[Any]:
    seen = set(labels) | {p for p in predictions if p is not None}
    try:
        return sorted(seen)
    except TypeError:  # classes of mixed types
        return sorted(seen, key=str)


def _scores(scores: list[Any], classes: list[Any]) -> Any:
    """One score per row for two classes, a row per class otherwise; None when a row
    has no score."""
    if not scores or any(score is None for score in scores):
        return None
    if all(isinstance(score, int | float) and not isinstance(score, bool) for score in scores):
        return scores if len(classes) == 2 else None
    if not all(isinstance(score, Mapping) for score in scores):
        return None
    from watchkeeper.performance._profiles import class_key

    keys = [class_key(c) for c in classes]
    matrix = []
    for score in scores:
        by_key = {class_key(name): value for name, value in score.items()}
        row = [by_key.get(key) for key in keys]
        if any(value is None for value in row):
            return None
        matrix.append(row)
    return matrix
