"""Adapters that profile data where it lives: :mod:`watchkeeper.integrations.spark`.

Each integration imports its engine inside its functions, so importing this package
needs nothing beyond watchkeeper's core; a missing engine raises ``MissingDependency``
naming the extra to install.
"""

from watchkeeper.integrations import spark

__all__ = ["spark"]
