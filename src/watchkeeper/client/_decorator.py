"""``@monitor``: log every call of a predict function (inputs, outputs, latency, errors).

The input is the first argument that looks like data: a mapping (one record), a
pandas or polars frame or an Arrow table (one record per row), a 2-D array or a list
of rows (one record per row, columns named by ``feature_names`` or ``x0, x1, ...``),
a 1-D array or a flat list (one record), any other value (one record with the feature
``feature_names[0]`` or ``input``, e.g. an LLM prompt); with no positional data the
keyword arguments are the features. Each record of a batch call gets the call's
latency. A predict function that returns a mapping with a ``prediction`` key (and
optionally ``score``) has both logged; anything else is logged as the prediction.

When the function raises, a record with ``error=True`` is logged and the exception
propagates unchanged. The ids of the records logged by the latest call on the current
thread (or asyncio task) are returned by ``predict.last_ids()``, so that labels can be
logged for them later. Logging never raises into the caller.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Generic, ParamSpec, Protocol, TypeVar, cast

from watchkeeper.client._client import Client
from watchkeeper.client._encode import as_table, rows_from_data

__all__ = ["MonitoredFunction", "monitor"]

logger = logging.getLogger("watchkeeper.client")

P = ParamSpec("P")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class MonitoredFunction(Protocol, Generic[P, R_co]):
    """A predict function wrapped by :func:`monitor`."""

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R_co: ...

    def last_ids(self) -> tuple[str, ...]:
        """Ids of the records the latest call (this thread or task) logged."""
        ...


def monitor(
    client: Client,
    *,
    model: str | None = None,
    version: str | None = None,
    feature_names: Sequence[str] | None = None,
    segment: Mapping[str, Any] | None = None,
) -> Callable[[Callable[P, R]], MonitoredFunction[P, R]]:
    """Wrap a predict function so that each call is logged through ``client``.

    >>> import httpx, json
    >>> bodies = []
    >>> def server(request):
    ...     bodies.append(json.loads(request.content))
    ...     return httpx.Response(200, json={"accepted": 1, "duplicates": 0, "rejected": []})
    >>> client = Client("http://wk.test", model="churn", version="v1", wire="json",
    ...                 transport=httpx.MockTransport(server))
    >>> @monitor(client)
    ... def predict(features):
    ...     return int(features["age"] > 40)
    >>> predict({"age": 52})
    1
    >>> client.close()
    True
    >>> record = bodies[0]["records"][0]
    >>> record["features"], record["prediction"], record["latency_ms"] >= 0
    ({'age': 52}, 1, True)
    >>> record["id"] == predict.last_ids()[0]
    True
    """
    names = None if feature_names is None else tuple(feature_names)
    frozen_segment = None if segment is None else dict(segment)

    def decorate(function: Callable[P, R]) -> MonitoredFunction[P, R]:
        last: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
            f"watchkeeper_last_ids_{id(function)}", default=()
        )

        def record(
            args: tuple[Any, ...],
            kwargs: Mapping[str, Any],
            output: Any,
            failed: bool,
            started: float,
        ) -> None:
            latency = (time.perf_counter() - started) * 1000.0
            try:
                ids = _log_call(
                    client, args, kwargs, output, failed, latency,
                    names, frozen_segment, model, version,
                )  # fmt: skip
            except Exception:  # (the host application comes first)
                logger.debug("watchkeeper client: @monitor could not log a call", exc_info=True)
                ids = ()
            last.set(ids)

        if inspect.iscoroutinefunction(function):
            asynchronous = cast(Callable[..., Awaitable[Any]], function)

            @functools.wraps(function)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    output = await asynchronous(*args, **kwargs)
                except Exception:
                    record(args, kwargs, None, True, started)
                    raise
                record(args, kwargs, output, False, started)
                return output

            wrapper: Any = async_wrapper
        else:

            @functools.wraps(function)
            def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    output = function(*args, **kwargs)
                except Exception:
                    record(args, kwargs, None, True, started)
                    raise
                record(args, kwargs, output, False, started)
                return output

            wrapper = sync_wrapper
        wrapper.last_ids = last.get
        return cast(MonitoredFunction[P, R], wrapper)

    return decorate


def _inputs(
    args: tuple[Any, ...], kwargs: Mapping[str, Any], names: tuple[str, ...] | None
) -> tuple[list[Mapping[str, Any]], bool]:
    """The features of each record of a call, and whether the call was a batch."""
    for arg in args:
        # log_prediction copies the mapping: no copy here, the hot path stays short.
        if type(arg) is dict or isinstance(arg, Mapping):
            return [arg], False
        table = as_table(arg)
        if table is not None:
            return [row["features"] for row in rows_from_data(table, feature_columns=names)], True
        ndim = getattr(arg, "ndim", None)
        if ndim is not None or isinstance(arg, list | tuple):
            values = arg.tolist() if ndim is not None else arg
            if ndim == 2 or (ndim is None and values and isinstance(values[0], list | tuple)):
                return [_named(row, names) for row in values], True
            if ndim == 0:
                return [{names[0] if names else "input": values}], False
            return [_named(values, names)], False
        if isinstance(arg, str | int | float | bool):
            return [{names[0] if names else "input": arg}], False
    return [kwargs], False


def _named(values: Sequence[Any], names: tuple[str, ...] | None) -> dict[str, Any]:
    if names is None:
        return {f"x{index}": value for index, value in enumerate(values)}
    return dict(zip(names, values, strict=False))


def _outputs(output: Any, n: int, batch: bool) -> list[tuple[Any, Any]]:
    """(prediction, score) for each of the ``n`` records of a call."""
    prediction, score = output, None
    if isinstance(output, Mapping) and "prediction" in output:
        prediction, score = output["prediction"], output.get("score")
    if not batch:
        return [(prediction, score)]
    predictions = _per_row(prediction, n)
    scores = _per_row(score, n)
    return list(zip(predictions, scores, strict=True))


def _per_row(value: Any, n: int) -> list[Any]:
    if value is None:
        return [None] * n
    if hasattr(value, "tolist"):
        value = value.tolist()
    elif as_table(value) is None and hasattr(value, "to_list"):  # a polars Series
        value = value.to_list()
    if isinstance(value, list | tuple) and len(value) == n:
        return list(value)
    return [None] * n


def _log_call(
    client: Client,
    args: tuple[Any, ...],
    kwargs: Mapping[str, Any],
    output: Any,
    failed: bool,
    latency: float,
    names: tuple[str, ...] | None,
    segment: Mapping[str, Any] | None,
    model: str | None,
    version: str | None,
) -> tuple[str, ...]:
    if client.mode == "profile":
        queued = _log_frame(client, args, output, failed, latency, names, segment, model, version)
        if queued is not None:
            return queued
    features, batch = _inputs(args, kwargs, names)
    if not batch:
        [(prediction, score)] = _outputs(output, 1, False)
        record_id = client.log_prediction(
            features[0],
            prediction,
            score=score,
            latency_ms=latency,
            error=failed,
            segment=segment,
            model=model,
            version=version,
        )
        return (record_id,)
    outputs = _outputs(output, len(features), batch)
    return tuple(
        client.log_prediction(
            row,
            prediction,
            score=score,
            latency_ms=latency,
            error=failed,
            segment=segment,
            model=model,
            version=version,
        )
        for row, (prediction, score) in zip(features, outputs, strict=True)
    )


def _log_frame(
    client: Client,
    args: tuple[Any, ...],
    output: Any,
    failed: bool,
    latency: float,
    names: tuple[str, ...] | None,
    segment: Mapping[str, Any] | None,
    model: str | None,
    version: str | None,
) -> tuple[str, ...] | None:
    """Profile mode, a frame input: the frame with the call's outputs goes on the queue
    as one entry (``Client.log_predictions``); None when the row path must take it."""
    arg = next((a for a in args if isinstance(a, Mapping) or as_table(a) is not None), None)
    table = None if arg is None or isinstance(arg, Mapping) else as_table(arg)
    if table is None or table.num_rows == 0:
        return None
    import pyarrow as pa

    n = table.num_rows
    prediction, score = output, None
    if isinstance(output, Mapping) and "prediction" in output:
        prediction, score = output["prediction"], output.get("score")
    try:
        extra = {
            "prediction": pa.array(_per_row(prediction, n)),
            "score": pa.array(_per_row(score, n), pa.float64()),
            "latency_ms": pa.array([latency] * n, pa.float64()),
            "error": pa.array([failed] * n, pa.bool_()),
        } | {f"segment.{key}": pa.array([value] * n) for key, value in (segment or {}).items()}
    except (pa.ArrowException, TypeError, ValueError):  # outputs Arrow cannot type
        return None
    for name, values in extra.items():
        if name in table.column_names:
            return None
        table = table.append_column(name, values)
    features = (
        list(names) if names is not None else [c for c in table.column_names if c not in extra]
    )
    ids = client.log_predictions(table, feature_columns=features, model=model, version=version)
    return tuple(ids)
