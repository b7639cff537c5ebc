"""``POST /v1/guard`` (scope ``ingest``): the LLM guard over HTTP, its traffic logged to a model.

The body carries chat ``messages`` (``role``, ``content``) or a plain ``text`` (a user
prompt), the name of a ``policy`` registered on the server (``default`` unless
:func:`set_guard_policies` registered others), ``sanitize``, extra ``canaries``, and
optionally a ``model`` (with ``version`` and a record ``id``). The answer is the guard's
result document (``version``, ``flagged``, ``breakdown``, ``payload``, and ``sanitized``
when asked), as :meth:`watchkeeper.llm.guard.GuardResult.to_dict` writes it.

With ``model``, the request is also stored as one prediction record of that model (its
``version``, or the active one) through the service, so that windows, drift against the
version's reference, monitors, alerts, ``/metrics`` and the dashboard work for prompts
as for any model: ``prediction`` is ``flagged``, ``latency_ms`` the guard's own time,
and the features are :data:`watchkeeper.llm.monitoring.GUARD_FEATURES` (the prompt's and
the response's descriptors, the verdict and each detector's hit and score; the list and
its kinds are in that module and in docs/llm-guard.md).

A model whose schema declares features receives only those (declare the subset to
watch); one without declared features receives them all. The answer then carries
``logged``: ``{model, version, id, accepted, duplicate}`` and the reason when the
service rejected the record. Build the version's reference with
:func:`watchkeeper.llm.monitoring.guard_reference` on reference prompts so that drift
compares like with like.

No raw text is stored by default: the record holds descriptors and detector results only.
The policy's ``log_text`` opts in: ``true`` stores the prompt and the response as the
features ``prompt_text`` and ``response_text`` (a model with declared features must
declare them, kind ``text``, where ``pii: mask`` applies), ``on_request`` only when the
body sets ``"log_text": true``; the flag under a policy without ``log_text`` is a 422.
``logged.text`` says whether text was stored.

Bad input (in bounded time; every expression the guard runs has bounded repetition):

==========================================  ==============================================
request                                     answer
==========================================  ==============================================
no messages and no text (or ``[]``)         200, not flagged, empty breakdown (logged as
                                            an empty prompt when ``model`` is given)
``text`` and ``messages`` together          422 naming both fields
unknown role                                422, ``errors[0].field`` is ``messages[i].role``
content that is not text                    422, ``messages[i].content``
escaped lone surrogates (``"\\ud800"``)     422, ``messages[i].content``
more characters than the policy's           413 (the default policy allows 1,000,000)
``max_chars``; a body over the server's
body limit
body that is not UTF-8 or not JSON          400 (with the offset of the first bad byte)
JSON nested deeper than the parser allows   400 "nested too deeply" (the parser stops at the
                                            interpreter's recursion limit, in microseconds)
unknown policy, model or version            422, 404, 404
==========================================  ==============================================

``GET /v1/guard/stats`` (the detectors' hit rates per window) is in
:mod:`._routes_guard_stats`.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import pyarrow as pa
from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr
from starlette.responses import Response

from watchkeeper._exceptions import InputError
from watchkeeper.llm.guard import Guard, GuardResult, Policy
from watchkeeper.llm.monitoring import guard_feature_schema, guard_features, prompt_and_response
from watchkeeper.server._auth import IngestKey
from watchkeeper.server._common import (
    ERROR_RESPONSES,
    StrictJSONRoute,
    answer,
    call,
    service_of,
)
from watchkeeper.server._guard_caps import cap_answer
from watchkeeper.server._protocol import ServiceAPI
from watchkeeper.server._schemas import NAME_PATTERN

__all__ = ["INLINE_CHARS", "GuardIn", "router", "set_guard_policies"]


router = APIRouter(route_class=StrictJSONRoute, tags=["guard"], responses=ERROR_RESPONSES)
# Served first (server.api_routers): FastAPI matches a request against the routers in
# order, ~8 us a route, and the guard is the endpoint with a latency target.
ORDER = 0

Role = Literal["user", "tool", "function", "assistant", "system", "developer"]
Name = Annotated[StrictStr, Field(pattern=NAME_PATTERN)]
# Raw text, stored only when the policy's log_text allows it (docs/compliance.md).
_TEXT_FEATURES = ("prompt_text", "response_text")
# Requests up to this many characters are scanned on the event loop: the scan is CPU
# work under the GIL either way, so a worker thread adds a hand-off (and, on a busy
# machine, a wait for the woken thread to get a core) without adding parallelism, and
# concurrent requests served one after the other finish sooner on average than the
# same requests time-sliced. Longer ones (tens of milliseconds and up) go to the
# threadpool so that one huge prompt does not hold every other connection.
INLINE_CHARS = 8_000


class GuardMessageIn(BaseModel):
    """One chat message."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Role
    content: StrictStr | None = None


