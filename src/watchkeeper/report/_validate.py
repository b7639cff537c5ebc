"""The report's JSON form checked against its schema (docs/report-schema.md).

A report may come from elsewhere (``POST /v1/reports``, a file a colleague sent), so the
renderers do not trust its types: :func:`check_report` returns a copy in which every
field the schema knows has its documented type, with each value of the wrong type
replaced by null and named in the problems it returns. The server refuses an upload
with problems (422); the HTML renderer shows what it can and says what it dropped.
Fields the schema does not list pass through unchanged (renderers escape them).

>>> clean, problems = check_report({"reference": {"n_rows": "<script>", "n_columns": 3}})
>>> clean["reference"]
{'n_rows': None, 'n_columns': 3}
>>> problems
["reference.n_rows must be a count (a whole number, 0 or more), not a string ('<script>')"]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["check_report"]

# A spec is a type word, a dict (an object's known fields) or a one-item list (a list of).
_Spec = Any

_EFFECT = {"method": "str", "value": "num", "min_effect": "num"}
_COLUMN = {
    "column": "str", "kind": "str", "role": "str", "method": "str", "output": "str",
    "statistic": "num", "p_value": "num", "p_value_adjusted": "num", "threshold": "num",
    "drifted": "bool", "effect_size": _EFFECT, "comparison": "str", "n_reference": "count",
    "n_current": "count", "note": "str", "unseen_categories": ["str"], "summary": "object",
    "histogram": "object",
}  # fmt: skip
_SKIPPED = {"column": "str", "reason": "str"}
_FINDING = {"column": "str", "check": "str", "severity": "str", "message": "str", "value": "num"}
_SIDE = {"name": "str", "n_rows": "count", "n_columns": "count"}
_REPORT: dict[str, _Spec] = {
    "schema_version": "str",
    "watchkeeper_version": "str",
    "created_at": "str",
    "reference": _SIDE,
    "current": _SIDE,
    "drift": {
        "dataset_drift": "bool", "drift_share": "num", "share_drifted": "num",
        "n_drifted": "count", "n_columns": "count", "columns": [_COLUMN], "target": [_COLUMN],
        "predictions": [_COLUMN], "skipped": [_SKIPPED], "policy": "object",
    },
    "quality": {"findings": [_FINDING], "datasets": "object", "columns": ["object"]},
    "performance": {
        "metrics": [{"metric": "str", "baseline": "num", "chunks": ["object"]}],
    },
}  # fmt: skip

_WORDS = {
    "str": "a string",
    "num": "a number (or the string 'inf')",
    "count": "a count (a whole number, 0 or more)",
    "bool": "true or false",
    "object": "an object",
}
_SCALARS = frozenset(_WORDS) - {"object"}


def _fits(word: str, value: Any) -> bool:
    if word == "str":
        return isinstance(value, str)
    if word == "bool":
        return isinstance(value, bool)
    if word == "object":
        return isinstance(value, Mapping)
    if isinstance(value, bool):
        return False
    if word == "count":
        return isinstance(value, int) and value >= 0
    return value in ("inf", "-inf") or (
        isinstance(value, int | float) and (isinstance(value, int) or not math.isnan(value))
    )


def _type_name(value: Any) -> str:
    names = {str: "a string", bool: "a boolean", int: "an integer", float: "a number",
             list: "a list", dict: "an object"}  # fmt: skip
    return names.get(type(value), type(value).__name__)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _walk(spec: _Spec, value: Any, path: str, problems: list[str]) -> Any:
    if value is None:
        return None
    if isinstance(spec, str):
        if _fits(spec, value):
            return value
        problems.append(f"{path} must be {_WORDS[spec]}, not {_type_name(value)} ({_shown(value)})")
        return None
    if isinstance(spec, list):
        if not isinstance(value, list | tuple):
            problems.append(f"{path} must be a list, not {_type_name(value)}")
            return []
        items = [_walk(spec[0], item, f"{path}[{i}]", problems) for i, item in enumerate(value)]
        # An entry that is not an object is left out, so renderers can trust each one.
        keep_nulls = isinstance(spec[0], str) and spec[0] in _SCALARS
        return [item for item in items if item is not None or keep_nulls]
    if not isinstance(value, Mapping):
        # A skipped column may be a bare name; anything else must be an object.
        if spec is _SKIPPED and isinstance(value, str):
            return value
        problems.append(f"{path} must be an object, not {_type_name(value)}")
        return None
    out = dict(value)
    for key, inner in spec.items():
        if key in value:
            out[key] = _walk(inner, value[key], f"{path}.{key}" if path else key, problems)
    return out


def check_report(report: Any) -> tuple[dict[str, Any], list[str]]:
    """``report`` with every schema field of the wrong type set to null, and the problems.

    >>> check_report({"drift": {"columns": [{"column": 7, "drifted": True}]}})[1]
    ['drift.columns[0].column must be a string, not an integer (7)']
    >>> check_report([])[1]
    ['the report must be an object, not a list']
    """
    if not isinstance(report, Mapping):
        return {}, [f"the report must be an object, not {_type_name(report)}"]
    problems: list[str] = []
    clean = _walk(_REPORT, report, "", problems)
    return clean, problems
