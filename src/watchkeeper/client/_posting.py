"""How the worker posts records and predictions and counts the answers (a part of
:class:`~watchkeeper.client._worker.Worker`, apart to keep that module small)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from watchkeeper.client._answers import detail, first, json_of
from watchkeeper.client._arrow import ARROW_MEDIA_TYPE, encode_arrow
from watchkeeper.client._encode import encode_batch, encode_prediction

if TYPE_CHECKING:
    import httpx

__all__ = ["Posting"]


class Posting:
    """Record and prediction posts; the worker provides the counters and ``_post``."""

    _sent: int
    _rejected: int
    _failed: int
    _arrow: bool
    _max_retries: int

    def _post(
        self,
        path: str,
        data: bytes,
        *,
        retries: int,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response | None:
        raise NotImplementedError

    def _warn_once(self, key: str, message: str) -> None:
        raise NotImplementedError

    def _post_records(
        self, path: str, key: str, records: list[dict[str, Any]], version: str | None
    ) -> None:
        head = {} if version is None else {"version": version}
        data, records, bad = encode_batch(head, key, records)
        n = len(records)
        if bad:
            self._failed += len(bad)
            record_id, reason = bad[0]
            self._warn_once(
                "encode",
                f"record {record_id!r} cannot be sent ({reason}); log numbers, strings, "
                "booleans, None, or lists of numbers",
            )
        if n == 0:
            return
        response = self._post(path, data, retries=self._max_retries)
        if response is None:
            self._failed += n
            return
        if response.status_code == 413 and n > 1:
            middle = n // 2
            self._post_records(path, key, records[:middle], version)
            self._post_records(path, key, records[middle:], version)
            return
        self._count_answer(path, response, n)

    def _count_answer(self, path: str, response: httpx.Response, n: int) -> None:
        """Count ``n`` records by the server's answer to their post."""
        answer = json_of(response)
        if response.is_success:
            rejected = answer.get("rejected") or []
            self._rejected += len(rejected)
            self._sent += n - len(rejected)
            if rejected:
                self._warn_once("rejected", f"the server rejected records: {first(rejected)}")
            return
        rejected = answer.get("rejected")
        if response.status_code == 422 and isinstance(rejected, list) and rejected:
            self._rejected += n
            self._warn_once("rejected", f"the server rejected records: {first(rejected)}")
            return
        self._failed += n
        self._warn_once(
            f"{path} HTTP {response.status_code}",
            f"POST {path} answered {response.status_code} ({detail(answer, response)}); "
            f"{n} records counted as failed, not retried",
        )

    def _post_predictions(self, model: str, version: str, items: list[tuple[Any, ...]]) -> None:
        """Post predictions as an Arrow IPC stream; as JSON when their values do not
        make typed columns (see :mod:`._arrow`)."""
        path = f"/v1/models/{model}/predictions"
        body = encode_arrow(items) if self._arrow else None
        if body is None:
            records = [encode_prediction(item) for item in items]
            self._post_records(path, "records", records, version)
            return
        target = f"{path}?{urlencode({'version': version})}"
        response = self._post(
            target, body, retries=self._max_retries, headers={"Content-Type": ARROW_MEDIA_TYPE}
        )
        n = len(items)
        if response is None:
            self._failed += n
            return
        if response.status_code == 413 and n > 1:
            self._post_predictions(model, version, items[: n // 2])
            self._post_predictions(model, version, items[n // 2 :])
            return
        self._count_answer(path, response, n)