class GuardIn(BaseModel):
    """The body of ``POST /v1/guard``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    messages: list[GuardMessageIn] = Field(default_factory=list, max_length=100_000)
    text: StrictStr | None = None
    policy: Name = "default"
    sanitize: StrictBool = False
    canaries: list[Annotated[StrictStr, Field(min_length=1, max_length=256)]] = Field(
        default_factory=list, max_length=100
    )
    model: Name | None = None
    version: Name | None = None
    id: Annotated[StrictStr, Field(min_length=1, max_length=200)] | None = None
    log_text: StrictBool = False


class LoggedOut(BaseModel):
    model: str
    version: str
    id: str
    accepted: bool
    duplicate: bool
    text: bool = False
    error: str | None = None


class GuardOut(BaseModel):
    version: int
    flagged: bool
    breakdown: list[dict[str, Any]]
    payload: list[dict[str, Any]]
    truncated: bool = False
    span_counts: dict[str, int] = {}
    sanitized: list[str] | None = None
    logged: LoggedOut | None = None


def set_guard_policies(app: FastAPI, policies: Mapping[str, Policy]) -> None:
    """Register named guard policies on ``app`` (``default`` is added when missing).

    >>> from fastapi import FastAPI
    >>> app = FastAPI()
    >>> set_guard_policies(app, {"strict": Policy().with_scanner("pii", threshold=0.3)})
    >>> sorted(app.state.guard_policies)
    ['default', 'strict']
    """
    guards = {name: Guard(policy) for name, policy in policies.items()}
    guards.setdefault("default", Guard())
    app.state.guard_policies = guards


def _guard(request: Request, name: str) -> Guard:
    guards: dict[str, Guard] | None = getattr(request.app.state, "guard_policies", None)
    if guards is None:
        guards = {"default": Guard()}
        request.app.state.guard_policies = guards
    guard = guards.get(name)
    if guard is None:
        raise _invalid("policy", f"policy {name!r} is not registered; use one of {sorted(guards)}")
    return guard


def _invalid(field: tuple[Any, ...] | str, message: str) -> RequestValidationError:
    loc = ("body", *field) if isinstance(field, tuple) else ("body", field)
    return RequestValidationError([{"type": "value_error", "loc": loc, "msg": message}])


def _has_surrogate(text: str) -> bool:
    r"""Whether ``text`` holds a UTF-16 surrogate code point (U+D800 to U+DFFF).

    The strict UTF-8 codec refuses exactly those, in C: a fifth of the time of a regular
    expression's search over a 4,000-character prompt.

    >>> _has_surrogate("caf\u00e9 \U0001f600"), _has_surrogate("a\ud800b")
    (False, True)
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _messages(body: GuardIn) -> list[dict[str, str]]:
    if body.text is not None and body.messages:
        raise _invalid("text", "send either 'text' (one user prompt) or 'messages', not both")
    if body.text is not None:
        items = [("user", body.text)]
    else:
        items = [(m.role, m.content or "") for m in body.messages]
    for index, (_, content) in enumerate(items):
        if _has_surrogate(content):
            field = ("text",) if body.text is not None else ("messages", index, "content")
            raise _invalid(
                field,
                "holds an unpaired UTF-16 surrogate escape (such as \\ud800), which is not "
                "text; send the character itself or drop it",
            )
    return [{"role": role, "content": content} for role, content in items]


def _too_large(messages: Sequence[Mapping[str, str]], guard: Guard) -> int:
    total = sum(len(m["content"]) for m in messages)
    if total > guard.policy.max_chars:
        raise HTTPException(
            status_code=413,
            detail=(
                f"the request has {total} characters, over the guard policy's max_chars "
                f"{guard.policy.max_chars}; split the text or raise max_chars in the policy"
            ),
        )
    return total


