"""Post the lake join's performance profiles to a watchkeeper server (issue 16).

:func:`monitor_performance` reads what the version's performance profiles are counted on
(``GET /v1/models/{model}/versions/{version}/performance-edges``: kind, classes, edges,
window length), joins predictions with their late labels and profiles every (window,
segment) on the executors (:mod:`._performance`), and posts one profile each to
``POST /v1/models/{model}/performance-profiles``. The server counts a profile's rows as
labels in its segment's window and in the all-traffic window, and computes the windows'
realized performance from them at close, as if the labelled rows had been sent.

:func:`performance_stream_sink` does it for each micro-batch of a stream of labels
(``foreachBatch``); every post carries an ``Idempotency-Key`` made of the run id, the
batch id, the window and the segment, so a micro-batch Spark replays counts once on the
server (whatever driver replays it).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from watchkeeper._exceptions import InputError
from watchkeeper.integrations.spark._performance import (
    Key,
    PerformanceProfile,
    join_spec,
    joined,
    profiles_by_key,
)

__all__ = ["PerformanceResult", "monitor_performance", "performance_stream_sink"]


@dataclass(frozen=True)
class PerformanceResult:
    """What a run posted: ``(window start, segment or None, labelled rows)`` per profile."""

    posted: tuple[tuple[datetime, str | None, int], ...]

    @property
    def n_rows(self) -> int:
        """Labelled rows of every posted profile (each row is in one profile)."""
        return sum(rows for _, _, rows in self.posted)


def _client(url: str, api_key: str | None, transport: Any) -> Any:
    import httpx

    key = api_key if api_key is not None else os.environ.get("WATCHKEEPER_API_KEY")
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.Client(base_url=url.rstrip("/"), headers=headers, timeout=60,
                        transport=transport)  # fmt: skip


def _options(
    edges: dict[str, Any], classes: Sequence[Any] | None, window: str | timedelta | None
) -> tuple[tuple[Any, ...] | None, timedelta]:
    """The classes and window the server counts on, checked against the caller's."""
    from watchkeeper.performance._profiles import class_key
    from watchkeeper.service._settings import parse_duration

    server_window = timedelta(seconds=float(edges["window_seconds"]))
    if window is not None and parse_duration(window) != server_window:
        raise InputError(
            f"window={window!r} but the model has windows of {server_window} on the server; "
            "pass the server's window or leave window out"
        )
    if edges["kind"] == "regression":
        if classes is not None:
            raise InputError("the model is a regressor on the server; leave classes out")
        return None, server_window
    declared = edges.get("classes")
    if declared is None and classes is None:
        raise InputError("the model declares no classes on the server; give classes=[...]")
    given = None if classes is None else [class_key(c) for c in classes]
    if declared is not None and given is not None and given != list(declared):
        raise InputError(
            f"classes={list(classes or ())} but the model declares {declared}; give the "
            "declared classes in that order (or leave classes out)"
        )
    chosen = declared if classes is None else classes
    return tuple(chosen or ()), server_window


def _post_profiles(
    http: Any,
    found: dict[Key, PerformanceProfile],
    *,
    model: str,
    version: str,
    run: str,
) -> PerformanceResult:
    from watchkeeper.client._performance_post import profile_post
    from watchkeeper.integrations.spark._monitor import _post

    posted = []
    for (window, segment), profile in sorted(found.items()):
        start = datetime.fromtimestamp(window / 1_000_000, UTC)
        ident = hashlib.sha256(f"{run}|{model}|{version}|{window}|{segment}".encode()).hexdigest()
        post = profile_post(model, version, start, profile, segment=segment or None,
                            idempotency_key=f"spark-perf-{ident[:40]}")  # fmt: skip
        response = _post(http, post.path, post.body, post.headers)
        if not response.is_success:
            raise InputError(
                f"posting the performance profile of window {start.isoformat()} segment "
                f"{segment!r} answered {response.status_code}: {response.text[:300]}"
            )
        posted.append((start, segment or None, profile.n_rows))
    return PerformanceResult(tuple(posted))


def monitor_performance(
    predictions: Any,
    labels: Any,
    *,
    url: str,
    model: str,
    version: str,
    on: str,
    time_column: str,
    target: str,
    prediction: str,
    scores: Sequence[str] = (),
    classes: Sequence[Any] | None = None,
    window: str | timedelta | None = None,
    segment_columns: Iterable[str] = (),
    api_key: str | None = None,
    run_id: str | None = None,
    transport: Any = None,
) -> PerformanceResult:
    """Join ``predictions`` with ``labels`` on ``on``, profile per window and segment, post.

    The columns are those of :func:`~watchkeeper.integrations.spark.performance_profiles`.
    The edges, the window length and (when the model declares them) the classes are the
    server's; ``classes`` and ``window``, when given, must agree with them. ``api_key``
    defaults to ``WATCHKEEPER_API_KEY`` (scope ``ingest``). The server adds what it is
    sent, so post each label once: pass the labels that landed since the last run, and
    a ``run_id`` naming them (e.g. their date partition) so that running the same labels
    again counts once (default: a new id per call). The same ``run_id`` with other labels
    is taken for a retry and ignored. Needs pyspark and httpx.
    """
    from watchkeeper.client._performance_post import fetch_performance_edges
    from watchkeeper.integrations.spark._profile import _pyspark, _worker_python

    _pyspark()
    with _client(url, api_key, transport) as http:
        edges = fetch_performance_edges(http, model, version)
        chosen, server_window = _options(edges, classes, window)
        spec = join_spec(
            predictions.columns, labels.columns, on=on, time_column=time_column,
            target=target, prediction=prediction, classes=chosen, scores=scores,
            window=server_window, edges=edges["edges"], segment_columns=tuple(segment_columns),
        )  # fmt: skip
        _worker_python(predictions)
        found = profiles_by_key(joined(predictions, labels, spec), spec)
        return _post_profiles(
            http, found, model=model, version=version, run=run_id or os.urandom(8).hex()
        )


def performance_stream_sink(
    predictions: Any,
    *,
    url: str,
    model: str,
    version: str,
    run_id: str,
    **options: Any,
) -> Callable[[Any, int], None]:
    """A ``foreachBatch`` function: each micro-batch of labels joined with ``predictions``
    and its profiles posted (see :func:`monitor_performance` for ``options``).

    ``run_id`` should be stable for the query (its checkpoint's): a micro-batch Spark
    replays posts the same idempotency keys and counts once.

    >>> sink = performance_stream_sink(None, url="http://wk:8000", model="churn",
    ...                                version="v3", run_id="labels-stream", on="id",
    ...                                time_column="ts", target="label", prediction="pred")
    >>> callable(sink)
    True
    """

    def each(batch: Any, batch_id: int) -> None:
        monitor_performance(
            predictions, batch, url=url, model=model, version=version,
            run_id=f"{run_id}/{batch_id}", **options,
        )  # fmt: skip

    return each
