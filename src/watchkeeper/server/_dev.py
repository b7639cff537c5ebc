"""Dev mode (API keys off) made safe by construction, not by the CLI's care.

With keys off, anything that can make a browser send a request to the server can act as
admin: a page on another site (a cross-site form post needs no CORS permission) or a
DNS-rebinding name that resolves to 127.0.0.1. So in dev mode:

- :func:`check_dev_host` refuses to build the app unless it listens on loopback;
- ``TrustedHostMiddleware`` answers 400 to any ``Host`` but localhost, 127.0.0.1, [::1];
- :class:`DevContentTypeMiddleware` answers 415 to a ``POST`` under ``/v1`` whose body
  type is one a cross-site form may send without a CORS preflight (none,
  ``text/plain``, ``application/x-www-form-urlencoded``, ``multipart/form-data``).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from watchkeeper._exceptions import ConfigError
from watchkeeper.server._auth import is_loopback
from watchkeeper.server._limits import answer_early

__all__ = ["DEV_HOSTS", "DevContentTypeMiddleware", "check_dev_host"]

DEV_HOSTS = ("localhost", "127.0.0.1", "[::1]")
# The media types of a CORS "simple" request: a page of any site may send them.
_SIMPLE = frozenset({"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"})


def check_dev_host(host: str) -> None:
    """Refuse auth off on an address other machines can reach.

    >>> check_dev_host("127.0.0.1")
    >>> check_dev_host("0.0.0.0")
    Traceback (most recent call last):
    ...
    watchkeeper._exceptions.ConfigError: API keys are off (dev mode or WATCHKEEPER_AUTH=0) ...
    """
    if not is_loopback(host):
        raise ConfigError(
            f"API keys are off (dev mode or WATCHKEEPER_AUTH=0) but the server would listen "
            f"on {host!r}, which other machines reach; listen on 127.0.0.1 or create keys "
            "with: watchkeeper keys create --scope admin"
        )


class DevContentTypeMiddleware:
    """415 for a ``POST`` under ``/v1`` that a cross-site form could have sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope.get("method") == "POST"
            and scope.get("path", "").startswith("/v1/")
        ):
            media = ""
            for name, value in scope.get("headers", ()):
                if name == b"content-type":
                    media = value.decode("latin-1").split(";", 1)[0].strip().lower()
            if media in _SIMPLE:
                await answer_early(
                    send, 415,
                    f"in dev mode (API keys off) a POST must say Content-Type: application/json "
                    f"(or an Arrow, parquet or profile type), not {media or 'nothing'!r}, so that "
                    "no other site's page can send it",
                )  # fmt: skip
                return
        await self.app(scope, receive, send)