def _text_logged(body: GuardIn, policy: Policy) -> bool:
    """Whether raw text is stored: the policy's ``log_text`` (``never`` by default)."""
    if body.log_text and policy.log_text == "never":
        raise _invalid(
            "log_text",
            f"policy {body.policy!r} does not allow storing raw text (its log_text is false); "
            "set log_text: on_request in the policy, or drop the flag",
        )
    return policy.log_text == "always" or (policy.log_text == "on_request" and body.log_text)


def _record(
    record_id: str, flagged: bool, latency_ms: float, features: Mapping[str, Any], policy: Policy
) -> pa.Table:
    schema = guard_feature_schema(policy, prefix="feature.")
    columns: dict[str, pa.Array] = {
        "id": pa.array([record_id], pa.string()),
        "timestamp": pa.array([datetime.now(UTC)], pa.timestamp("us", tz="UTC")),
        "prediction": pa.array([flagged], pa.bool_()),
        "latency_ms": pa.array([latency_ms], pa.float64()),
    }
    for field in schema:
        name = field.name[len("feature.") :]
        if name in features:
            columns[field.name] = pa.array([features[name]], field.type)
    for name in _TEXT_FEATURES:
        if name in features:
            columns[f"feature.{name}"] = pa.array([features[name]], pa.string())
    return pa.table(columns)


def declared_features(schema: Mapping[str, Any]) -> set[str] | None:
    """The features a model's schema declares, or None when it declares none (all)."""
    features = schema.get("features") if isinstance(schema, Mapping) else None
    return set(features) if isinstance(features, Mapping) and features else None


def _log(
    service: ServiceAPI,
    model: str,
    body: GuardIn,
    messages: Sequence[Mapping[str, str]],
    result: GuardResult,
    latency_ms: float,
    policy: Policy,
) -> dict[str, Any]:
    info = service.get_model(model)
    version = body.version or info.active_version
    if version is None:
        raise InputError(f"model {model!r} has no active version; send 'version' or promote one")
    features = guard_features(messages, result, policy)
    if _text_logged(body, policy):
        features.update(zip(_TEXT_FEATURES, prompt_and_response(messages), strict=True))
    declared = declared_features(info.schema)
    if declared is not None:
        features = {name: value for name, value in features.items() if name in declared}
    record_id = body.id or uuid.uuid4().hex
    table = _record(record_id, result.flagged, latency_ms, features, policy)
    outcome = service.ingest_predictions(model, version, table)
    logged: dict[str, Any] = {
        "model": model,
        "version": version,
        "id": record_id,
        "accepted": outcome.accepted == 1,
        "duplicate": outcome.duplicates == 1,
        "text": outcome.accepted == 1 and any(name in features for name in _TEXT_FEATURES),
    }
    if outcome.rejected:
        first = outcome.rejected[0]
        logged["error"] = f"{first.field} {first.message}"
    return logged


def _scan(guard: Guard, messages: list[dict[str, str]], body: GuardIn) -> tuple[GuardResult, float]:
    started = time.perf_counter()
    if not messages:
        # A documented verdict rather than the library's InputError: an application
        # that forwards whatever it holds should not have to special-case an empty chat.
        result = GuardResult(False, (), (), () if body.sanitize else None)
    else:
        result = guard.scan(messages, canaries=body.canaries, sanitize=body.sanitize)
    return result, (time.perf_counter() - started) * 1000.0


@router.post(
    "/v1/guard",
    response_model=GuardOut,
    summary="Scan a prompt, a response or a chat with the LLM guard (and log it to a model)",
    responses={413: {"description": "over the body limit or the policy's max_chars"}},
)
async def guard_endpoint(request: Request, principal: IngestKey, body: GuardIn) -> Response:
    """Prompt attacks, PII, secrets, hidden text and canary leaks, in milliseconds."""
    guard = _guard(request, body.policy)
    _text_logged(body, guard.policy)  # a flag the policy refuses is a 422 before any scan
    messages = _messages(body)
    if _too_large(messages, guard) <= INLINE_CHARS:
        result, latency_ms = _scan(guard, messages, body)
    else:
        result, latency_ms = await call(_scan, guard, messages, body)
    payload = cap_answer(result.to_dict())
    if body.model is not None:
        payload["logged"] = await call(
            _log, service_of(request), body.model, body, messages, result, latency_ms, guard.policy
        )
    return answer(payload)
