"""The SDK's background thread: batches the queue, posts it, retries, reports the host.

Queue policy. The queue is a ``collections.deque`` the caller appends to without a
lock. When it holds ``max_queue`` records the caller first evicts the OLDEST record
(counted in ``dropped`` and reported per model and version in the next host-metrics
post) and then appends: logging never blocks and never raises. Oldest, because during
an outage the freshest records describe the model as it is now, and the old ones belong
to windows the server is the most likely to have closed already. The bound is exact for
one logging thread; with several it may be passed by at most one record per thread
caught between the check and the append.

Sending. A batch is posted when ``batch_size`` records are waiting, and whatever waits
is posted every ``flush_interval`` seconds. A 5xx, 408, 429, a timeout or a connection
error is retried up to ``max_retries`` times with exponential backoff and "equal
jitter" (half the delay fixed, half random; a ``Retry-After`` header lengthens it): the
records are safe to resend because the server de-duplicates by record id. Any other 4xx
(a bad key, an unknown model) is not retried: the records count as ``failed`` and the
cause is logged once until a post succeeds again, never with the key. A 413 splits
the batch in two. Records the server refuses one by one count as ``rejected``.

Counts (all records, never requests, except ``retried``): ``sent`` (stored or already
stored), ``rejected``, ``failed``, ``dropped`` (evicted from a full queue, logged after
``close``, or still waiting when ``close`` ran out of time), ``retried`` (retry
attempts) and ``queued`` (waiting now).
"""

from __future__ import annotations

import logging
import random
import threading
import time
import traceback
from collections import deque
from collections.abc import Mapping
from datetime import UTC, datetime
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from watchkeeper.client._answers import ClientStats, detail, json_of, retry_after_seconds
from watchkeeper.client._encode import (
    LABEL,
    PREDICTION,
    dumps,
    encode_label,
)
from watchkeeper.client._host import HostSampler
from watchkeeper.client._posting import Posting
from watchkeeper.client._profile_mode import ProfilePost, ProfileSink

if TYPE_CHECKING:
    import httpx

__all__ = ["ClientStats", "Worker"]

logger = logging.getLogger("watchkeeper.client")

_RETRYABLE_STATUS = frozenset({408, 429})
_HEAD = itemgetter(0, 1, 2)  # kind, model, version of a queued item
_Pair = tuple[str | None, str | None]


class _Abandon(Exception):  # noqa: N818 (control flow, never leaves this module)
    """close() ran out of time while a batch was being sent."""


