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


def test_import_is_light_and_names_load_on_use() -> None:
    import subprocess
    import sys

    code = (
        "import sys, watchkeeper\n"
        "heavy = {'numpy', 'scipy', 'pyarrow', 'pandas'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
        "import watchkeeper.report._terminal\n"  # binds the sub-package on the parent
        "print(callable(watchkeeper.report), watchkeeper.Report.__name__)\n"
        "from watchkeeper import report\n"
        "print(report.__module__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["[]", "True Report", "watchkeeper.report._report"]


def test_unknown_attribute_is_an_attribute_error() -> None:
    import pytest

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = watchkeeper.nope  # type: ignore[attr-defined]
    assert "detect_drift" in dir(watchkeeper)
