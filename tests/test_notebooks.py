"""examples/notebooks/quickstart.ipynb runs top to bottom on a real Jupyter kernel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "notebooks" / "quickstart.ipynb"


def _outputs(notebook: Any) -> dict[str, list[Any]]:
    """Each tagged cell's outputs, by tag."""
    tagged: dict[str, list[Any]] = {}
    for cell in notebook.cells:
        for tag in cell.get("metadata", {}).get("tags", []):
            tagged[tag] = list(cell.get("outputs", []))
    return tagged


def _text(outputs: list[Any]) -> str:
    parts = []
    for output in outputs:
        parts.append(output.get("text", ""))
        parts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


@pytest.mark.slow
def test_quickstart_notebook_runs_and_says_what_it_should() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    client = nbclient.NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    out = _outputs(notebook)
    assert not [o for cell in out.values() for o in cell if o.get("output_type") == "error"]
    assert "drifted: ['age']" in _text(out["report"])
    html = next(o["data"]["text/html"] for o in out["report"] if "data" in o)
    assert "<table" in html and "chisquare" in html
    quality = next(o for o in out["quality"] if "data" in o)["data"]
    assert quality["text/plain"].startswith("QualityResult: 0 critical")
    assert "<table>" in quality["text/html"]
    assert "drifted from profiles: ['age']" in _text(out["profiles"])
    assert "accuracy chunks: 10 alerts: 0" in _text(out["performance"])
    assert "PerformanceResult (realized, binary" in _text(out["performance"])
    assert "estimated accuracy: 0.75" in _text(out["estimate"])
    guard = _text(out["guard"])
    assert "attack flagged: True" in guard and "Mail me at [REDACTED_EMAIL]" in guard
