"""The SDK's client: log predictions and labels to a watchkeeper server without waiting.

``log_prediction`` is the hot path: on the caller's thread it builds one tuple and
appends it to a ``collections.deque`` (no lock, no I/O, no JSON), so its cost is a few
microseconds; the background thread of :mod:`._worker` encodes, batches, posts and
retries. Nothing the SDK does on the caller's thread raises into the host application
once the client exists: what cannot be sent is counted in :attr:`Client.stats` and
logged (to the ``watchkeeper.client`` logger, never with the API key).

Record ids. Unless the caller gives one, an id is this client's random 64-bit prefix
(16 hex digits, drawn again in a forked child) and a counter, for example
``'5f0c9a2e7b13d4c6-1a'``: unique without the cost of ``uuid4`` on every call, and
returned so that the label can be logged later under the same id.
"""

from __future__ import annotations

import atexit
import logging
import os
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from operator import itemgetter
from types import TracebackType
from typing import TYPE_CHECKING, Any

from watchkeeper._exceptions import InputError, MissingDependency
from watchkeeper.client._encode import LABEL, PREDICTION, as_table, rows_from_data
from watchkeeper.client._ids import Ids
from watchkeeper.client._worker import ClientStats, Worker

if TYPE_CHECKING:
    import httpx

__all__ = ["Client"]

logger = logging.getLogger("watchkeeper.client")

_CLIENTS: weakref.WeakSet[Client] = weakref.WeakSet()


def _reinit_clients_in_child() -> None:
    for client in list(_CLIENTS):
        client._after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reinit_clients_in_child)


def _positive(name: str, value: float, *, integer: bool = False) -> None:
    kind = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind) or value <= 0:
        word = "a positive integer" if integer else "a positive number"
        raise InputError(
            f"{name}={value!r} is not {word}; pass {name}={'>= 1' if integer else '> 0'}"
        )


