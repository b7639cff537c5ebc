"""What the SDK reads from the server's answers, and the counts it reports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = ["ClientStats", "detail", "first", "json_of", "retry_after_seconds"]


@dataclass(frozen=True)
class ClientStats:
    """What the SDK did with the records it was given (counts of records).

    >>> ClientStats(sent=3, rejected=0, dropped=1, retried=2, failed=0, queued=0).dropped
    1
    """

    sent: int
    rejected: int
    dropped: int
    retried: int
    failed: int
    queued: int


def json_of(response: httpx.Response) -> Mapping[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, Mapping) else {}


def detail(answer: Mapping[str, Any], response: httpx.Response) -> str:
    detail = answer.get("detail")
    text = str(detail) if detail is not None else response.reason_phrase
    return text[:300]


def first(rejected: list[Any]) -> str:
    first = rejected[0]
    if not isinstance(first, Mapping):
        return str(first)[:300]
    return (
        f"record {first.get('index')} (id {first.get('id')!r}) field {first.get('field')!r}: "
        f"{first.get('message')}"
    )[:300]


def retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
