"""Multivariate drift and model-uncertainty drift.

Measures that look at many columns at once, so they see changes no single column shows
(a correlation that breaks, a new combination of values): PCA reconstruction error and
a domain classifier's AUC per chunk with thresholds from the reference chunks, and the
RBF-kernel MMD test (exact with permutations, or random Fourier features for millions of
rows). For every one of them a larger value is worse. The uncertainty descriptors turn
predicted probabilities into per-row entropy (higher is less certain) and margin (lower
is less certain), and ``uncertainty_drift`` compares their distributions.
"""

from watchkeeper.multivariate._domain_classifier import (
    domain_classifier_auc,
    domain_classifier_drift,
)
from watchkeeper.multivariate._mmd import chi2_mixture_sf, mmd_rff_test, mmd_test
from watchkeeper.multivariate._pca import pca_reconstruction_drift, reconstruction_errors
from watchkeeper.multivariate._registry import (
    MultivariateMethod,
    available_multivariate_methods,
    get_multivariate_method,
)
from watchkeeper.multivariate._results import (
    ChunkValue,
    DescriptorDrift,
    MMDResult,
    MultivariateDriftResult,
    UncertaintyDriftResult,
)
from watchkeeper.multivariate._uncertainty import (
    prediction_entropy,
    prediction_margin,
    uncertainty_drift,
    validate_probabilities,
)

__all__ = [
    "ChunkValue",
    "DescriptorDrift",
    "MMDResult",
    "MultivariateDriftResult",
    "MultivariateMethod",
    "UncertaintyDriftResult",
    "available_multivariate_methods",
    "chi2_mixture_sf",
    "domain_classifier_auc",
    "domain_classifier_drift",
    "get_multivariate_method",
    "mmd_rff_test",
    "mmd_test",
    "pca_reconstruction_drift",
    "prediction_entropy",
    "prediction_margin",
    "reconstruction_errors",
    "uncertainty_drift",
    "validate_probabilities",
]
