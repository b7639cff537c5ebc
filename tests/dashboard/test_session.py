"""Sessions: signed cookie values, expiry, sign-out, CSRF and sign-in tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper.dashboard import SessionStore

T = datetime(2024, 1, 1, tzinfo=UTC)


def test_sessions_expire_with_the_injected_clock() -> None:
    now = [T]
    store = SessionStore(secret=b"s" * 32, lifetime=timedelta(hours=1), clock=lambda: now[0])
    session = store.create("key_1", "ana", ("read",))
    cookie = store.cookie_value(session)
    now[0] = T + timedelta(minutes=59)
    assert store.get(cookie) == session
    now[0] = T + timedelta(hours=1)
    assert store.get(cookie) is None
    assert len(store) == 0


def test_another_secret_does_not_accept_the_cookie() -> None:
    first = SessionStore(secret=b"a" * 32)
    second = SessionStore(secret=b"b" * 32)
    session = first.create("key_1", "ana", ("admin",))
    assert second.get(first.cookie_value(session)) is None


def test_the_cookie_holds_no_key_material() -> None:
    store = SessionStore()
    session = store.create("key_1", "ana", ("admin",))
    cookie = store.cookie_value(session)
    assert "key_1" not in cookie and "ana" not in cookie and session.csrf not in cookie


def test_a_login_token_is_not_a_session_signature() -> None:
    store = SessionStore(secret=b"k" * 32)
    session = store.create("key_1", "ana", ("admin",))
    # The same HMAC key signs both, with a purpose: one cannot stand in for the other.
    forged = f"{session.id}.{store.login_token(session.id)}"
    assert store.get(forged) is None


@settings(max_examples=200, deadline=None)
@given(position=st.integers(min_value=0), replacement=st.characters(codec="ascii"))
def test_any_changed_character_invalidates_the_cookie(position: int, replacement: str) -> None:
    store = SessionStore(secret=b"k" * 32)
    session = store.create("key_1", "ana", ("read",))
    cookie = store.cookie_value(session)
    index = position % len(cookie)
    changed = cookie[:index] + replacement + cookie[index + 1 :]
    if changed != cookie:
        assert store.get(changed) is None


@given(token=st.text(max_size=60))
def test_only_the_session_token_passes_csrf(token: str) -> None:
    store = SessionStore(secret=b"k" * 32)
    session = store.create("key_1", "ana", ("read",))
    assert store.check_csrf(session, token) == (token == session.csrf)
