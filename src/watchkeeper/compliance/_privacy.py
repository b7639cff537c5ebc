"""Privacy at ingestion: the ``pii: mask|hash|drop`` declarations, as pure functions over
Arrow columns.

- ``mask`` replaces what the guard's PII and secret scanners
  (:mod:`watchkeeper.llm.guard`) find in a text value with ``[REDACTED_KIND]``, the
  placeholders of the guard's sanitise mode; the rest of the text is kept, so text
  statistics (length, vocabulary) still mean something.
- ``hash`` keeps ``HMAC-SHA256(key, text of the value)`` as 64 hex digits. Keyed, so that
  nobody without the server's secret can confirm a guess by hashing it (a plain hash of
  an e-mail address is a lookup away from the address); deterministic, so equal values
  stay equal and joins, counts and erasure by subject still work. The key is the
  server's secret ``WATCHKEEPER_PII_KEY``; a schema that hashes is refused without it.
- ``drop`` keeps nothing of the column.

Nulls stay null under every action.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

from watchkeeper._exceptions import ConfigError, SchemaError
from watchkeeper.schema._model import PiiAction, Schema

if TYPE_CHECKING:
    from watchkeeper.llm.guard import Finding

__all__ = [
    "MIN_KEY_BYTES",
    "PII_KEY_ENV",
    "PrivacyPlan",
    "apply_privacy",
    "hash_column",
    "hash_value",
    "mask_column",
    "mask_text",
    "pii_key_from_env",
]

PII_KEY_ENV = "WATCHKEEPER_PII_KEY"
MIN_KEY_BYTES = 16
_MASKING_SCANNERS = ("pii", "secrets")

ArrowColumn: TypeAlias = pa.Array | pa.ChunkedArray


def pii_key_from_env(environ: Mapping[str, str] | None = None) -> bytes | None:
    """The server's secret for ``pii: hash`` (``WATCHKEEPER_PII_KEY``), or None if unset.

    >>> pii_key_from_env({"WATCHKEEPER_PII_KEY": "correct horse battery staple"})
    b'correct horse battery staple'
    >>> pii_key_from_env({}) is None
    True
    """
    env: Mapping[str, str] = os.environ if environ is None else environ
    raw = env.get(PII_KEY_ENV)
    if not raw:
        return None
    key = raw.encode("utf-8")
    if len(key) < MIN_KEY_BYTES:
        raise ConfigError(
            f"{PII_KEY_ENV} is {len(key)} bytes; give at least {MIN_KEY_BYTES} random bytes, "
            "e.g. the output of: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return key


def _text(values: ArrowColumn) -> pa.ChunkedArray:
    """The text of each value (what is hashed): strings as they are, numbers and
    booleans as Arrow prints them (``5``, ``2.5``, ``true``)."""
    chunked = values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values])
    if pa.types.is_dictionary(chunked.type):
        chunked = chunked.cast(chunked.type.value_type)
    if pa.types.is_string(chunked.type) or pa.types.is_large_string(chunked.type):
        return chunked
    try:
        return pc.cast(chunked, pa.string())
    except pa.ArrowNotImplementedError:
        raise SchemaError(
            f"a column of {chunked.type} cannot be hashed; declare pii: drop for it"
        ) from None


def _per_distinct(values: pa.ChunkedArray, func: Callable[[str], str]) -> pa.Array:
    """``func`` applied once per distinct non-null value, nulls kept."""
    encoded = pc.dictionary_encode(values).combine_chunks()
    dictionary = [func(value) for value in encoded.dictionary.to_pylist()]
    return pc.take(pa.array(dictionary, pa.string()), encoded.indices)


def hash_value(value: str, key: bytes) -> str:
    """HMAC-SHA256 of ``value`` under ``key``, as 64 hex digits.

    >>> hash_value("jane@example.org", b"0123456789abcdef")[:16]
    '1542ec2f22be1b6b'
    """
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def hash_column(values: ArrowColumn, key: bytes) -> pa.Array:
    """Every value replaced by :func:`hash_value` of its text; nulls stay null.

    >>> out = hash_column(pa.array(["a", None, "a"]), b"0123456789abcdef")
    >>> out.null_count, out[0] == out[2], len(out[0].as_py())
    (1, True, 64)
    """
    if not key:
        raise ConfigError(f"pii: hash needs the server's secret; set {PII_KEY_ENV}")
    return _per_distinct(_text(values), lambda text: hash_value(text, key))


def mask_text(text: str) -> str:
    """``text`` with the personal data and secrets the guard's scanners find replaced.

    >>> mask_text("write to jane.doe@example.org or call +44 20 7946 0958")
    'write to [REDACTED_EMAIL] or call [REDACTED_PHONE_NUMBER]'
    """
    from watchkeeper.llm.guard import get_scanner

    findings: list[Finding] = []
    for name in _MASKING_SCANNERS:
        findings.extend(get_scanner(name).func(text, {}).findings)
    # Right to left, so earlier offsets stay valid; overlapping findings keep the first.
    end = len(text) + 1
    for finding in sorted(findings, key=lambda f: (f.start, -f.end), reverse=True):
        if finding.end > end:
            continue
        text = f"{text[: finding.start]}[REDACTED_{finding.kind.upper()}]{text[finding.end :]}"
        end = finding.start
    return text


def mask_column(values: ArrowColumn) -> pa.Array:
    """:func:`mask_text` on every value of a text column (once per distinct value).

    >>> mask_column(pa.array(["card 4539 5787 6362 1486", None, "hello"])).to_pylist()
    ['card [REDACTED_CREDIT_CARD]', None, 'hello']
    """
    chunked = values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values])
    if pa.types.is_dictionary(chunked.type):
        chunked = chunked.cast(chunked.type.value_type)
    if not (pa.types.is_string(chunked.type) or pa.types.is_large_string(chunked.type)):
        raise SchemaError(
            f"pii: mask applies to text and this column is {chunked.type}; "
            "declare pii: hash or pii: drop for it"
        )
    return _per_distinct(chunked, mask_text)


@dataclass(frozen=True)
class PrivacyPlan:
    """The privacy declarations of one model: an action per column and the subject.

    >>> plan = PrivacyPlan({"email": PiiAction.HASH, "notes": PiiAction.MASK}, "email")
    >>> plan.needs_key, plan.subject
    (True, 'email')
    """

    actions: Mapping[str, PiiAction] = field(default_factory=dict)
    subject: str | None = None

    @property
    def needs_key(self) -> bool:
        return PiiAction.HASH in self.actions.values()

    @property
    def empty(self) -> bool:
        return not self.actions

    @classmethod
    def from_schema(cls, schema: Schema) -> PrivacyPlan:
        """The plan a :class:`~watchkeeper.schema.Schema` declares."""
        return cls(dict(schema.pii), schema.subject)

    @classmethod
    def from_service_schema(cls, schema: Mapping[str, Any] | None) -> PrivacyPlan:
        """The plan in a model's stored schema: ``pii`` in an entry of ``features`` or
        ``columns`` (``{"kind": "text", "pii": "mask"}``), and ``subject`` at the top or
        in a ``columns`` entry.

        >>> PrivacyPlan.from_service_schema({"features": {"email": {"kind": "text",
        ...     "pii": "hash"}, "age": "numeric"}, "subject": "email"})
        PrivacyPlan(actions={'email': <PiiAction.HASH: 'hash'>}, subject='email')
        """
        schema = schema or {}
        actions: dict[str, PiiAction] = {}
        subject = schema.get("subject")
        parts = [schema.get("features"), schema.get("columns")]
        if parts == [None, None]:
            # The short form, {name: {"kind": ..., "pii": ...}}, that POST /v1/models
            # takes too (its pii was accepted and then not applied).
            parts = [{n: e for n, e in schema.items() if isinstance(e, Mapping) and "kind" in e}]
        for entries in parts:
            if not isinstance(entries, Mapping):
                continue
            for name, entry in entries.items():
                if not isinstance(entry, Mapping):
                    continue
                if entry.get("pii") is not None:
                    try:
                        actions[str(name)] = PiiAction(entry["pii"])
                    except ValueError:
                        raise SchemaError(
                            f"column {name!r} has pii {entry['pii']!r}; use one of "
                            f"{', '.join(p.value for p in PiiAction)}"
                        ) from None
                if entry.get("subject") is True:
                    subject = str(name)
        if subject is not None and not isinstance(subject, str):
            raise SchemaError(f"'subject' is {subject!r}; name one column")
        return cls(actions, subject)

    def check_key(self, key: bytes | None) -> None:
        """Refuse a plan that hashes when the server has no secret."""
        if self.needs_key and not key:
            columns = sorted(n for n, a in self.actions.items() if a is PiiAction.HASH)
            raise ConfigError(
                f"columns {columns} are declared pii: hash, but the server has no secret to "
                f"hash them with; set {PII_KEY_ENV} (at least {MIN_KEY_BYTES} random bytes)"
            )

    def subject_value(self, value: Any, key: bytes | None) -> str:
        """How the subject ``value`` is stored: hashed if the subject column is hashed.

        >>> PrivacyPlan({}, "customer").subject_value(42, None)
        '42'
        """
        text = str(_text(pa.array([value])).to_pylist()[0])
        if self.subject is not None and self.actions.get(self.subject) is PiiAction.HASH:
            self.check_key(key)
            return hash_value(text, key or b"")
        return text


def apply_privacy(table: pa.Table, plan: PrivacyPlan, key: bytes | None = None) -> pa.Table:
    """``table`` with each declared column masked, hashed or dropped (others untouched).

    >>> table = pa.table({"email": ["a@b.example"], "note": ["mail a@b.example"], "x": [1]})
    >>> plan = PrivacyPlan({"email": PiiAction.HASH, "note": PiiAction.MASK,
    ...                     "x": PiiAction.DROP})
    >>> out = apply_privacy(table, plan, b"0123456789abcdef")
    >>> out.column_names, out["note"].to_pylist()
    (['email', 'note'], ['mail [REDACTED_EMAIL]'])
    """
    plan.check_key(key)
    for name, action in plan.actions.items():
        if name not in table.column_names:
            continue
        index = table.column_names.index(name)
        if action is PiiAction.DROP:
            table = table.remove_column(index)
            continue
        column = table.column(index)
        values = (
            mask_column(column) if action is PiiAction.MASK else hash_column(column, key or b"")
        )
        table = table.set_column(index, pa.field(name, pa.string()), values)
    return table
