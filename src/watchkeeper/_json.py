"""Strict JSON in, finite JSON out.

Python's :mod:`json` accepts ``NaN``, ``Infinity`` and ``1e999`` (which becomes
``inf``); none of them is JSON, and a NaN feature value silently poisons a window's
statistics. Request bodies are therefore decoded with the non-finite numbers turned
into a :class:`NonFinite` marker, so that the caller can say *which* record and field
carried one; responses never contain them (they become ``null``).
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = [
    "NonFinite",
    "dumps",
    "find_non_finite",
    "finite_or_none",
    "loads_marking",
    "loads_strict",
]


class NonFinite:
    """Where a request body had ``NaN``, ``Infinity`` or an overflowing number.

    >>> loads_marking(b'{"x": NaN}')["x"]
    NonFinite('NaN')
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"NonFinite({self.text!r})"


# Only the literals NaN/Infinity/-Infinity reach parse_constant; '1e999' parses to an
# inf float (a parse_float hook would catch it too, but costs a Python call per number,
# a third of the decoding time), so callers also check floats with math.isfinite.
_MARKING = json.JSONDecoder(parse_constant=NonFinite)


def loads_marking(body: bytes | str) -> Any:
    """Decode JSON, marking each non-finite number with :class:`NonFinite`.

    Raises :class:`json.JSONDecodeError` for text that is not JSON at all.

    >>> loads_marking('[1.5, Infinity, 1e999]')
    [1.5, NonFinite('Infinity'), inf]
    """
    text = body.decode("utf-8") if isinstance(body, bytes | bytearray) else body
    return _MARKING.decode(text)


def find_non_finite(value: Any, path: str = "") -> str | None:
    """The path of the first :class:`NonFinite` inside ``value``, or None.

    >>> find_non_finite({"a": [1, {"b": NonFinite("NaN")}]})
    'a[1].b'
    """
    if isinstance(value, NonFinite) or (isinstance(value, float) and not math.isfinite(value)):
        return path or "(body)"
    if isinstance(value, dict):
        for key, item in value.items():
            found = find_non_finite(item, f"{path}.{key}" if path else str(key))
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = find_non_finite(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def loads_strict(body: bytes | str) -> Any:
    """Decode JSON and refuse NaN and infinities with :class:`json.JSONDecodeError`.

    >>> loads_strict(b'{"a": 1}')
    {'a': 1}
    >>> try:
    ...     loads_strict(b'{"a": NaN}')
    ... except json.JSONDecodeError as error:
    ...     print(error.msg)
    a is NaN, which is not JSON; send null for a missing value
    """
    text = body.decode("utf-8") if isinstance(body, bytes | bytearray) else body
    value = _MARKING.decode(text)
    where = find_non_finite(value)
    if where is not None:
        marker = _first_marker(value)
        raise json.JSONDecodeError(
            f"{where} is {marker}, which is not JSON; send null for a missing value", text, 0
        )
    return value


def _first_marker(value: Any) -> str:
    if isinstance(value, NonFinite):
        return value.text
    if isinstance(value, float) and not math.isfinite(value):
        return "infinite"
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        text = _first_marker(item)
        if text:
            return text
    return ""


def finite_or_none(value: Any) -> Any:
    """``value`` with every NaN or infinite float (at any depth) replaced by None.

    >>> finite_or_none({"p": float("nan"), "xs": [1.0, float("inf")]})
    {'p': None, 'xs': [1.0, None]}
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite_or_none(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite_or_none(item) for item in value]
    return value


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON with non-finite floats written as null.

    >>> dumps({"value": float("nan"), "n": 3})
    b'{"value":null,"n":3}'
    """
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except ValueError:
        text = json.dumps(
            finite_or_none(value), ensure_ascii=False, allow_nan=False, separators=(",", ":")
        )
    return text.encode("utf-8")
