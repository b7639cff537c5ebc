"""The features a guarded request is logged with, for the server and for batch logging.

``POST /v1/guard`` with a ``model`` stores each request as one prediction record whose
features are :data:`GUARD_FEATURES`; :func:`guard_features` computes them for one
request, :func:`guard_reference` for a reference table, and :func:`guard_schema` is the
model schema that declares them. An application that logs through the SDK instead uses
the same functions, so that its records and the server's compare with one reference.

- ``prompt_<d>`` for the last ``user``/``tool``/``function`` message and ``response_<d>``
  for an ``assistant`` message after it (null without one), where ``<d>`` is ``n_chars``,
  ``n_words``, ``n_tokens``, ``non_ascii_share`` (numeric), ``script`` and ``language``
  (categorical) of :func:`~watchkeeper.llm.monitoring.describe_texts`;
- ``guard_flagged`` (boolean), and for every detector the policy enables
  ``guard_<detector>_hit`` (boolean) and ``guard_<detector>_score`` (numeric, 0 to 1,
  higher is worse), null when the detector had nothing to read (``canary`` on a prompt).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import pyarrow as pa

from watchkeeper._exceptions import InputError
from watchkeeper.llm.guard import ROLES, Guard, GuardResult, Policy
from watchkeeper.llm.guard._guard import _WARM_TEXT
from watchkeeper.llm.monitoring._descriptors import describe_values
from watchkeeper.llm.monitoring._guard_names import FLAGGED, hit_feature, score_feature

__all__ = [
    "GUARD_DESCRIPTORS",
    "GUARD_FEATURES",
    "guard_feature_schema",
    "guard_features",
    "guard_reference",
    "guard_schema",
    "prompt_and_response",
]

_INPUT_ROLES = frozenset(role for role, direction in ROLES.items() if direction == "input")

#: The descriptors logged for the prompt and the response, and their kinds.
GUARD_DESCRIPTORS: Mapping[str, str] = MappingProxyType(
    {
        "n_chars": "numeric",
        "n_words": "numeric",
        "n_tokens": "numeric",
        "non_ascii_share": "numeric",
        "script": "categorical",
        "language": "categorical",
    }
)


def _detectors(policy: Policy) -> list[str]:
    return [name for name, settings in policy.scanners.items() if settings.enabled]


def guard_schema(policy: Policy | None = None) -> dict[str, Any]:
    """A model schema declaring every feature the endpoint logs under ``policy``.

    >>> schema = guard_schema()
    >>> schema["features"]["prompt_n_tokens"], schema["features"]["guard_pii_hit"]
    ('numeric', 'boolean')
    """
    policy = policy if policy is not None else Policy.default()
    features: dict[str, str] = {}
    for side in ("prompt", "response"):
        features.update({f"{side}_{name}": kind for name, kind in GUARD_DESCRIPTORS.items()})
    features[FLAGGED] = "boolean"
    for name in _detectors(policy):
        features[hit_feature(name)] = "boolean"
        features[score_feature(name)] = "numeric"
    return {"features": features}


#: The features logged under the default policy, and their kinds.
GUARD_FEATURES: Mapping[str, str] = MappingProxyType(guard_schema()["features"])


def prompt_and_response(messages: Sequence[Mapping[str, str]]) -> tuple[str | None, str | None]:
    """The prompt (last input message) and the response (an assistant message after it).

    An empty chat is an empty prompt, so that it is logged (and counted) as one.

    >>> prompt_and_response([{"role": "user", "content": "hi"},
    ...                      {"role": "assistant", "content": "hello"}])
    ('hi', 'hello')
    >>> prompt_and_response([{"role": "assistant", "content": "old"},
    ...                      {"role": "user", "content": "new"}])
    ('new', None)
    """
    last_input = max((i for i, m in enumerate(messages) if m["role"] in _INPUT_ROLES), default=None)
    prompt = messages[last_input]["content"] if last_input is not None else None
    start = -1 if last_input is None else last_input
    response = None
    for message in messages[start + 1 :]:
        if message["role"] == "assistant":
            response = message["content"]
    if prompt is None and response is None and not messages:
        prompt = ""
    return prompt, response


def guard_features(
    messages: Sequence[Mapping[str, str]], result: GuardResult, policy: Policy
) -> dict[str, Any]:
    """The features the endpoint logs for one request (see the module docstring).

    >>> from watchkeeper.llm.guard import scan
    >>> chat = [{"role": "user", "content": "Hello there"}]
    >>> features = guard_features(chat, scan(chat), Policy.default())
    >>> features["prompt_n_words"], features["response_n_words"], features["guard_pii_hit"]
    (2.0, None, False)
    """
    # The values of describe_texts' columns, without building a table for one row.
    described = describe_values(prompt_and_response(messages))
    features: dict[str, Any] = {}
    for values, side in zip(described, ("prompt", "response"), strict=True):
        for name in GUARD_DESCRIPTORS:
            features[f"{side}_{name}"] = values[name]
    features[FLAGGED] = result.flagged
    seen = {verdict.detector_type: verdict for verdict in result.breakdown}
    for name in _detectors(policy):
        verdict = seen.get(name)
        features[hit_feature(name)] = None if verdict is None else verdict.detected
        features[score_feature(name)] = None if verdict is None else round(verdict.score, 6)
    return features


def guard_reference(
    prompts: Sequence[str],
    responses: Sequence[str | None] | None = None,
    *,
    guard: Guard | None = None,
) -> pa.Table:
    """A reference table for a guarded model: the endpoint's features for known-good traffic.

    Pass it to ``create_version(..., reference=...)`` so that each window of logged
    requests is compared with the same descriptors of the reference prompts.

    >>> table = guard_reference(["What is 2 + 2?", "Name a prime number"], ["4", "7"])
    >>> table.num_rows, table.column("response_n_chars").to_pylist()
    (2, [1.0, 1.0])
    """
    guard = guard if guard is not None else Guard()
    if responses is not None and len(responses) != len(prompts):
        raise InputError(
            f"{len(prompts)} prompts but {len(responses)} responses; give one response "
            "(or None) per prompt"
        )
    rows = []
    for index, prompt in enumerate(prompts):
        messages = [{"role": "user", "content": prompt}]
        reply = None if responses is None else responses[index]
        if reply is not None:
            messages.append({"role": "assistant", "content": reply})
        rows.append(guard_features(messages, guard.scan(messages), guard.policy))
    return pa.Table.from_pylist(rows, schema=guard_feature_schema(guard.policy))


def guard_feature_schema(policy: Policy | None = None, prefix: str = "") -> pa.Schema:
    """The Arrow schema of the logged features (names with ``prefix``).

    >>> guard_feature_schema(prefix="feature.").field("feature.guard_flagged").type
    DataType(bool)
    """
    types = {"numeric": pa.float64(), "categorical": pa.string(), "boolean": pa.bool_()}
    kinds = guard_schema(policy)["features"]
    return pa.schema([(prefix + name, types[kind]) for name, kind in kinds.items()])


@functools.cache
def warm_up_features() -> None:
    """Fill the descriptors' character table for the text most requests hold (it is
    filled on first sight of each block of 64 code points: ~1.5 ms for ASCII, ~6.5 ms
    for Chinese), so that the first logged request does not pay it. Once a process; the
    server calls it at start, after the guard's own warm-up."""
    describe_values([_WARM_TEXT])
