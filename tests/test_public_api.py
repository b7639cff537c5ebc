"""The top-level API is exactly what the README documents; nothing leaks by accident."""

import watchkeeper

DOCUMENTED = {
    "ColumnError",
    "ColumnKind",
    "ColumnRole",
    "ColumnRule",
    "ColumnSpec",
    "ConfigError",
    "DatasetDrift",
    "DriftPolicy",
    "InputError",
    "MissingDependency",
    "ProfileFormatError",
    "Report",
    "Schema",
    "SchemaError",
    "UnknownMethodError",
    "WatchkeeperError",
    "__version__",
    "detect_drift",
    "infer_schema",
    "report",
}


def test_top_level_all_is_the_documented_api() -> None:
    assert set(watchkeeper.__all__) == DOCUMENTED
    for name in watchkeeper.__all__:
        assert hasattr(watchkeeper, name), name


def test_every_package_all_names_exist() -> None:
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(watchkeeper.__path__):
        if info.name.startswith("_") or not info.ispkg:
            continue
        module = importlib.import_module(f"watchkeeper.{info.name}")
        for name in getattr(module, "__all__", []):
            assert hasattr(module, name), f"watchkeeper.{info.name}.{name}"