class Worker(Posting):
    """The queue and the thread that empties it; see the module docstring."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        api_key: str | None,
        batch_size: int,
        flush_interval: float,
        max_queue: int,
        timeout: float,
        max_retries: int,
        retry_backoff: float,
        retry_backoff_max: float,
        host_metrics_interval: float | None,
        default_pair: _Pair,
        sampler: HostSampler | None = None,
        rng: random.Random | None = None,
        profile_interval: float | None = None,
        arrow: bool = True,
    ) -> None:
        self.queue: deque[tuple[Any, ...]] = deque()
        self.wake = threading.Event()
        self._http = http
        self._api_key = api_key
        self._batch_size = batch_size
        self._flush_interval = flush_interval
        self._max_queue = max_queue
        self._timeout = timeout
        self._max_retries = max_retries
        self._backoff = retry_backoff
        self._backoff_max = retry_backoff_max
        self._host_interval = host_metrics_interval
        self._sampler = sampler if sampler is not None else HostSampler()
        self._rng = rng if rng is not None else random.Random()
        self._default_pair = default_pair
        self._arrow = arrow
        self._pairs: set[_Pair] = set()
        if None not in default_pair:
            self._pairs.add(default_pair)
        # Counters only the worker thread changes.
        self._sent = self._rejected = self._retried = self._failed = 0
        # Counters callers change too, under this lock (the slow path only).
        self._lock = threading.Lock()
        self._dropped = 0
        self._drops_by_pair: dict[_Pair, int] = {}
        # Cycle bookkeeping for flush() and close().
        self._cond = threading.Condition()
        self._started = self._completed = 0
        self._flush_requested = False
        self._stopping = False
        self._deadline = float("inf")
        self._abandon = threading.Event()
        self._interrupt = threading.Event()  # close() cuts a backoff wait short
        self._abandoned = 0  # records given up at close: stop() then answers False
        self._warned: set[str] = set()
        self._next_partial = time.monotonic() + flush_interval
        self._next_host = (
            time.monotonic() + host_metrics_interval if host_metrics_interval else float("inf")
        )
        # Profile mode (issue 16): predictions become window profiles, posted this often.
        self._profiles = (
            None if profile_interval is None else ProfileSink(http, warn=self._warn_once)
        )
        self._profile_interval = profile_interval or float("inf")
        self._next_profiles = time.monotonic() + self._profile_interval
        self.thread = threading.Thread(target=self._run, name="watchkeeper-client", daemon=True)

    # ---- called from the caller's threads -------------------------------------------

    def evict_oldest(self) -> None:
        """Make room in a full queue by dropping its oldest record (counted)."""
        with self._lock:
            if len(self.queue) < self._max_queue:
                return
            try:
                item = self.queue.popleft()
            except IndexError:
                return
            self._count_drop(item)

    def count_dropped(self, item: tuple[Any, ...]) -> None:
        """Count a record that will never be sent (logged after close)."""
        with self._lock:
            self._count_drop(item)

    def _count_drop(self, item: tuple[Any, ...]) -> None:
        self._dropped += 1
        pair: _Pair = (item[1], item[2]) if item[0] == PREDICTION else (item[1], None)
        self._drops_by_pair[pair] = self._drops_by_pair.get(pair, 0) + 1

    def stats(self) -> ClientStats:
        with self._lock:
            dropped = self._dropped
        return ClientStats(
            sent=self._sent,
            rejected=self._rejected,
            dropped=dropped,
            retried=self._retried,
            failed=self._failed,
            queued=len(self.queue),
        )

    def flush(self, timeout: float) -> bool:
        """Wait until every record queued before this call has been sent or given up."""
        if not self.thread.is_alive():
            return not self.queue
        with self._cond:
            target = self._started + 1
            self._flush_requested = True
            self.wake.set()
            return self._cond.wait_for(lambda: self._completed >= target, timeout)

    def stop(self, timeout: float) -> bool:
        """Send what is queued within ``timeout`` seconds, then end the thread.

        Returns True when everything queued was sent (or answered) in time; what was
        still waiting at the deadline counts as dropped.
        """
        with self._cond:
            # The thread's own deadline comes a little early, so that it has given up
            # (and counted what it gave up) by the time join() stops waiting.
            self._deadline = time.monotonic() + 0.9 * timeout
            self._stopping = True
            self.wake.set()
            self._interrupt.set()
        if self.thread.is_alive():
            self.thread.join(timeout)
        if self.thread.is_alive():
            # The thread is inside a request bounded by the deadline; let it go on alone.
            self._abandon.set()
            return False
        return not self.queue and not self._abandoned

    # ---- the worker thread ----------------------------------------------------------

    def _run(self) -> None:
        try:
            while True:
                self.wake.wait(self._wait_seconds())
                self.wake.clear()
                with self._cond:
                    self._started += 1
                    final = self._stopping
                    forced = final or self._flush_requested
                    self._flush_requested = False
                try:
                    self._cycle(forced=forced, final=final)
                finally:
                    with self._cond:
                        self._completed += 1
                        self._cond.notify_all()
                if final:
                    break
        except _Abandon:
            pass
        except Exception:
            # Never into the host application: log, and count what can no longer go.
            self._log(logging.ERROR, f"the background thread stopped:\n{traceback.format_exc()}")
        finally:
            self._drop_remaining()
            self._http.close()

    def _wait_seconds(self) -> float:
        if self._stopping or len(self.queue) >= self._batch_size:
            return 0.0
        now = time.monotonic()
        return max(0.0, min(self._next_partial, self._next_host, self._next_profiles) - now)

    def _drop_remaining(self) -> None:
        while True:
            try:
                item = self.queue.popleft()
            except IndexError:
                return
            self._abandoned += 1
            self.count_dropped(item)

    def _cycle(self, *, forced: bool, final: bool) -> None:
        now = time.monotonic()
        due = forced or now >= self._next_partial
        # Only what was queued when the cycle began: a flush must end under steady load.
        remaining = len(self.queue)
        while remaining > 0 and (due or remaining >= self._batch_size):
            take = min(remaining, self._batch_size)
            batch: list[tuple[Any, ...]] = []
            append, popleft = batch.append, self.queue.popleft
            try:
                for _ in range(take):
                    append(popleft())
            except IndexError:  # evicted meanwhile by a caller: the queue is empty
                remaining = len(batch)
            remaining -= len(batch)
            if not batch:
                break
            try:
                self._send_batch(batch)
            except _Abandon:
                self._abandoned += len(batch)
                for item in batch:
                    self.count_dropped(item)
                raise
            except Exception:
                # A bug of ours or of a library must cost this batch, not the thread:
                # the host application would otherwise fill a queue nobody empties.
                self._failed += len(batch)
                self._warn_once("internal", f"a batch was lost:\n{traceback.format_exc()}")
        if due:
            self._next_partial = time.monotonic() + self._flush_interval
        if self._profiles is not None and (forced or time.monotonic() >= self._next_profiles):
            self._post_profiles(self._profiles.take())
            self._next_profiles = time.monotonic() + self._profile_interval
        if final or time.monotonic() >= self._next_host:
            self._post_host_metrics()
            if self._host_interval:
                self._next_host = time.monotonic() + self._host_interval

    def _send_batch(self, batch: list[tuple[Any, ...]]) -> None:
        if self._profiles is not None:
            batch = self._profile_batch(self._profiles, batch)
        if batch and len(set(map(_HEAD, batch))) == 1:
            kind, model, version = batch[0][:3]
            if kind == PREDICTION and model is not None and version is not None:
                # The usual batch (one model and version, predictions only), without a
                # Python step per record.
                self._pairs.add((model, version))
                self._post_predictions(model, version, batch)
                return
        predictions: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
        labels: dict[str, list[dict[str, Any]]] = {}
        for item in batch:
            kind, model, version = item[0], item[1], item[2]
            if model is None or (kind == PREDICTION and version is None):
                self._failed += 1
                what = "model" if model is None else "version"
                self._warn_once(
                    f"no-{what}",
                    f"a record has no {what}: pass {what}= to Client(...) or to the log call; "
                    "such records are counted as failed",
                )
            elif kind == PREDICTION:
                self._pairs.add((model, version))
                predictions.setdefault((model, version), []).append(item)
            elif kind == LABEL:
                labels.setdefault(model, []).append(encode_label(item))
        for (model, version), items in predictions.items():
            self._post_predictions(model, version, items)
        for model, pairs in labels.items():
            self._post_records(f"/v1/models/{model}/labels", "labels", pairs, None)

    def _profile_batch(
        self, sink: ProfileSink, batch: list[tuple[Any, ...]]
    ) -> list[tuple[Any, ...]]:
        """Hand the predictions to the profile sink; what it does not take goes on."""
        rest, lost, problem = sink.route(batch, self._pairs)
        if lost:
            # A value a profile cannot hold (text in a numeric feature) costs the batch.
            self._failed += lost
            self._warn_once("profile", f"predictions were lost:\n{problem}")
        return rest

    def _post_profiles(self, posts: list[ProfilePost]) -> None:
        for post in posts:
            try:
                response = self._post(
                    post.path, post.body, retries=self._max_retries, headers=post.headers
                )
            except _Abandon:
                self._abandoned += post.n_records
                raise
            if response is not None and response.is_success:
                self._sent += post.n_records
                continue
            self._failed += post.n_records
            if response is not None:
                self._warn_once(
                    f"profiles HTTP {response.status_code}",
                    f"POST {post.path} answered {response.status_code} "
                    f"({detail(json_of(response), response)}); {post.n_records} records "
                    "counted as failed",
                )

    def _post(
        self,
        path: str,
        data: bytes,
        *,
        retries: int,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response | None:
        """POST with retries; None when every attempt failed in a retryable way."""
        import httpx

        attempt = 0
        while True:
            timeout = self._timeout
            if self._stopping:
                timeout = min(timeout, self._deadline - time.monotonic())
                if timeout <= 0:
                    raise _Abandon
            retry_after: float | None = None
            try:
                response = self._http.post(
                    path,
                    content=data,
                    headers=headers or {"Content-Type": "application/json"},
                    timeout=timeout,
                )
            except httpx.TransportError as error:
                if self._stopping and time.monotonic() >= self._deadline:
                    raise _Abandon from None
                reason = f"{type(error).__name__}: {error}"
            else:
                status = response.status_code
                if status < 500 and status not in _RETRYABLE_STATUS:
                    if response.is_success:
                        self._warned = {key for key in self._warned if path not in key}
                    return response
                reason = f"HTTP {status} ({detail(json_of(response), response)})"
                retry_after = retry_after_seconds(response)
            if attempt >= retries:
                self._warn_once(
                    f"gave-up {path}",
                    f"POST {path} failed after {attempt + 1} attempts, last: {reason}",
                )
                return None
            attempt += 1
            self._retried += 1
            self._log(logging.DEBUG, f"retry {attempt} of POST {path} after {reason}")
            delay = min(self._backoff_max, self._backoff * 2 ** (attempt - 1))
            delay = delay / 2 + self._rng.uniform(0, delay / 2)
            if retry_after is not None:
                delay = max(delay, min(retry_after, self._backoff_max))
            waiter = self._interrupt
            if self._stopping:
                delay = min(delay, max(0.0, self._deadline - time.monotonic()))
                waiter = self._abandon
            if waiter.wait(delay) and waiter is self._abandon:
                raise _Abandon

    def _post_host_metrics(self) -> None:
        if not self._host_interval or not self._pairs:
            return
        sample = self._sampler.sample()
        stamp = datetime.now(UTC).isoformat()
        with self._lock:
            drops = dict(self._drops_by_pair)
        models_done: set[str] = set()
        for model, version in sorted(self._pairs, key=str):
            if model is None or version is None:
                continue
            own = drops.get((model, version), 0)
            # Labels have no version: their drops go with the model's first version.
            labels = 0 if model in models_done else drops.get((model, None), 0)
            models_done.add(model)
            point = {
                "timestamp": stamp,
                "cpu_percent": sample.cpu_percent,
                "memory_bytes": sample.memory_bytes,
                "dropped": own + labels,
            }
            data = dumps({"version": version, "points": [point]})
            try:
                response = self._post(f"/v1/models/{model}/host-metrics", data, retries=0)
            except _Abandon:
                return
            if response is None or not response.is_success:
                continue  # the drops stay counted for the next post
            with self._lock:
                for key, reported in (((model, version), own), ((model, None), labels)):
                    left = self._drops_by_pair.get(key, 0) - reported
                    if left > 0:
                        self._drops_by_pair[key] = left
                    else:
                        self._drops_by_pair.pop(key, None)

    def _warn_once(self, key: str, message: str) -> None:
        if key in self._warned:
            return
        self._warned.add(key)
        self._log(logging.WARNING, message)

    def _log(self, level: int, message: str) -> None:
        # Whatever a server or an exception says, the key is not written anywhere.
        if self._api_key:
            message = message.replace(self._api_key, "***")
        logger.log(level, "watchkeeper client: %s", message)