class Client:
    """Logs predictions, labels and host metrics to a watchkeeper server in the background.

    Parameters are stored as given; ``api_key`` defaults to the environment variable
    ``WATCHKEEPER_API_KEY`` (read once, here). ``transport`` replaces httpx's network
    transport (tests). The queue holds at most ``max_queue`` records and drops the
    oldest when full (see :mod:`watchkeeper.client._worker`). With ``mode="profile"``
    the background thread sends per-window profiles every ``profile_interval`` seconds
    (and at ``flush()``/``close()``) instead of records (see
    :mod:`watchkeeper.client._profile_mode`). Records go as Arrow IPC batches
    (``wire="arrow"``, falling back to JSON for a batch Arrow cannot type) or as JSON
    (``wire="json"``).

    >>> import httpx
    >>> seen = []
    >>> def server(request):
    ...     seen.append(request.url.path)
    ...     return httpx.Response(200, json={"accepted": 1, "duplicates": 0, "rejected": []})
    >>> with Client("http://wk.test", "KEY", model="churn", version="v1",
    ...             transport=httpx.MockTransport(server)) as client:
    ...     record_id = client.log_prediction({"age": 31}, prediction=1, score=0.8)
    >>> seen  # the batch, then the host's CPU and memory (posted at close too)
    ['/v1/models/churn/predictions', '/v1/models/churn/host-metrics']
    >>> client.stats.sent, client.stats.dropped
    (1, 0)
    """

    def __init__(
        self,
        url: str,
        api_key: str | None = None,
        *,
        model: str | None = None,
        version: str | None = None,
        batch_size: int = 10_000,
        flush_interval: float = 1.0,
        max_queue: int = 100_000,
        timeout: float = 5.0,
        max_retries: int = 5,
        retry_backoff: float = 0.5,
        retry_backoff_max: float = 30.0,
        host_metrics_interval: float | None = 10.0,
        transport: httpx.BaseTransport | None = None,
        mode: str = "records",
        profile_interval: float = 10.0,
        wire: str = "arrow",
    ) -> None:
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise InputError(f"url={url!r} is not an HTTP URL; pass e.g. 'http://localhost:8000'")
        _positive("batch_size", batch_size, integer=True)
        _positive("max_queue", max_queue, integer=True)
        _positive("flush_interval", flush_interval)
        _positive("timeout", timeout)
        _positive("retry_backoff", retry_backoff)
        _positive("retry_backoff_max", retry_backoff_max)
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise InputError(f"max_retries={max_retries!r} is not a count; pass an integer >= 0")
        if host_metrics_interval is not None:
            _positive("host_metrics_interval", host_metrics_interval)
        if mode not in ("records", "profile"):
            raise InputError(f"mode={mode!r} is not a mode; pass mode='records' or 'profile'")
        _positive("profile_interval", profile_interval)
        if wire not in ("arrow", "json"):
            raise InputError(f"wire={wire!r} is not a wire format; pass wire='arrow' or 'json'")
        self.url = url.rstrip("/")
        self.model = model
        self.version = version
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.max_queue = max_queue
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_backoff = retry_backoff
        self.retry_backoff_max = retry_backoff_max
        self.host_metrics_interval = host_metrics_interval
        self.transport = transport
        self.mode = mode
        self.profile_interval = profile_interval
        self.wire = wire
        self._api_key = api_key if api_key is not None else os.environ.get("WATCHKEEPER_API_KEY")
        self._closed = False
        self._start()
        _CLIENTS.add(self)
        atexit.register(self._at_exit)

    def _start(self) -> None:
        try:
            import httpx
        except ImportError:  # pragma: no cover - httpx is in the 'client' extra
            raise MissingDependency("httpx", "client") from None
        headers = {"User-Agent": "watchkeeper-client"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        http = httpx.Client(
            base_url=self.url, headers=headers, timeout=self.timeout, transport=self.transport
        )
        self._worker = Worker(
            http,
            api_key=self._api_key,
            batch_size=self.batch_size,
            flush_interval=self.flush_interval,
            max_queue=self.max_queue,
            timeout=self.timeout,
            max_retries=self.max_retries,
            retry_backoff=self.retry_backoff,
            retry_backoff_max=self.retry_backoff_max,
            host_metrics_interval=self.host_metrics_interval,
            default_pair=(self.model, self.version),
            profile_interval=self.profile_interval if self.mode == "profile" else None,
            arrow=self.wire == "arrow",
        )
        # The hot path reads these as attributes of self, not through the worker.
        self._queue = self._worker.queue
        self._wake = self._worker.wake
        self._ids = Ids()
        # Profile mode, once the reference's columns are known: they are read from the
        # caller's mapping into a tuple (cheaper than copying the mapping, and the
        # background thread no longer looks them up).
        self._columns: Callable[[Mapping[str, Any]], tuple[Any, ...]] | None = None
        sink = self._worker._profiles
        if sink is not None:
            sink.on_columns = self._learn_columns
        # The hot path's one test: at the limit, or closed (the limit is then 0).
        self._limit = 0 if self._closed else self.max_queue
        self._worker.thread.start()

    def _after_fork(self) -> None:
        # The parent's thread does not exist here and its locks may be held: start over,
        # with a new id prefix so that parent and child never share an id.
        if not self._closed:
            self._start()

    def __repr__(self) -> str:
        return f"Client(url={self.url!r}, model={self.model!r}, version={self.version!r})"

    # ---- logging (the caller's thread) ------------------------------------------------

    def log_prediction(
        self,
        features: Mapping[str, Any],
        prediction: Any = None,
        *,
        score: Any = None,
        latency_ms: float | None = None,
        error: bool = False,
        id: str | None = None,  # the wire format's name
        timestamp: float | datetime | None = None,
        segment: Mapping[str, Any] | None = None,
        model: str | None = None,
        version: str | None = None,
        label: Any = None,
    ) -> str:
        """Queue one prediction and return its id; never blocks, never raises.

        ``score`` is a number or a mapping class -> probability; ``timestamp`` is a
        datetime (naive means UTC) or seconds since the epoch, by default now. ``label``
        is the ground truth when it is known already (batch scoring of labelled data):
        in record mode it is sent as a label of this id, in profile mode it is counted
        in the window's performance with the prediction.
        """
        try:
            if id is None:
                id = next(self._ids.current, None) or self._ids.refill()
            queue = self._queue
            if len(queue) >= self._limit:
                self._make_room(PREDICTION, model or self.model, version or self.version)
                if self._closed:
                    return id
            columns = self._columns
            if columns is None or model is not None or version is not None:
                row = features.copy() if type(features) is dict else dict(features)
            else:
                row = self._snapshot(columns, features)
            item = (
                PREDICTION,
                model or self.model,
                version or self.version,
                id,
                time.time() if timestamp is None else timestamp,
                row,
                prediction,
                score,
                latency_ms,
                error,
                segment,
            )
            if label is not None:
                self._enqueue_labelled(item, label)
                return id
            queue.append(item)
            if len(queue) == self.batch_size:
                self._wake.set()
        except Exception:  # (the host application comes first)
            logger.debug("watchkeeper client: log_prediction failed", exc_info=True)
            self._worker.count_dropped((PREDICTION, model or self.model, version or self.version))
        return id or ""

    def _snapshot(self, columns: Callable[[Any], Any], features: Mapping[str, Any]) -> Any:
        """Profile mode: the reference's columns' values of ``features`` (the queue
        keeps those, or a copy: the caller may change its mapping afterwards)."""
        try:
            return columns(features)
        except (KeyError, TypeError):  # a column missing: copies from now on
            self._columns = None
        return features.copy() if type(features) is dict else dict(features)

    def _learn_columns(self, pair: tuple[str, str], names: tuple[str, ...]) -> None:
        # The worker's thread, once per (model, version) with a reference.
        if pair == (self.model, self.version) and len(names) > 1:
            self._columns = itemgetter(*names)

    def _make_room(self, *head: Any) -> None:
        # The slow path of the hot path: closed (the record is dropped) or a full queue.
        if self._closed:
            self._worker.count_dropped(head)
        else:
            self._worker.evict_oldest()

    def _enqueue_labelled(self, item: tuple[Any, ...], label: Any) -> None:
        if self.mode == "profile":
            # The label rides with the prediction: the profile sink counts both.
            self._enqueue((*item, label))
        else:
            self._enqueue(item)
            self._enqueue((LABEL, item[1], None, item[3], label))

    def _enqueue(self, item: tuple[Any, ...]) -> None:
        if self._closed:
            self._worker.count_dropped(item)
            return
        queue = self._queue
        if len(queue) >= self.max_queue:
            self._worker.evict_oldest()
        queue.append(item)
        if len(queue) == self.batch_size:
            self._wake.set()

    def log_predictions(
        self,
        data: Any,
        *,
        feature_columns: Sequence[str] | None = None,
        segment_columns: Sequence[str] = (),
        model: str | None = None,
        version: str | None = None,
    ) -> list[str]:
        """Queue many predictions: a pandas or polars frame, an Arrow table, or mappings.

        Columns ``id``, ``timestamp``, ``prediction``, ``score``, ``latency_ms``,
        ``error`` and ``label`` fill those fields (``label`` as in :meth:`log_prediction`),
        ``score.<class>`` columns the class probabilities, ``segment.<key>`` columns and
        ``segment_columns`` the segment, and the other columns (or only
        ``feature_columns``) the features. A mapping with a ``features`` key is a record
        as on the wire. Returns the ids, in order. Raises
        :class:`~watchkeeper.InputError` for data that is not rows or a frame.

        In profile mode a frame goes on the queue whole, as one entry that the
        background thread profiles column by column (:mod:`._profile_frames`): the
        caller's cost is the ids. Otherwise the conversion to rows runs on the caller's
        thread (one pass through Arrow).
        """
        if self.mode == "profile" and not self._closed:
            queued = self._log_frame(data, feature_columns, segment_columns, model, version)
            if queued is not None:
                return queued
        try:
            rows = rows_from_data(
                data, feature_columns=feature_columns, segment_columns=segment_columns
            )
        except TypeError as error:
            raise InputError(str(error)) from None
        ids: list[str] = []
        for row in rows:
            features = row.get("features") or {}
            label = features.pop("label", None) if "label" in features else row.get("label")
            ids.append(
                self.log_prediction(
                    features,
                    row.get("prediction"),
                    score=row.get("score"),
                    latency_ms=row.get("latency_ms"),
                    error=bool(row.get("error")),
                    id=None if row.get("id") is None else str(row["id"]),
                    timestamp=row.get("timestamp"),
                    segment=row.get("segment"),
                    model=model,
                    version=version,
                    label=label,
                )
            )
        return ids

    def _log_frame(
        self,
        data: Any,
        feature_columns: Sequence[str] | None,
        segment_columns: Sequence[str],
        model: str | None,
        version: str | None,
    ) -> list[str] | None:
        """Profile mode: queue a frame as one entry; None for data the row path takes."""
        from watchkeeper.client._profile_frames import Frame, frame_ok

        table = as_table(data)
        if table is None or table.num_rows == 0 or not frame_ok(table):
            return None
        n = table.num_rows
        if "id" in table.column_names:
            given = table.column("id").to_pylist()
            fresh = iter(self._ids.take(given.count(None)))
            ids = [next(fresh) if value is None else str(value) for value in given]
        else:
            ids = self._ids.take(n)
        columns = None if feature_columns is None else tuple(feature_columns)
        frame = Frame(table, ids, time.time(), columns, tuple(segment_columns))
        self._enqueue((PREDICTION, model or self.model, version or self.version, None, None, frame))
        return ids

    def log_label(self, id: str, label: Any, *, model: str | None = None) -> None:
        """Queue the ground truth of the prediction ``id``; never blocks, never raises."""
        try:
            self._enqueue((LABEL, model or self.model, None, id, label))
        except Exception:  # (the host application comes first)
            logger.debug("watchkeeper client: log_label failed", exc_info=True)

    def log_labels(self, labels: Any, *, model: str | None = None) -> int:
        """Queue labels: a mapping id -> label, ``(id, label)`` pairs, mappings with ``id``
        and ``label`` keys, or a frame (pandas, polars, Arrow) with those columns.

        Returns how many were queued; raises :class:`~watchkeeper.InputError` for data of
        another shape (the caller's mistake, found before anything is queued).
        """
        pairs = _label_pairs(labels)
        for record_id, label in pairs:
            self.log_label(str(record_id), label, model=model)
        return len(pairs)

    # ---- lifecycle ------------------------------------------------------------------

    @property
    def stats(self) -> ClientStats:
        """Counts of records sent, rejected, dropped, failed, retried and queued."""
        return self._worker.stats()

    def flush(self, timeout: float = 10.0) -> bool:
        """Send everything queued so far; True when done within ``timeout`` seconds."""
        return self._worker.flush(timeout)

    def close(self, timeout: float = 10.0) -> bool:
        """Send what is queued (within ``timeout`` seconds) and stop the background thread.

        Returns True when everything was sent; otherwise the rest counts as dropped.
        Later log calls are counted as dropped. Called at interpreter exit if not before.
        """
        if self._closed:
            return not self._queue
        self._closed = True
        self._limit = 0
        atexit.unregister(self._at_exit)
        return self._worker.stop(timeout)

    def _at_exit(self) -> None:
        self.close(timeout=min(self.timeout, 5.0))

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _label_pairs(labels: Any) -> list[tuple[Any, Any]]:
    if isinstance(labels, Mapping):
        return list(labels.items())
    table = as_table(labels)
    if table is not None:
        missing = [name for name in ("id", "label") if name not in table.column_names]
        if missing:
            raise InputError(
                f"the labels frame has no column {missing[0]!r}; name the columns 'id' and 'label'"
            )
        ids, values = table.column("id").to_pylist(), table.column("label").to_pylist()
        return list(zip(ids, values, strict=True))
    pairs: list[tuple[Any, Any]] = []
    for index, entry in enumerate(labels):
        if isinstance(entry, Mapping) and "id" in entry and "label" in entry:
            pairs.append((entry["id"], entry["label"]))
        elif isinstance(entry, tuple | list) and len(entry) == 2:
            pairs.append((entry[0], entry[1]))
        else:
            raise InputError(
                f"label {index} is {entry!r}; pass (id, label) pairs or mappings with "
                "'id' and 'label' keys"
            )
    return pairs
