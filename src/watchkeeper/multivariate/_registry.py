"""The multivariate drift methods by name, with what a caller needs to know about each.

The CLI, the YAML monitors and the docs read this one table instead of an if-chain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from watchkeeper._exceptions import UnknownMethodError
from watchkeeper.multivariate._domain_classifier import domain_classifier_drift
from watchkeeper.multivariate._mmd import mmd_rff_test, mmd_test
from watchkeeper.multivariate._pca import pca_reconstruction_drift

__all__ = ["MultivariateMethod", "available_multivariate_methods", "get_multivariate_method"]


@dataclass(frozen=True)
class MultivariateMethod:
    """A registered method: its function and how to read its output."""

    name: str
    function: Callable[..., Any]
    result: str
    higher_is_worse: bool
    chunked: bool
    extra: str | None
    description: str


_METHODS: dict[str, MultivariateMethod] = {
    m.name: m
    for m in (
        MultivariateMethod(
            "pca_reconstruction",
            pca_reconstruction_drift,
            "MultivariateDriftResult",
            higher_is_worse=True,
            chunked=True,
            extra=None,
            description="mean PCA reconstruction error per chunk (NannyML-style)",
        ),
        MultivariateMethod(
            "domain_classifier",
            domain_classifier_drift,
            "MultivariateDriftResult",
            higher_is_worse=True,
            chunked=True,
            extra="ml",
            description="cross-validated AUC of a reference-vs-current classifier per chunk",
        ),
        MultivariateMethod(
            "mmd",
            mmd_test,
            "MMDResult",
            higher_is_worse=True,
            chunked=False,
            extra=None,
            description="RBF-kernel MMD^2 with a permutation test (up to 5,000 pooled rows)",
        ),
        MultivariateMethod(
            "mmd_rff",
            mmd_rff_test,
            "MMDResult",
            higher_is_worse=True,
            chunked=False,
            extra=None,
            description="random-Fourier-feature MMD^2 with an analytic p-value (millions of rows)",
        ),
    )
}


def available_multivariate_methods() -> list[str]:
    """Registered method names, sorted.

    >>> available_multivariate_methods()
    ['domain_classifier', 'mmd', 'mmd_rff', 'pca_reconstruction']
    """
    return sorted(_METHODS)


def get_multivariate_method(name: str) -> MultivariateMethod:
    """The method registered as ``name``.

    >>> get_multivariate_method("mmd").higher_is_worse
    True
    >>> get_multivariate_method("pca")
    Traceback (most recent call last):
    ...
    watchkeeper._exceptions.UnknownMethodError: unknown multivariate method 'pca'; ...
    """
    try:
        return _METHODS[name]
    except KeyError:
        known = ", ".join(available_multivariate_methods())
        raise UnknownMethodError(
            f"unknown multivariate method {name!r}; choose one of {known}"
        ) from None
