"""Monitor a Spark DataFrame or stream: per-window, per-segment profiles built on the
executors and posted to a watchkeeper server (issue 16).

:func:`monitor` reads the version's reference profile (its bins) and the model's window
length from the server, cuts the rows into windows of ``time_column`` (and segments of
``segment_columns``), profiles every partition's share of each (window, segment) on
the executors (``mapInArrow``), merges the parts on the driver and posts one profile per
(window, segment) to ``POST /v1/models/{model}/profiles``, with the operational
aggregates (record and error counts, the latency histogram) of ``latency_column`` and
``error_column``. The server merges them into its windows as if the rows had been
sent: a window may be fed by the SDK, by Spark jobs, or both.

:func:`stream_sink` is the same for Structured Streaming: ``foreachBatch`` runs it on
each micro-batch, and each post carries an ``Idempotency-Key`` made of the query's
``run_id`` and batch id, so a micro-batch Spark replays after a failure counts once.

With ``score_column`` (a binary classifier's positive-class score, or a regressor's
prediction) each partition also sketches the scores of each (window, segment) on the
server's score edges, and the merged sketch is posted to
``POST /v1/models/{model}/score-profiles``, so the window's score statistics cover the
rows. Labels joined in the lake go as performance profiles through
:func:`~watchkeeper.integrations.spark.monitor_performance` and
:func:`~watchkeeper.integrations.spark.performance_stream_sink`. Not done here: bias
group counters (the server's bias-profiles route takes them; a Spark-fed window's bias
series cover its records only).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import quote, urlencode

import numpy as np
import pyarrow as pa

from watchkeeper._exceptions import InputError
from watchkeeper._operations import HEADER, Operations, bin_of
from watchkeeper.profile import NumericBins, Profile, ProfileBuilder, merge_all
from watchkeeper.schema import Schema

__all__ = ["MonitorResult", "monitor", "stream_sink"]

PROFILE_MEDIA_TYPE = "application/vnd.watchkeeper.profile"
_WINDOW, _SEGMENT, _LATENCY, _ERROR = "__wk_window", "__wk_segment", "__wk_latency", "__wk_error"
_SCORE = "__wk_score"
_OUTPUT = "window long, segment string, profile binary, operations string, scores string"
_OUTPUT_SCHEMA = pa.schema(
    [
        ("window", pa.int64()),
        ("segment", pa.string()),
        ("profile", pa.binary()),
        ("operations", pa.string()),
        ("scores", pa.string()),
    ]
)


@dataclass(frozen=True)
class MonitorResult:
    """What a monitor run posted: ``(window start, segment or None, rows)`` per profile."""

    posted: tuple[tuple[datetime, str | None, int], ...]

    @property
    def n_rows(self) -> int:
        """Rows of every posted profile (segments and all traffic are posted apart)."""
        return sum(rows for _, _, rows in self.posted)


def _operations(table: pa.Table) -> Operations:
    errors = table.column(_ERROR).to_numpy(zero_copy_only=False)
    ops = Operations(n_records=table.num_rows, n_errors=int(np.count_nonzero(errors)))
    latency = table.column(_LATENCY).to_numpy(zero_copy_only=False).astype(np.float64)
    for value in latency[np.isfinite(latency) & (latency >= 0)].tolist():
        index = bin_of(value)
        ops.latency[index] = ops.latency.get(index, 0) + 1
    return ops


def _profile_partition(
    batches: Iterator[pa.RecordBatch],
    *,
    schema: Schema,
    bins: dict[str, tuple[Any, float, float]],
    score_edges: list[float] | None = None,
) -> Iterator[pa.RecordBatch]:
    """Runs on an executor: one row per (window, segment) of the partition."""
    plain = {name: NumericBins(*parts) for name, parts in bins.items()}
    builders: dict[tuple[int, str], ProfileBuilder] = {}
    ops: dict[tuple[int, str], Operations] = {}
    scores: dict[tuple[int, str], list[Any]] = {}
    features = list(schema.names)
    for batch in batches:
        if batch.num_rows == 0:
            continue
        table = pa.Table.from_batches([batch])
        windows = table.column(_WINDOW).to_numpy(zero_copy_only=False)
        segments = np.asarray(table.column(_SEGMENT).fill_null("").to_pylist(), dtype=object)
        for window, segment in {(int(w), str(s)) for w, s in zip(windows, segments, strict=True)}:
            part = table.filter(pa.array((windows == window) & (segments == segment)))
            key = (window, segment)
            if key not in builders:
                builders[key] = ProfileBuilder(schema, bins_from=plain)
                ops[key] = Operations()
            builders[key].update(part.select(features))
            ops[key] = ops[key].merge(_operations(part))
            if score_edges is not None:
                values = part.column(_SCORE).to_numpy(zero_copy_only=False).astype(np.float64)
                scores.setdefault(key, []).append(values[np.isfinite(values)])
    for (window, segment), builder in builders.items():
        sketch = ""
        if score_edges is not None:
            from watchkeeper.performance._score_sketch import score_sketch

            values = np.concatenate(scores[(window, segment)])
            sketch = json.dumps(score_sketch(values, score_edges).to_dict()) if values.size else ""
        yield pa.RecordBatch.from_arrays(
            [
                pa.array([window], pa.int64()),
                pa.array([segment], pa.string()),
                pa.array([builder.build().to_bytes()], pa.binary()),
                pa.array([ops[(window, segment)].to_json()], pa.string()),
                pa.array([sketch], pa.string()),
            ],
            schema=_OUTPUT_SCHEMA,
        )


def _reference(http: Any, model: str, version: str) -> tuple[Profile, int]:
    path = f"/v1/models/{quote(model)}/versions/{quote(version)}/reference-profile"
    response = http.get(path)
    if not response.is_success:
        raise InputError(
            f"GET {path} answered {response.status_code} ({response.text[:300]}); the "
            "version needs a reference, and the key the scope ingest or read"
        )
    seconds = float(response.headers.get("Watchkeeper-Window-Seconds", "3600"))
    return Profile.from_bytes(response.content, source=path), int(seconds * 1_000_000)


def window_expression(time_column: str, window_us: int) -> Any:
    """The start of the window of ``time_column``, in microseconds since the epoch (UTC);
    null where the time is null."""
    from pyspark.sql import functions as F  # noqa: N812 (pyspark's own spelling)

    micros = F.unix_micros(F.col(time_column).cast("timestamp"))
    return micros - F.pmod(micros, F.lit(window_us))


def segment_expression(segment_columns: Sequence[str]) -> Any:
    """The server's segment text of a row: ``a=x,b=y`` over the sorted column names (a
    column that is null is left out; no columns: ``""``, all traffic only)."""
    from pyspark.sql import functions as F  # noqa: N812 (pyspark's own spelling)

    pairs = [
        F.concat(F.lit(f"{name}="), F.col(name).cast("string")) for name in sorted(segment_columns)
    ]
    return F.concat_ws(",", *pairs) if pairs else F.lit("")


def _prepared(
    df: Any,
    *,
    time_column: str,
    window_us: int,
    segment_columns: Sequence[str],
    latency_column: str | None,
    error_column: str | None,
    score_column: str | None = None,
) -> Any:
    from pyspark.sql import functions as F  # noqa: N812 (pyspark's own spelling)

    segment = segment_expression(segment_columns)
    score = F.col(score_column).cast("double") if score_column else F.lit(None)
    latency = F.col(latency_column).cast("double") if latency_column else F.lit(None)
    error = (
        F.coalesce(F.col(error_column).cast("boolean"), F.lit(False))
        if error_column
        else F.lit(False)
    )
    return (
        df.withColumn(_WINDOW, window_expression(time_column, window_us))
        .withColumn(_SEGMENT, segment)
        .withColumn(_LATENCY, latency.cast("double"))
        .withColumn(_ERROR, error)
        .withColumn(_SCORE, score.cast("double"))
        .where(F.col(_WINDOW).isNotNull())
    )


def monitor(
    df: Any,
    *,
    url: str,
    model: str,
    version: str,
    time_column: str,
    window: str | None = None,
    api_key: str | None = None,
    segment_columns: Sequence[str] = (),
    latency_column: str | None = None,
    error_column: str | None = None,
    score_column: str | None = None,
    run_id: str | None = None,
    transport: Any = None,
) -> MonitorResult:
    """Profile ``df`` per window of ``time_column`` and segment; post the profiles.

    ``window`` (e.g. ``"1h"``) must equal the model's window length on the server when
    given (the server's is used otherwise). ``api_key`` defaults to
    ``WATCHKEEPER_API_KEY``; ``run_id`` names this run in the posts' idempotency keys
    (posting the same run twice counts once; default: a new id per call).
    ``score_column``: a binary classifier's positive-class score or a regressor's
    prediction, sketched per (window, segment) for the score statistics (null and
    non-finite scores left out, as the server leaves out records without one). Needs
    pyspark and httpx. Rows whose ``time_column`` is null are left out.
    """
    import httpx

    from watchkeeper.integrations.spark._profile import _plain, _pyspark, _worker_python
    from watchkeeper.service._settings import parse_duration

    _pyspark()
    key = api_key if api_key is not None else os.environ.get("WATCHKEEPER_API_KEY")
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    with httpx.Client(
        base_url=url.rstrip("/"), headers=headers, timeout=60, transport=transport
    ) as http:
        reference, window_us = _reference(http, model, version)
        if window is not None and int(parse_duration(window).total_seconds() * 1e6) != window_us:
            raise InputError(
                f"window={window!r} but model {model!r} has windows of {window_us // 1_000_000} "
                "s on the server; pass the server's window or leave window out"
            )
        names = [n for n in reference.schema.names if n in df.columns]
        wanted = (time_column, *segment_columns, *([score_column] if score_column else []))
        missing = [n for n in wanted if n not in df.columns]
        if missing or not names:
            raise InputError(
                f"the DataFrame lacks {missing or 'every reference feature'}; it has "
                f"{list(df.columns)}"
            )
        _worker_python(df)
        score_edges = _score_edges(http, model, version) if score_column else None
        prepared = _prepared(
            df, time_column=time_column, window_us=window_us, segment_columns=segment_columns,
            latency_column=latency_column, error_column=error_column, score_column=score_column,
        )  # fmt: skip
        schema = Schema([spec for spec in reference.schema if spec.name in names])
        task = partial(
            _profile_partition,
            schema=schema,
            bins=_plain({n: b for n, b in reference.bins.items() if n in names}),
            score_edges=score_edges,
        )
        columns = [*names, _WINDOW, _SEGMENT, _LATENCY, _ERROR, _SCORE]
        rows = prepared.select(*columns).mapInArrow(task, _OUTPUT).collect()
        return _post_all(
            http, rows, model=model, version=version, run=run_id or os.urandom(8).hex()
        )


def _score_edges(http: Any, model: str, version: str) -> list[float]:
    """The server's score-sketch edges for the version (a binary classifier's or a
    regressor's; a multiclass model's scores are one column per class)."""
    from watchkeeper.client._performance_post import fetch_performance_edges

    answer = fetch_performance_edges(http, model, version)
    classes = answer.get("classes")
    if answer["kind"] == "classification" and classes is not None and len(classes) > 2:
        raise InputError(
            f"score_column is one score per row, but {model!r} has {len(classes)} classes; "
            "leave score_column out for a multiclass model"
        )
    return [float(edge) for edge in answer["score_edges"]]


def _post_all(
    http: Any, rows: Sequence[Any], *, model: str, version: str, run: str
) -> MonitorResult:
    grouped: dict[tuple[int, str], list[Any]] = {}
    for row in rows:
        grouped.setdefault((int(row[0]), str(row[1])), []).append(row)
    posted = []
    for (window, segment), parts in sorted(grouped.items()):
        profile = merge_all(
            [Profile.from_bytes(bytes(p[2]), source="a Spark partition") for p in parts]
        )
        ops = Operations()
        for part in parts:
            ops = ops.merge(Operations.from_json(part[3]))
        start = datetime.fromtimestamp(window / 1_000_000, UTC)
        query = {"version": version, "window_start": start.isoformat()}
        if segment:
            query["segment"] = segment
        ident = hashlib.sha256(f"{run}|{model}|{version}|{window}|{segment}".encode()).hexdigest()
        response = _post(
            http,
            f"/v1/models/{quote(model)}/profiles?{urlencode(query)}",
            profile.to_bytes(),
            {
                "Content-Type": PROFILE_MEDIA_TYPE,
                HEADER: ops.to_json(),
                "Idempotency-Key": f"spark-{ident[:40]}",
            },
        )
        if not response.is_success:
            raise InputError(
                f"posting the profile of window {start.isoformat()} segment {segment!r} "
                f"answered {response.status_code}: {response.text[:300]}"
            )
        sketches = [json.loads(p[4]) for p in parts if p[4]]
        if sketches:
            _post_scores(http, sketches, model, query, f"spark-scores-{ident[:33]}")
        posted.append((start, segment or None, profile.n_rows))
    return MonitorResult(tuple(posted))


def _post_scores(
    http: Any, sketches: list[dict[str, Any]], model: str, query: dict[str, str], key: str
) -> None:
    """Merge the partitions' score sketches of one (window, segment) and post them."""
    from watchkeeper.performance._score_sketch import ScoreSketch

    merged = ScoreSketch.from_dict(sketches[0])
    for sketch in sketches[1:]:
        merged = merged.merge(ScoreSketch.from_dict(sketch))
    body = json.dumps({"kind": "scores", "version": 1, "series": {"": merged.to_dict()}})
    path = f"/v1/models/{quote(model)}/score-profiles?{urlencode(query)}"
    response = _post(http, path, body.encode(),
                     {"Content-Type": "application/json", "Idempotency-Key": key})  # fmt: skip
    if not response.is_success:
        raise InputError(
            f"posting the score sketch of {query} answered {response.status_code}: "
            f"{response.text[:300]}"
        )


def _post(http: Any, path: str, body: bytes, headers: dict[str, str], attempts: int = 4) -> Any:
    import time

    import httpx

    for attempt in range(attempts):
        try:
            response = http.post(path, content=body, headers=headers)
        except httpx.TransportError:
            if attempt == attempts - 1:
                raise
        else:
            if response.status_code < 500 and response.status_code != 429:
                return response
            if attempt == attempts - 1:
                return response
        time.sleep(0.5 * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def stream_sink(
    *,
    url: str,
    model: str,
    version: str,
    time_column: str,
    run_id: str,
    **options: Any,
) -> Callable[[Any, int], None]:
    """A ``foreachBatch`` function posting each micro-batch's profiles (see :func:`monitor`).

    ``run_id`` should be stable for the query (its checkpoint's): a micro-batch Spark
    replays gets the same idempotency keys and counts once.

    >>> sink = stream_sink(url="http://wk:8000", model="m", version="v1",
    ...                    time_column="ts", run_id="orders-stream")
    >>> callable(sink)
    True
    """

    def each(batch: Any, batch_id: int) -> None:
        monitor(
            batch, url=url, model=model, version=version, time_column=time_column,
            run_id=f"{run_id}/{batch_id}", **options,
        )  # fmt: skip

    return each
