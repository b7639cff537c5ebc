"""The SDK's profile mode: predictions become per-window profiles on the worker thread.

``Client(url, key, mode="profile")`` keeps the caller's side as it is (a tuple on a
deque). The background thread hands the drained batches to :class:`ProfileSink`, which
files each prediction under (model, version, window start, segment), gathers up to
:data:`CHUNK_ROWS` rows per window as columns and feeds them to a
:class:`~watchkeeper.profile.ProfileBuilder` counted on the version's reference bins,
with the window's :class:`~watchkeeper._operations.Operations` (record and error
counts, latency histogram). Every ``profile_interval`` seconds, at ``flush()`` and at
``close()``, each window's profile is posted (``POST /v1/models/{m}/profiles``) and its
builder dropped: the server merges the parts. Memory is bounded by the windows that
received traffic since the last post, not by the traffic.

The bins and the window length come from ``GET .../versions/{v}/reference-profile``,
once per (model, version). A version the server has no reference for is sent as
records (the record path), with a warning. Labels that come with the prediction
(``log_prediction(..., label=y)``: batch scoring of labelled data) are gathered per
window and posted beside its profile as a performance profile
(:mod:`._profile_labels`), as are its score sketches and, for a version with sensitive
columns, its bias group counters; labels logged later by id (``log_label``) match no stored
record in profile mode. Building profiles needs the analysis side (numpy, scipy,
pyarrow) in the process; record mode needs only httpx.

The work per batch is columnwise (:mod:`._profile_columns`): the rows of a drained
batch are grouped by (window, segment) once, and each window's rows wait as column
blocks until :data:`CHUNK_ROWS` of them make one builder update. Once the reference's
columns are known, the client's thread keeps each prediction's values of those columns
as a tuple (``on_columns``) instead of a copy of the caller's mapping.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from watchkeeper._operations import HEADER, Operations
from watchkeeper.client._encode import LABEL, PREDICTION

if TYPE_CHECKING:
    import httpx

    from watchkeeper.client._profile_columns import Columns
    from watchkeeper.client._profile_labels import Bias, LabelPoster
    from watchkeeper.fairness import GroupCounters
    from watchkeeper.profile import Profile, ProfileBuilder

__all__ = ["CHUNK_ROWS", "PROFILE_MEDIA_TYPE", "ProfilePost", "ProfileSink"]

PROFILE_MEDIA_TYPE = "application/vnd.watchkeeper.profile"
CHUNK_ROWS = 8192
_Pair = tuple[str, str]
_Key = tuple[str, str, int, str]  # model, version, window start (us), segment
_HEAD = itemgetter(0, 1, 2)  # kind, model, version
_PLAIN = 11  # fields of a prediction tuple; a labelled one has the label after them
_FRAME = 6  # fields of a frame entry (see _profile_frames)


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
    #: What the window's score sketches are of: "score", "prediction" (a regressor) or
    #: None (the server has no score profiles).
    series: str | None = None
    #: The sensitive columns and positive label of the window's bias counters (None:
    #: the version has none).
    bias: Bias | None = None


@dataclass
class _Window:
    target: _Target
    blocks: list[Columns] = field(default_factory=list)
    waiting: int = 0  # rows in blocks
    operations: Operations = field(default_factory=Operations)
    builder: ProfileBuilder | None = None
    labels: list[Any] = field(default_factory=list)
    predictions: list[Any] = field(default_factory=list)
    scores: list[Any] = field(default_factory=list)
    series: dict[str, list[Any]] = field(default_factory=dict)
    #: Group counters of the rows fed so far (None once a block could not be counted).
    counters: dict[str, GroupCounters] | None = field(default_factory=dict)


def _operations(latencies: Any, errors: int) -> Operations:
    """The aggregates of a chunk: counts, and the latency histogram by numpy (latencies
    as a float array or a list, None or NaN for none)."""
    import numpy as np

    from watchkeeper._operations import LOG_RATIO, LOWEST_MS, MAX_BIN

    ops = Operations(n_records=len(latencies), n_errors=errors)
    values = np.asarray(latencies, dtype=np.float64)  # None becomes NaN
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
    """Open windows' profiles of the predictions given to :meth:`route`; see the module."""

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
        #: Told (model, version) and the reference's columns once they are known: the
        #: client then hands over those values as a tuple instead of a dict copy.
        self.on_columns: Callable[[_Pair, tuple[str, ...]], None] | None = None
        self._labels: LabelPoster | None = None

    @property
    def open_windows(self) -> int:
        """Windows that received predictions since the last :meth:`take`."""
        return len(self._windows)

    @property
    def builders(self) -> int:
        """Profile builders held now (at most one per open window)."""
        return sum(window.builder is not None for window in self._windows.values())

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
                target.series = self._poster().series_of(model, version)
                target.bias = self._poster().bias_of(model, version, kinds)
                if self.on_columns is not None:
                    self.on_columns(pair, tuple(kinds))
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
        self, batch: list[tuple[Any, ...]], pairs: set[tuple[Any, Any]]
    ) -> tuple[list[tuple[Any, ...]], int, str]:
        """Profile the predictions of ``batch`` (their (model, version) go to ``pairs``);
        returns what goes on as records, how many were lost and why."""
        lengths = set(map(len, batch))
        labelled = max(lengths, default=0) > _PLAIN
        frames: list[tuple[Any, ...]] = []
        if _FRAME in lengths:  # log_predictions of a frame: one entry, many rows
            frames = [item for item in batch if len(item) == _FRAME]
            batch = [item for item in batch if len(item) != _FRAME]
        heads = set(map(_HEAD, batch))
        by_pair: dict[_Pair, list[tuple[Any, ...]]] = {}
        rest: list[tuple[Any, ...]] = []
        profiled = [head for head in heads if head[0] == PREDICTION and None not in head]
        if len(profiled) == len(heads) == 1:
            by_pair[(profiled[0][1], profiled[0][2])] = batch  # the usual case: no loop
        else:
            for item in batch:
                if item[0] == PREDICTION and item[1] is not None and item[2] is not None:
                    by_pair.setdefault((item[1], item[2]), []).append(item)
                else:
                    rest.append(item)
        lost, problem = 0, ""
        for pair, items in by_pair.items():
            pairs.add(pair)
            target = self._targets[pair] if pair in self._targets else self._target(pair)
            if target is None:
                rest += items
                continue
            try:
                self._file(pair, target, items, labelled=labelled)
            except Exception:
                lost += len(items)
                problem = traceback.format_exc()
        for item in frames:
            lost_rows, trouble = self._file_frame(item, rest, pairs)
            lost, problem = lost + lost_rows, trouble or problem
        if labelled or frames:
            rest = _as_records(rest)
        return rest, lost, problem

    def add(self, items: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """Profile prediction tuples; returns those of versions sent as records (raises
        for a value a profile cannot hold)."""
        rest, lost, problem = self.route(items, set())
        if lost:
            raise ValueError(problem)
        return rest

    def _file_frame(
        self, item: tuple[Any, ...], rest: list[tuple[Any, ...]], pairs: set[tuple[Any, Any]]
    ) -> tuple[int, str]:
        """File a frame entry (rows that go as records are added to ``rest``); the rows
        lost and why."""
        from watchkeeper.client import _profile_frames as frames
        from watchkeeper.client._profile_columns import grouped

        frame: frames.Frame = item[5]
        pair = (item[1], item[2])
        if None in pair:
            rest += frames.frame_rows(item)  # the record path counts them as failed
            return 0, ""
        pairs.add(pair)
        target = self._targets[pair] if pair in self._targets else self._target(pair)
        if target is None:
            rest += frames.frame_rows(item)
            return 0, ""
        try:
            columns = frames.frame_columns(
                frame, target.kinds, target.series, predicted=target.bias is not None
            )
            micros = frames.window_micros(frame)
            texts, codes = frames.segment_texts(*frames.segment_values(frame))
            groups = grouped(micros - micros % target.window_us, texts, codes)
            self._store(pair, target, columns, groups)
        except Exception:
            return frame.table.num_rows, traceback.format_exc()
        return 0, ""

    def _file(
        self, pair: _Pair, target: _Target, items: list[tuple[Any, ...]], *, labelled: bool
    ) -> None:
        """File a batch of one (model, version) under its windows and segments."""
        from watchkeeper.client._profile_columns import (
            SEGMENT,
            STAMP,
            Columns,
            group_rows,
            window_starts,
        )

        columns = Columns.of(
            items, target.kinds, labelled=labelled, series=target.series,
            predicted=target.bias is not None,
        )  # fmt: skip
        starts = window_starts(list(map(STAMP, items)), target.window_us)
        self._store(pair, target, columns, group_rows(starts, list(map(SEGMENT, items))))

    def _store(
        self,
        pair: _Pair,
        target: _Target,
        columns: Columns,
        groups: list[tuple[int, str, Any]],
    ) -> None:
        windows = self._windows
        for start, segment, rows in groups:
            key = (pair[0], pair[1], start, segment)
            window = windows.get(key)
            if window is None:
                window = windows[key] = _Window(target)
            share = columns.take(rows)
            window.blocks.append(share)
            window.waiting += share.n
            for name, values in share.series.items():
                window.series.setdefault(name, []).append(values)
            if share.labels:
                window.labels += share.labels
                window.predictions += share.predictions
                window.scores += share.scores
            if window.waiting >= self._chunk_rows:
                self._update(window)

    def _update(self, window: _Window) -> None:
        """Feed the window's waiting rows to its profile builder, as one Arrow table."""
        import numpy as np
        import pyarrow as pa

        from watchkeeper.profile import ProfileBuilder

        blocks, window.blocks, window.waiting = window.blocks, [], 0
        if not blocks:
            return
        bias = window.target.bias
        if bias is not None and window.counters is not None:
            from watchkeeper.client._profile_labels import block_counters

            counted = block_counters(blocks, window.target.kinds, bias)
            if counted is None:
                window.counters = None  # partial counters would give wrong series
            else:
                mine = window.counters
                for column, counters in counted.items():
                    mine[column] = mine[column].merge(counters) if column in mine else counters
        one = len(blocks) == 1
        latency = blocks[0].latency if one else np.concatenate([b.latency for b in blocks])
        errors = sum(int(np.count_nonzero(b.errors)) for b in blocks)
        window.operations = window.operations.merge(_operations(latency, errors))
        numeric = blocks[0].numeric if one else np.concatenate([b.numeric for b in blocks])
        kinds = window.target.kinds
        arrays: dict[str, Any] = {}
        index = 0
        for name, kind in kinds.items():
            if kind == "numeric":
                arrays[name] = pa.array(numeric[:, index], from_pandas=True)
                index += 1
                continue
            values = [value for block in blocks for value in block.others[name]]
            if kind == "boolean":
                arrays[name] = pa.array(values, pa.bool_())
            else:
                array = pa.array(values)
                arrays[name] = array if pa.types.is_string(array.type) else array.cast(pa.string())
        if window.builder is None:
            reference = window.target.reference
            window.builder = ProfileBuilder(reference.schema, bins_from=reference)
        window.builder.update(pa.table(arrays))

    def take(self) -> list[ProfilePost]:
        """Every open window's profile as a post; the windows start again empty."""
        posts = []
        windows, self._windows = self._windows, {}
        for (model, version, start, segment), window in windows.items():
            try:
                self._update(window)
                if window.builder is None:
                    continue
                body = window.builder.build().to_bytes()
            except Exception:  # a value the profile cannot hold: this window is lost
                self._warn(
                    "profile take", f"a window's profile was lost:\n{traceback.format_exc()}"
                )
                continue
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
            key = f"{self._prefix}-{self._sequence:x}"  # the feature profile's: kinds differ
            rows = (window.labels, window.predictions, window.scores)
            extra = self._poster().posts(
                model, version, start, segment, rows, window.series, key, window.counters
            )
            posts += [ProfilePost(p.path, p.body, p.headers, n_records=0) for p in extra]
        return posts

    def _poster(self) -> LabelPoster:
        if self._labels is None:
            from watchkeeper.client._profile_labels import LabelPoster

            self._labels = LabelPoster(self._http, self._warn)
        return self._labels


def _as_records(items: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Labelled predictions sent as records: the prediction, then its label."""
    out: list[tuple[Any, ...]] = []
    for item in items:
        if len(item) > _PLAIN:
            out.append(item[:_PLAIN])
            if item[_PLAIN] is not None:
                out.append((LABEL, item[1], None, item[3], item[_PLAIN]))
        else:
            out.append(item)
    return out
