"""Old public names kept working for a while, each warning once per call site.

A renamed function keeps its old name as :func:`deprecated_alias`; a renamed
attribute of a result keeps a property built with :func:`deprecated_property`. The
warning names the new spelling, so the fix is in the message. CHANGELOG.md lists every
alias under the release that introduced it.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec, TypeVar

__all__ = ["deprecated_alias", "deprecated_property", "renamed_in_module", "warn_renamed"]

P = ParamSpec("P")
R = TypeVar("R")


def warn_renamed(old: str, new: str, *, stacklevel: int = 3) -> None:
    """Warn that ``old`` is now spelled ``new``.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_renamed("metric_names", "available_metrics")
    >>> print(caught[0].message)
    metric_names is deprecated; use available_metrics
    """
    warnings.warn(f"{old} is deprecated; use {new}", DeprecationWarning, stacklevel=stacklevel)


def deprecated_alias(new: Callable[P, R], old: str) -> Callable[P, R]:
    """``new`` under its old name ``old``, warning on each call.

    >>> def available_things() -> list[str]:
    ...     return ["a"]
    >>> thing_names = deprecated_alias(available_things, "thing_names")
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     thing_names()
    ['a']
    """

    @functools.wraps(new)
    def alias(*args: P.args, **kwargs: P.kwargs) -> R:
        warn_renamed(old, new.__name__)
        return new(*args, **kwargs)

    alias.__name__ = alias.__qualname__ = old
    alias.__doc__ = f"Deprecated alias of :func:`{new.__name__}`."
    return alias


def deprecated_property(new: str, old: str) -> property:
    """A read-only property ``old`` that warns and returns the attribute ``new``.

    >>> class Result:
    ...     drifted = True
    ...     drift_detected = deprecated_property("drifted", "drift_detected")
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     Result().drift_detected
    True
    """

    def read(self: Any) -> Any:
        warn_renamed(f"{type(self).__name__}.{old}", f"{type(self).__name__}.{new}")
        return getattr(self, new)

    return property(read, doc=f"Deprecated: read ``{new}``.")


def renamed_in_module(
    module: str, renamed: Mapping[str, str], namespace: Mapping[str, Any]
) -> Callable[[str], Any]:
    """A module ``__getattr__`` (PEP 562) that answers each old name in ``renamed`` with
    the new one's object from ``namespace``, warning; other names raise AttributeError.

    >>> getattr_ = renamed_in_module("pkg", {"Old": "New"}, {"New": int})
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     getattr_("Old")
    <class 'int'>
    """

    def module_getattr(name: str) -> Any:
        if name in renamed:
            warn_renamed(f"{module}.{name}", f"{module}.{renamed[name]}")
            return namespace[renamed[name]]
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return module_getattr
