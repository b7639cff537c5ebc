"""Privacy declarations applied by the service, before anything is stored.

A model's schema may declare ``pii: mask|hash|drop`` on features
(:mod:`watchkeeper.compliance`). The service applies them to each batch as it arrives
(a dropped feature is removed from the batch, so its windows simply lack it),
before validation and storage, and to the reference data of each version, so that a
hashed or dropped value is never written in clear: not to the records, the window
blobs, the profiles nor the reference. A model is refused when its declarations
cannot be kept: ``hash`` without the server's secret, ``mask`` on a feature that is not
text, ``hash`` on a numeric or boolean feature (its statistics would be meaningless;
drop it instead), or a reference profile (which keeps category values) for a model
that declares any.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from watchkeeper._exceptions import InputError
from watchkeeper.compliance._privacy import PrivacyPlan, apply_privacy
from watchkeeper.schema._model import PiiAction
from watchkeeper.service._ingest import FEATURE_PREFIX, feature_kinds

__all__ = [
    "check_declarations",
    "plan_of",
    "protect_records",
    "protect_reference",
    "refuse_profiles",
]

_KINDS_FOR = {PiiAction.MASK: ("text",), PiiAction.HASH: ("categorical", "text")}


def plan_of(schema: Mapping[str, Any] | None) -> PrivacyPlan:
    """The privacy plan a stored model schema declares."""
    return PrivacyPlan.from_service_schema(schema)


def check_declarations(schema: Mapping[str, Any] | None, key: bytes | None) -> None:
    """Refuse a model whose privacy declarations the service could not keep.

    >>> check_declarations({"features": {"age": {"kind": "numeric", "pii": "mask"}}}, None)
    Traceback (most recent call last):
    ...
    watchkeeper._exceptions.InputError: feature 'age' is numeric and declared pii: mask, \
which applies to text features; declare pii: hash or drop
    """
    plan = plan_of(schema)
    kinds = feature_kinds(schema)
    if plan.subject is not None and plan.subject not in kinds:
        raise InputError(
            f"the subject column {plan.subject!r} is not a feature of the schema, so no record "
            f"could be found by it; declare it a feature (features: {sorted(kinds)})"
        )
    if plan.empty:
        return
    plan.check_key(key)
    for name, action in plan.actions.items():
        allowed = _KINDS_FOR.get(action)
        kind = kinds.get(name)
        if allowed is not None and kind is not None and kind not in allowed:
            fix = "declare pii: drop" if action is PiiAction.HASH else "declare pii: hash or drop"
            raise InputError(
                f"feature {name!r} is {kind} and declared pii: {action.value}, which applies "
                f"to {' and '.join(allowed)} features; {fix}"
            )
    if plan.subject is not None and plan.actions.get(plan.subject) is PiiAction.DROP:
        raise InputError(
            f"the subject column {plan.subject!r} is declared pii: drop, so no record could be "
            "found by it; declare it pii: hash"
        )


def protect_records(
    records: pa.Table, plan: PrivacyPlan, key: bytes | None, *, prefix: str = FEATURE_PREFIX
) -> pa.Table:
    """A batch with its declared feature columns masked, hashed or dropped.

    Only text-typed columns are masked here; a column of another type is left for the
    validator, which rejects it for the feature's declared kind.
    """
    if plan.empty:
        return records
    actions = {}
    for name, action in plan.actions.items():
        column = f"{prefix}{name}"
        if column not in records.column_names:
            continue
        dtype = records.schema.field(column).type
        if action is PiiAction.MASK and not (
            pa.types.is_string(dtype) or pa.types.is_large_string(dtype)
        ):
            continue
        actions[column] = action
    return apply_privacy(records, PrivacyPlan(actions), key)


def protect_reference(
    reference: pa.Table | None, plan: PrivacyPlan, key: bytes | None
) -> pa.Table | None:
    """The reference data with the same treatment as the traffic."""
    if reference is None or plan.empty:
        return reference
    return apply_privacy(reference, plan, key)


def refuse_profiles(model: str, schema: Mapping[str, Any] | None) -> None:
    """A profile is built by the sender, without the server's secret: for a model with
    privacy declarations it would bring category values and text in clear, and rows no
    erasure could take out. Such a model takes records only."""
    plan = plan_of(schema)
    if not plan.empty:
        raise InputError(
            f"model {model!r} declares pii columns ({', '.join(sorted(plan.actions))}); a "
            "profile would store them as the sender saw them; send records, which the "
            "service masks, hashes or drops before storing"
        )
