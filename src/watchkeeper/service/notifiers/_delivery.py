"""What a notifier answers, and how it reads its channel's settings and secrets.

A failed delivery is a value, not an exception: ``ok`` is false and ``retryable``
says whether trying again later may help (network trouble, a 5xx or 429 answer) or
not (a refused payload, a missing setting or secret). Messages never hold a secret,
a password or a URL's path and query (Slack's webhook URLs are secrets themselves).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from watchkeeper._exceptions import ConfigError
from watchkeeper.service._types import ChannelSpec

__all__ = [
    "ChannelError",
    "DeliveryResult",
    "env_secret",
    "location",
    "optional_env_secret",
    "setting",
]


@dataclass(frozen=True)
class DeliveryResult:
    """The outcome of one delivery; ``status`` is the HTTP status or SMTP reply code.

    >>> DeliveryResult(ok=False, status=503, error="answered 503", retryable=True).to_dict()
    {'ok': False, 'status': 503, 'error': 'answered 503', 'retryable': True}
    """

    ok: bool
    status: int | None = None
    error: str | None = None
    retryable: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "status": self.status,
            "error": self.error,
            "retryable": self.retryable,
        }


class ChannelError(ConfigError):
    """A channel's settings or the environment cannot make a delivery; retrying won't help."""


def setting(channel: ChannelSpec, name: str, default: Any = None, *, required: bool = False) -> Any:
    """The channel's setting ``name`` (or ``default``); a missing required one is a problem.

    >>> from watchkeeper.service import ChannelSpec
    >>> setting(ChannelSpec("ops", "webhook", {"url": "http://x"}), "timeout", 10.0)
    10.0
    """
    value = channel.settings.get(name)
    if value is None or value == "":
        if required:
            raise ChannelError(
                f"channel {channel.name!r} ({channel.type}) has no setting {name!r}; "
                f"add it under channels.{channel.name}.settings"
            )
        return default
    return value


def env_secret(channel: ChannelSpec, name: str, environ: Mapping[str, str]) -> str:
    """The secret held by the environment variable that the required setting ``name`` names.

    >>> from watchkeeper.service import ChannelSpec
    >>> ch = ChannelSpec("ops", "webhook", {"secret_env": "OPS_SECRET"})
    >>> env_secret(ch, "secret_env", {"OPS_SECRET": "s3cret"})
    's3cret'
    """
    return _read_secret(channel, name, str(setting(channel, name, required=True)), environ)


def optional_env_secret(channel: ChannelSpec, name: str, environ: Mapping[str, str]) -> str | None:
    """Like :func:`env_secret`, but ``None`` when the channel does not set ``name``.

    >>> from watchkeeper.service import ChannelSpec
    >>> optional_env_secret(ChannelSpec("ops", "webhook", {}), "secret_env", {}) is None
    True
    """
    variable = setting(channel, name)
    return None if variable is None else _read_secret(channel, name, str(variable), environ)


def _read_secret(channel: ChannelSpec, name: str, variable: str, environ: Mapping[str, str]) -> str:
    value = environ.get(variable)
    if not value:
        # Name the variable, never its value.
        raise ChannelError(
            f"channel {channel.name!r} ({channel.type}) reads its secret from the environment "
            f"variable {variable!r} ({name}), which is not set; set it where the service runs"
        )
    return value


def location(url: str) -> str:
    """Where a URL points, without user info, path or query (which may hold secrets).

    >>> location("https://hooks.slack.com/services/T000/B000/XXXX")
    'https://hooks.slack.com'
    >>> location("http://user:pw@127.0.0.1:8080/hook?token=1")
    'http://127.0.0.1:8080'
    """
    parts = urlsplit(url)
    host = parts.hostname or "?"
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{parts.scheme}://{host}" + ("" if port is None else f":{port}")
