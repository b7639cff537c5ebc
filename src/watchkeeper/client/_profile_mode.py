"""The SDK's profile mode: predictions become per-window profiles on the worker thread.

``Client(url, key, mode="profile")`` keeps the caller's side as it is (a tuple on a
deque). The background thread hands each prediction to :class:`ProfileSink`, which
files it under (model, version, window start, segment), gathers up to
:data:`CHUNK_ROWS` rows per window as columns and feeds them to a
:class:`~watchkeeper.profile.ProfileBuilder` counted on the version's reference bins,
with the window's :class:`~watchkeeper._operations.Operations` (record and error
counts, latency histogram). Every ``profile_interval`` seconds, at ``flush()`` and at
``close()``, each window's profile is posted (``POST /v1/models/{m}/profiles``) and its
builder dropped: the server merges the parts. Memory is bounded by the windows that
received traffic since the last post, not by the traffic.

The bins and the window length come from ``GET .../versions/{v}/reference-profile``,
once per (model, version). A version the server has no reference for is sent as
records (the record path), with a warning. Labels are not in profiles: they are posted
as in record mode and match no stored record (the issue's "labels with the record" is
not done). Building profiles needs the analysis side (numpy, scipy, pyarrow) in the
process; record mode needs only httpx.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from watchkeeper._operations import HEADER, Operations

if TYPE_CHECKING:
    import httpx

    from watchkeeper.profile import Profile, ProfileBuilder

__all__ = ["CHUNK_ROWS", "PROFILE_MEDIA_TYPE", "ProfilePost", "ProfileSink"]

PROFILE_MEDIA_TYPE = "application/vnd.watchkeeper.profile"
CHUNK_ROWS = 8192
_Pair = tuple[str, str]
_Key = tuple[str, str, int, str]  # model, version, window start (us), segment


@dataclass(frozen=True)
class ProfilePost:
    """One window's profile, ready to post (the same body and key on every retry)."""

    path: str
    body: bytes
    headers: dict[str, str]
    n_records: int


@dataclass
class _Target:
    reference: Profile
    window_us: int
    kinds: dict[str, str]


@dataclass
class _Window:
    target: _Target
    features: list[dict[str, Any]] = field(default_factory=list)
    latencies: list[float | None] = field(default_factory=list)
    errors: int = 0
    operations: Operations = field(default_factory=Operations)
    builder: ProfileBuilder | None = None


_SEGMENTS: dict[tuple[Any, ...], str] = {}


def _segment(segment: Any) -> str:
    """As the server files records: key=value sorted by key, booleans as true/false
    (memoised: a service has few segments and this runs once per prediction)."""
    if not segment:
        return ""
    try:
        key = tuple(segment.items())
        found = _SEGMENTS.get(key)
    except TypeError:  # a value that cannot be hashed
        return _segment_text(segment)
    if found is None:
        found = _segment_text(segment)
        if len(_SEGMENTS) < 10_000:
            _SEGMENTS[key] = found
    return found


def _segment_text(segment: Any) -> str:
    parts = []
    for key in sorted(segment):
        value = segment[key]
        if value is None:
            continue
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        parts.append(f"{key}={text}")
    return ",".join(parts)


def _micros(stamp: float | datetime) -> int:
    if isinstance(stamp, datetime):
        moment = stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp
        return int(moment.timestamp() * 1_000_000)
    return int(stamp * 1_000_000)


def _numeric_matrix(rows: list[dict[str, Any]], names: list[str]) -> Any:
    """The numeric features of ``rows`` as one float matrix (None-as-NaN), in one C-level
    pass per row; None when a row lacks one or holds a non-number (read column by column
    then, which says what is wrong)."""
    if not names:
        return None
    from operator import itemgetter

    import numpy as np

    get = itemgetter(*names)
    try:
        values = list(map(get, rows))
        matrix = np.array(values, dtype=np.float64)
    except (KeyError, TypeError, ValueError):
        return None
    return matrix.reshape(len(rows), len(names))


def _operations(latencies: list[float | None], errors: int) -> Operations:
    """The aggregates of a chunk: counts, and the latency histogram by numpy."""
    import numpy as np

    from watchkeeper._operations import LOG_RATIO, LOWEST_MS, MAX_BIN

    ops = Operations(n_records=len(latencies), n_errors=errors)
    values = np.array(latencies, dtype=np.float64)  # None becomes NaN
    values = values[np.isfinite(values) & (values >= 0)]
    if values.size:
        # bin_of, vectorised
        with np.errstate(divide="ignore"):
            index = 1 + np.floor(np.log(values / LOWEST_MS) / LOG_RATIO)
        index = np.where(values <= LOWEST_MS, 0, np.minimum(index, MAX_BIN)).astype(np.int64)
        bins, counts = np.unique(index, return_counts=True)
        ops.latency = dict(zip(bins.tolist(), counts.tolist(), strict=True))
    return ops


