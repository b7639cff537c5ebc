"""One JSON POST with a timeout, shared by the HTTP notifiers.

Written on the standard library's ``urllib`` so that notifications need no extra
package; the notifiers send one small request per alert transition, where a
connection pool would buy nothing. Redirects are not followed: a webhook that moved
should be reconfigured, and following a redirect would re-send the signed body
elsewhere. Proxies come from the usual ``HTTPS_PROXY``/``NO_PROXY`` variables.

An answer is a success when its status is 2xx. A 408, 425, 429 or 5xx answer and
every network error (refused, reset, timed out, DNS) are retryable; any other answer
is not, because sending the same payload again would be refused again.
"""

from __future__ import annotations

import http.client
import json
import math
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from watchkeeper._version import __version__
from watchkeeper.service.notifiers._delivery import ChannelError, DeliveryResult, location

__all__ = ["RETRYABLE_STATUSES", "json_body", "post"]

RETRYABLE_STATUSES = frozenset({408, 425, 429})
USER_AGENT = f"watchkeeper/{__version__}"
_ANSWER_EXCERPT = 200


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def json_body(payload: Any) -> bytes:
    """Compact UTF-8 JSON; NaN and infinities (which JSON lacks) become null.

    >>> json_body({"value": float("nan"), "n": [1.5, float("inf")], "name": "é"})
    b'{"value":null,"n":[1.5,null],"name":"\\\\u00e9"}'
    """
    return json.dumps(_finite(payload), separators=(",", ":"), allow_nan=False).encode()


def _finite(obj: Any) -> Any:
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, Mapping):
        return {key: _finite(value) for key, value in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(value) for value in obj]
    return obj


def post(
    url: str, body: bytes, *, headers: Mapping[str, str] | None = None, timeout: float = 10.0
) -> DeliveryResult:
    """POST ``body`` as JSON to ``url``; never raises for network trouble.

    >>> try:
    ...     post("file:///etc/passwd", b"{}")
    ... except ChannelError as exc:
    ...     print(exc)
    URL scheme 'file' cannot receive notifications; use an http:// or https:// URL
    """
    scheme = urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise ChannelError(
            f"URL scheme {scheme!r} cannot receive notifications; use an http:// or https:// URL"
        )
    where = location(url)
    try:
        request = urllib.request.Request(url, data=body, method="POST")
    except ValueError as exc:
        raise _bad_url(where, exc) from None
    request.add_header("Content-Type", "application/json")
    request.add_header("User-Agent", USER_AGENT)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as answer:
            answer.read()
            return DeliveryResult(ok=True, status=answer.status)
    except (http.client.InvalidURL, ValueError) as exc:
        raise _bad_url(where, exc) from None
    except urllib.error.HTTPError as exc:
        status = exc.code
        excerpt = _excerpt(exc)
        retryable = status >= 500 or status in RETRYABLE_STATUSES
        message = f"POST to {where} answered {status}"
        if 300 <= status < 400:
            message += " (a redirect, not followed; configure the final URL)"
        return DeliveryResult(
            ok=False,
            status=status,
            error=message + (f": {excerpt}" if excerpt else ""),
            retryable=retryable,
        )
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        return DeliveryResult(
            ok=False,
            status=None,
            error=f"POST to {where} failed: {type(reason).__name__}: {reason}",
            retryable=True,
        )


def _excerpt(exc: urllib.error.HTTPError) -> str:
    try:
        text = exc.read(_ANSWER_EXCERPT + 1).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return ""
    finally:
        exc.close()
    text = " ".join(text.split())
    return text if len(text) <= _ANSWER_EXCERPT else text[:_ANSWER_EXCERPT] + "..."


def _bad_url(where: str, exc: Exception) -> ChannelError:
    # The exception's text may quote the whole URL, which can hold a token: name its kind only.
    return ChannelError(
        f"the URL for {where} is malformed ({type(exc).__name__}); check the channel's url"
    )
