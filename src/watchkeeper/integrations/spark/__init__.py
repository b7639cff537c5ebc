"""Spark: profile a DataFrame's partitions in parallel and merge them on the driver.

``profile(df)`` equals the single-process profile of the same rows (see
docs/profiles.md, "Spark"). Needs ``pip install 'watchkeeper[spark]'``.
"""

from watchkeeper.integrations.spark._profile import DEFAULT_SAMPLE_ROWS, profile

__all__ = ["DEFAULT_SAMPLE_ROWS", "profile"]
