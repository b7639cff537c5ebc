"""Privacy declarations: the schema's ``pii:`` and ``subject:``, and mask/hash/drop as pure
functions over Arrow columns."""

from __future__ import annotations

import hashlib
import hmac

import pyarrow as pa
import pytest

from watchkeeper._exceptions import ConfigError, SchemaError
from watchkeeper.compliance import (
    PII_KEY_ENV,
    PiiAction,
    PrivacyPlan,
    apply_privacy,
    hash_column,
    hash_value,
    mask_column,
    mask_text,
    pii_key_from_env,
)
from watchkeeper.llm.guard import get_scanner
from watchkeeper.schema import Schema, infer_schema, parse_overrides

KEY = b"a server secret, 32 bytes long.."


def test_hash_is_hmac_sha256_rfc4231_test_case_2() -> None:
    # RFC 4231, section 4.3: key "Jefe", data "what do ya want for nothing?".
    assert hash_value("what do ya want for nothing?", b"Jefe") == (
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )


def test_hash_column_keeps_nulls_and_equality_and_depends_on_the_key() -> None:
    values = pa.chunked_array([["jane@example.org", None], ["bob@example.org", "jane@example.org"]])
    out = hash_column(values, KEY).to_pylist()
    expected = hmac.new(KEY, b"jane@example.org", hashlib.sha256).hexdigest()
    assert out[0] == out[3] == expected
    assert out[1] is None
    assert out[2] != out[0]
    assert hash_column(values, b"another secret of 32 bytes......").to_pylist()[0] != expected
    assert not any("@" in v for v in out if v is not None)


def test_numbers_and_categories_hash_as_their_text() -> None:
    assert hash_column(pa.array([5, 12]), KEY).to_pylist() == [
        hash_value("5", KEY),
        hash_value("12", KEY),
    ]
    dictionary = pa.array(["a", "b", "a"]).dictionary_encode()
    assert hash_column(dictionary, KEY).to_pylist() == [hash_value(v, KEY) for v in "aba"]


