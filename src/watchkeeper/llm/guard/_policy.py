"""Policies: which scanners run, at which thresholds, with which options.

A policy is data. It is built from a dict or YAML such as::

    max_chars: 1000000
    scanners:
      prompt_attack: {threshold: 0.7}
      links: {enabled: true, allowed_domains: [example.com]}

Scanners the document does not mention keep their registered defaults. Thresholds
are in [0, 1]; a scanner detects when its score (higher is worse) reaches it.

``log_text`` says whether the server may store the raw prompt and response text when it
logs a request to a model: ``false`` (the default: descriptors and detector results
only), ``true`` (always), or ``on_request`` (when the request sets ``log_text``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from watchkeeper._exceptions import ConfigError, UnknownMethodError
from watchkeeper.llm.guard._banned import compile_user_pattern
from watchkeeper.llm.guard._registry import available_scanners, get_scanner

__all__ = ["DEFAULT_MAX_CHARS", "DEFAULT_MAX_MESSAGES", "Policy", "ScannerSettings"]

DEFAULT_MAX_CHARS = 1_000_000
DEFAULT_MAX_MESSAGES = 1_000
LOG_TEXT = ("never", "always", "on_request")
_SETTING_KEYS = frozenset({"enabled", "threshold"})
_STRING_LISTS = frozenset(
    {"substrings", "patterns", "allowed_domains", "tokens", "kinds", "categories", "context"}
)


@dataclass(frozen=True)
class ScannerSettings:
    """How one scanner runs: on or off, its threshold and its options."""

    enabled: bool
    threshold: float
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


def _default_scanners() -> Mapping[str, ScannerSettings]:
    return MappingProxyType(
        {
            s.name: ScannerSettings(s.enabled_by_default, s.default_threshold)
            for s in available_scanners()
        }
    )


@dataclass(frozen=True)
class Policy:
    """Which scanners run and how; ``max_chars`` caps a request's total characters.

    >>> links = {"enabled": True, "allowed_domains": ["a.org"]}
    >>> policy = Policy.from_dict({"scanners": {"links": links}})
    >>> policy.scanners["links"].enabled, policy.scanners["pii"].threshold
    (True, 0.5)
    """

    scanners: Mapping[str, ScannerSettings] = field(default_factory=_default_scanners)
    max_chars: int = DEFAULT_MAX_CHARS
    max_messages: int = DEFAULT_MAX_MESSAGES
    log_text: str = "never"  # one of LOG_TEXT: whether raw text may be stored when logged

    @classmethod
    def default(cls) -> Policy:
        """The registered defaults."""
        return cls()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, path: str | None = None) -> Policy:
        """Build a policy from a mapping, validating every name and value."""
        if not isinstance(data, Mapping):
            raise ConfigError("a guard policy must be a mapping with a 'scanners' key", path=path)
        unknown = set(data) - {"scanners", "max_chars", "max_messages", "log_text"}
        if unknown:
            raise ConfigError(
                f"unknown guard policy keys {sorted(unknown)}; "
                "use scanners, max_chars, max_messages, log_text",
                path=path,
            )
        scanners = dict(_default_scanners())
        section = data.get("scanners", {})
        if section is None:
            section = {}
        if not isinstance(section, Mapping):
            raise ConfigError("'scanners' must map scanner names to settings", path=path)
        for name, settings in section.items():
            scanners[name] = _settings(str(name), settings, scanners.get(name), path)
        max_chars = _positive_int(data.get("max_chars", DEFAULT_MAX_CHARS), "max_chars", path)
        max_messages = _positive_int(
            data.get("max_messages", DEFAULT_MAX_MESSAGES), "max_messages", path
        )
        log_text = _log_text(data.get("log_text", False), path)
        return cls(MappingProxyType(scanners), max_chars, max_messages, log_text)

    @classmethod
    def from_yaml(cls, source: str | Path) -> Policy:
        """Build a policy from a YAML file path or a YAML string."""
        path = None
        text = str(source)
        if isinstance(source, Path) or (
            len(text) < 4096 and "\n" not in text and Path(text).is_file()
        ):
            path = str(source)
            text = Path(source).read_text(encoding="utf-8")
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as error:
            raise ConfigError(f"guard policy is not valid YAML: {error}", path=path) from error
        return cls.from_dict(data, path=path)

    def with_scanner(self, name: str, **changes: Any) -> Policy:
        """A copy with scanner ``name`` changed (``enabled``, ``threshold`` or options)."""
        base = self.scanners.get(name)
        scanners = dict(self.scanners)
        scanners[name] = _settings(name, changes, base, None)
        return replace(self, scanners=MappingProxyType(scanners))

    def to_dict(self) -> dict[str, Any]:
        """The mapping :meth:`from_dict` reads back."""
        return {
            "max_chars": self.max_chars,
            "max_messages": self.max_messages,
            "log_text": {"never": False, "always": True}.get(self.log_text, self.log_text),
            "scanners": {
                name: {"enabled": s.enabled, "threshold": s.threshold, **dict(s.options)}
                for name, s in self.scanners.items()
            },
        }


def _log_text(value: Any, path: str | None) -> str:
    """``log_text``: true, false or ``on_request`` (``always``/``never`` also read)."""
    if value is True or value is False:
        return "always" if value else "never"
    if isinstance(value, str) and value in LOG_TEXT:
        return value
    raise ConfigError(
        f"guard policy log_text is {value!r}; use false (store no raw text, the default), "
        "true or on_request",
        path=path,
    )


def _positive_int(value: Any, key: str, path: str | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"{key} must be a positive integer, got {value!r}", path=path)
    return value


def _settings(
    name: str, settings: Any, base: ScannerSettings | None, path: str | None
) -> ScannerSettings:
    try:
        spec = get_scanner(name)
    except UnknownMethodError as error:
        raise ConfigError(str(error), path=path) from None
    if settings is None:
        settings = {}
    if isinstance(settings, bool):
        settings = {"enabled": settings}
    if not isinstance(settings, Mapping):
        raise ConfigError(f"scanner {name!r} settings must be a mapping or true/false", path=path)
    unknown = set(settings) - _SETTING_KEYS - set(spec.options)
    if unknown:
        allowed = sorted(_SETTING_KEYS | set(spec.options))
        raise ConfigError(
            f"scanner {name!r} has no setting {sorted(unknown)}; allowed: {allowed}", path=path
        )
    base = base or ScannerSettings(spec.enabled_by_default, spec.default_threshold)
    enabled = settings.get("enabled", base.enabled)
    if not isinstance(enabled, bool):
        raise ConfigError(
            f"scanner {name!r} enabled must be true or false, got {enabled!r}", path=path
        )
    threshold = settings.get("threshold", base.threshold)
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | float)
        or not 0 <= threshold <= 1
    ):
        raise ConfigError(
            f"scanner {name!r} threshold must be a number in [0, 1], got {threshold!r}", path=path
        )
    options = dict(base.options)
    options.update({k: v for k, v in settings.items() if k not in _SETTING_KEYS})
    _check_options(name, options, path)
    return ScannerSettings(enabled, float(threshold), MappingProxyType(options))


def _check_options(name: str, options: Mapping[str, Any], path: str | None) -> None:
    for key, value in options.items():
        if key in _STRING_LISTS and (
            isinstance(value, str)
            or not isinstance(value, list | tuple)
            or not all(isinstance(item, str) for item in value)
        ):
            raise ConfigError(
                f"scanner {name!r} option {key!r} must be a list of strings", path=path
            )
        if key == "patterns":
            for pattern in value:
                compile_user_pattern(pattern)
        if key == "kinds":
            from watchkeeper.llm.guard._pii import PII_KINDS

            bad = [kind for kind in value if kind not in PII_KINDS]
            if bad:
                raise ConfigError(f"pii kinds {bad} unknown; known: {list(PII_KINDS)}", path=path)
        if key in {"categories", "thresholds"}:
            _check_moderation(key, value, path)
        if key == "topics" and not (
            isinstance(value, Mapping)
            and all(
                isinstance(v, list) and all(isinstance(w, str) for w in v) for v in value.values()
            )
        ):
            raise ConfigError(f"scanner {name!r} topics must map names to keyword lists", path=path)
        if key in {"min_entropy", "min_hits"} and (
            isinstance(value, bool) or not isinstance(value, int | float)
        ):
            raise ConfigError(f"scanner {name!r} option {key!r} must be a number", path=path)


def _check_moderation(key: str, value: Any, path: str | None) -> None:
    from watchkeeper.llm.guard._moderation import CATEGORIES

    if key == "thresholds":
        if not isinstance(value, Mapping):
            raise ConfigError(
                "scanner 'moderated_content' thresholds must map categories to numbers", path=path
            )
        for category, threshold in value.items():
            if category not in CATEGORIES:
                raise ConfigError(
                    f"moderated_content threshold for unknown category {category!r}; "
                    f"known: {list(CATEGORIES)}",
                    path=path,
                )
            if (
                isinstance(threshold, bool)
                or not isinstance(threshold, int | float)
                or not (0 < threshold <= 1)
            ):
                raise ConfigError(
                    f"moderated_content threshold for {category!r} must be a number in (0, 1], "
                    f"got {threshold!r}",
                    path=path,
                )
        return
    bad = [category for category in value if category not in CATEGORIES]
    if bad:
        raise ConfigError(
            f"moderated_content categories {bad} unknown; known: {list(CATEGORIES)}", path=path
        )
