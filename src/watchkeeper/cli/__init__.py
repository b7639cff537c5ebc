"""The ``watchkeeper`` command: a thin layer over the Python API.

Each sub-command lives in its own ``_name.py`` module exposing
``add_parser(subparsers)``; the parser it adds sets ``func``, which takes the parsed
arguments and returns the exit code. Commands are discovered (every module here with
``add_parser``), never listed, and import heavy packages inside their functions so that
``--help`` stays fast. Exit codes: 0 fine, 1 a check failed (drift with
``--fail-on-drift``, a failing suite), 2 bad input, 141 output into a closed pipe.
The conventions every command follows are in ``_common.py``.
"""

from watchkeeper.cli._main import main

__all__ = ["main"]