class ProfileSink:
    """Open windows' profiles of the predictions given to :meth:`add`; see the module."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        warn: Callable[[str, str], None],
        chunk_rows: int = CHUNK_ROWS,
    ) -> None:
        self._http = http
        self._warn = warn
        self._chunk_rows = chunk_rows
        self._targets: dict[_Pair, _Target | None] = {}
        self._windows: dict[_Key, _Window] = {}
        self._prefix = os.urandom(8).hex()
        self._sequence = 0

    @property
    def open_windows(self) -> int:
        return len(self._windows)

    def _target(self, pair: _Pair) -> _Target | None:
        if pair in self._targets:
            return self._targets[pair]
        from watchkeeper.profile import Profile

        model, version = pair
        path = f"/v1/models/{quote(model)}/versions/{quote(version)}/reference-profile"
        target: _Target | None = None
        try:
            response = self._http.get(path)
            if response.is_success:
                reference = Profile.from_bytes(response.content, source=path)
                seconds = float(response.headers.get("Watchkeeper-Window-Seconds", "3600"))
                kinds = {spec.name: spec.kind.value for spec in reference.schema}
                target = _Target(reference, int(seconds * 1_000_000), kinds)
            else:
                self._warn(
                    f"reference {pair}",
                    f"GET {path} answered {response.status_code}; the predictions of "
                    f"{model!r} {version!r} are sent as records",
                )
        except Exception as error:  # the host application comes first
            self._warn(
                f"reference {pair}",
                f"GET {path} failed ({type(error).__name__}); the predictions of {model!r} "
                f"{version!r} are sent as records",
            )
        self._targets[pair] = target
        return target

    def route(
        self, batch: Iterable[tuple[Any, ...]], pairs: set[tuple[Any, Any]]
    ) -> tuple[list[tuple[Any, ...]], int, str]:
        """Profile the predictions of ``batch`` (their (model, version) go to ``pairs``);
        returns what goes on as records, how many were lost and why."""
        rest: list[tuple[Any, ...]] = []
        profiled: list[tuple[Any, ...]] = []
        for item in batch:
            if item[0] == "p" and item[1] is not None and item[2] is not None:
                pairs.add((item[1], item[2]))
                profiled.append(item)
            else:
                rest.append(item)
        try:
            rest += self.add(profiled)
        except Exception:
            return rest, len(profiled), traceback.format_exc()
        return rest, 0, ""

    def add(self, items: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """Profile prediction tuples; returns those of versions sent as records."""
        rest: list[tuple[Any, ...]] = []
        windows = self._windows
        targets = self._targets
        chunk = self._chunk_rows
        for item in items:
            model, version, stamp = item[1], item[2], item[4]
            target = targets.get((model, version)) or self._target((model, version))
            if target is None:
                rest.append(item)
                continue
            micros = int(stamp * 1_000_000) if type(stamp) is float else _micros(stamp)
            key = (model, version, micros - micros % target.window_us, _segment(item[10]))
            window = windows.get(key)
            if window is None:
                window = windows[key] = _Window(target)
            window.features.append(item[5])
            window.latencies.append(item[8])
            if item[9]:
                window.errors += 1
            if len(window.features) >= chunk:
                self._update(window)
        return rest

    def _update(self, window: _Window) -> None:
        import pyarrow as pa

        from watchkeeper.profile import ProfileBuilder

        rows, window.features = window.features, []
        latencies, window.latencies = window.latencies, []
        errors, window.errors = window.errors, 0
        if not rows:
            return
        window.operations = window.operations.merge(_operations(latencies, errors))
        kinds = window.target.kinds
        numeric = [name for name, kind in kinds.items() if kind == "numeric"]
        columns = dict.fromkeys(kinds)
        matrix = _numeric_matrix(rows, numeric)
        for name, kind in kinds.items():
            if matrix is not None and kind == "numeric":
                columns[name] = pa.array(matrix[:, numeric.index(name)], from_pandas=True)
                continue
            values = [row.get(name) for row in rows]
            if kind == "numeric":
                columns[name] = pa.array(values, pa.float64(), from_pandas=True)
            elif kind == "boolean":
                columns[name] = pa.array(values, pa.bool_())
            else:
                array = pa.array(values)
                columns[name] = array if pa.types.is_string(array.type) else array.cast(pa.string())
        if window.builder is None:
            reference = window.target.reference
            window.builder = ProfileBuilder(reference.schema, bins_from=reference)
        window.builder.update(pa.table(columns))

    def take(self) -> list[ProfilePost]:
        """Every open window's profile as a post; the windows start again empty."""
        posts = []
        windows, self._windows = self._windows, {}
        for (model, version, start, segment), window in windows.items():
            self._update(window)
            if window.builder is None:
                continue
            body = window.builder.build().to_bytes()
            self._sequence += 1
            query: dict[str, str] = {
                "version": version,
                "window_start": datetime.fromtimestamp(start / 1_000_000, UTC).isoformat(),
            }
            if segment:
                query["segment"] = segment
            posts.append(
                ProfilePost(
                    path=f"/v1/models/{quote(model)}/profiles?{urlencode(query)}",
                    body=body,
                    headers={
                        "Content-Type": PROFILE_MEDIA_TYPE,
                        HEADER: window.operations.to_json(),
                        "Idempotency-Key": f"{self._prefix}-{self._sequence:x}",
                    },
                    n_records=window.operations.n_records,
                )
            )
        return posts
