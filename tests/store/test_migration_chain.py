"""The shipped migrations form one chain: one head, numbered files, no gaps in the links.

Parallel work adds migrations side by side; two of them chained to the same parent make
two heads, and ``alembic upgrade head`` refuses to run. This fails first.
"""

from __future__ import annotations

import re

from alembic.config import Config
from alembic.script import ScriptDirectory

from watchkeeper.store._migrate import MIGRATIONS


def _scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def test_there_is_exactly_one_head() -> None:
    heads = _scripts().get_heads()
    assert len(heads) == 1, f"migration heads {sorted(heads)}: chain the newer one to the other"


def test_every_revision_is_its_file_number_and_links_to_the_one_before() -> None:
    scripts = _scripts()
    revisions = list(scripts.walk_revisions())  # newest first, following down_revision
    assert len(revisions) == len(list((MIGRATIONS / "versions").glob("[0-9]*.py")))
    for revision in revisions:
        number = re.match(r"(\d{4})_", revision.module.__file__.rsplit("/", 1)[-1])  # type: ignore[union-attr]
        assert number is not None and number.group(1) == revision.revision
    chain = [r.revision for r in reversed(revisions)]
    assert chain == sorted(chain) and chain[0] == "0001"
    assert [r.down_revision for r in reversed(revisions)] == [None, *chain[:-1]]
