"""Run ``watchkeeper ARGS...`` as if only the core requirements were installed.

``python _core_only.py ARGS...`` hides every installed distribution that is not in the
closure of ``watchkeeper``'s requirements without extras: importing one raises
``ModuleNotFoundError``, as on a clean ``pip install watchkeeper``. Libraries that
import optional packages inside ``try`` keep working, as they would there. This is
what a user without the extras meets, without installing anything per run.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from importlib import metadata
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def core_closure(root: str = "watchkeeper") -> set[str]:
    """``root`` and everything its requirements without extras need, transitively."""
    seen: set[str] = set()
    todo = [root]
    while todo:
        name = todo.pop()
        if _key(name) in seen:
            continue
        seen.add(_key(name))
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for line in requires:
            if "extra ==" not in line:
                match = re.match(r"[A-Za-z0-9._-]+", line)
                if match:
                    todo.append(match.group(0))
    return seen


class HideOthers(MetaPathFinder):
    """Refuses the top-level modules of distributions outside ``allowed``."""

    def __init__(self, allowed: set[str]) -> None:
        owners: dict[str, set[str]] = {}
        for module, dists in metadata.packages_distributions().items():
            owners.setdefault(module, set()).update(_key(d) for d in dists)
        self.hidden = {m for m, dists in owners.items() if not dists & allowed}
        self.hidden -= set(sys.stdlib_module_names)

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        top = name.partition(".")[0]
        if top in self.hidden:
            raise ModuleNotFoundError(f"No module named {top!r} (not a core requirement)", name=top)
        return None


if __name__ == "__main__":
    sys.meta_path.insert(0, HideOthers(core_closure()))
    from watchkeeper.cli import main

    sys.argv[0] = "watchkeeper"
    sys.exit(main(sys.argv[1:]))