def test_hash_without_a_key_is_refused() -> None:
    with pytest.raises(ConfigError, match=PII_KEY_ENV):
        hash_column(pa.array(["x"]), b"")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("mail jane.doe@example.org today", "mail [REDACTED_EMAIL] today"),
        ("card 4539 5787 6362 1486.", "card [REDACTED_CREDIT_CARD]."),
        ("IBAN GB82 WEST 1234 5698 7654 32", "IBAN [REDACTED_IBAN]"),
        ("ssn 536-22-1234", "ssn [REDACTED_US_SSN]"),
        ("key AKIAIOSFODNN7EXAMPLE ok", "key [REDACTED_AWS_ACCESS_KEY_ID] ok"),
        ("nothing personal here", "nothing personal here"),
        ("", ""),
    ],
)
def test_mask_replaces_what_the_guard_finds(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def test_masked_text_has_nothing_left_for_the_guards_scanner() -> None:
    texts = [
        "reach me at a.b@corp.example or +44 20 7946 0958, card 4539578763621486",
        "two mails: x@y.example and z@w.example",
    ]
    for masked in mask_column(pa.array(texts)).to_pylist():
        assert get_scanner("pii").func(masked, {}).findings == ()


def test_mask_is_for_text_only() -> None:
    assert mask_column(pa.array(["a", None])).to_pylist() == ["a", None]
    with pytest.raises(SchemaError, match="pii: hash or pii: drop"):
        mask_column(pa.array([1.5, 2.0]))


def test_apply_privacy_masks_hashes_and_drops_and_leaves_the_rest() -> None:
    table = pa.table(
        {
            "customer": ["c1", "c2", None],
            "notes": ["call +44 20 7946 0958", "fine", None],
            "name": ["Jane", "Bob", "Ann"],
            "age": [31.0, 45.0, 22.0],
        }
    )
    plan = PrivacyPlan(
        {"customer": PiiAction.HASH, "notes": PiiAction.MASK, "name": PiiAction.DROP}
    )
    out = apply_privacy(table, plan, KEY)
    assert out.column_names == ["customer", "notes", "age"]
    assert out["customer"].to_pylist() == [hash_value("c1", KEY), hash_value("c2", KEY), None]
    assert out["notes"].to_pylist() == ["call [REDACTED_PHONE_NUMBER]", "fine", None]
    assert out["age"].equals(table["age"])
    with pytest.raises(ConfigError, match=r"'customer'.*WATCHKEEPER_PII_KEY"):
        apply_privacy(table, plan, None)
    # A plan that does not hash needs no key.
    assert apply_privacy(table, PrivacyPlan({"name": PiiAction.DROP})).num_columns == 3


def test_the_key_comes_from_the_environment_and_must_be_long_enough() -> None:
    assert pii_key_from_env({PII_KEY_ENV: "x" * 16}) == b"x" * 16
    assert pii_key_from_env({PII_KEY_ENV: ""}) is None
    with pytest.raises(ConfigError, match="at least 16"):
        pii_key_from_env({PII_KEY_ENV: "short"})


def test_schema_declares_pii_and_subject() -> None:
    overrides = {
        "columns": {
            "email": {"kind": "text", "pii": "hash"},
            "notes": {"pii": "mask"},
            "name": {"kind": "categorical", "pii": "drop"},
        },
        "subject": "email",
        "target": "churned",
    }
    parsed = parse_overrides(overrides)
    assert parsed["email"] == {"kind": "text", "pii": "hash", "subject": True}
    table = pa.table(
        {
            "email": ["a@b.example"] * 3,
            "notes": ["some free text with spaces", "more of it here", "and a third"],
            "name": ["x", "y", "z"],
            "churned": [0, 1, 0],
        }
    )
    schema = infer_schema(table, overrides)
    assert schema.subject == "email"
    assert schema.pii == {
        "email": PiiAction.HASH,
        "notes": PiiAction.MASK,
        "name": PiiAction.DROP,
    }
    # pii alone does not make the kind declared: it was inferred.
    assert (schema["notes"].kind.value, schema["notes"].declared) == ("text", False)
    assert Schema.from_dict(schema.to_dict()) == schema
    again = infer_schema(table, schema)  # a Schema as overrides keeps the declarations
    assert (again.pii, again.subject) == (schema.pii, "email")
    assert PrivacyPlan.from_schema(schema) == PrivacyPlan(schema.pii, "email")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"columns": {"email": {"pii": "encrypt"}}}, "pii 'encrypt'; use one of mask, hash"),
        ({"columns": {"email": {"kind": "text", "secret": True}}}, "'kind', 'role' and 'pii'"),
        ({"subject": ["a", "b"]}, "name one column"),
    ],
)
def test_bad_declarations_say_what_to_write(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        parse_overrides(overrides)


def test_one_subject_per_schema() -> None:
    from watchkeeper.schema import ColumnKind, ColumnSpec

    with pytest.raises(SchemaError, match="only one column can be the subject"):
        Schema(
            [
                ColumnSpec("a", ColumnKind.TEXT, subject=True),
                ColumnSpec("b", ColumnKind.TEXT, subject=True),
            ]
        )


def test_plan_from_the_services_schema_forms() -> None:
    service = {
        "features": {"email": {"kind": "text", "pii": "hash"}, "age": "numeric"},
        "columns": {"notes": {"kind": "text", "pii": "mask"}, "cid": {"subject": True}},
    }
    plan = PrivacyPlan.from_service_schema(service)
    assert plan.actions == {"email": PiiAction.HASH, "notes": PiiAction.MASK}
    assert plan.subject == "cid"
    assert PrivacyPlan.from_service_schema({"subject": "x"}).subject == "x"
    assert PrivacyPlan.from_service_schema(None).empty
    with pytest.raises(SchemaError, match="pii 'blur'"):
        PrivacyPlan.from_service_schema({"features": {"x": {"kind": "text", "pii": "blur"}}})


def test_the_subject_value_is_looked_up_as_stored() -> None:
    hashed = PrivacyPlan({"cid": PiiAction.HASH}, "cid")
    assert hashed.subject_value("c1", KEY) == hash_value("c1", KEY)
    assert hashed.subject_value(7, KEY) == hash_value("7", KEY)
    assert PrivacyPlan({}, "cid").subject_value("c1", None) == "c1"
    with pytest.raises(ConfigError):
        hashed.subject_value("c1", None)
