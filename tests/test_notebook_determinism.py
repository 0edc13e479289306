"""Every solution notebook runs top to bottom and gives the same numbers twice (seeded experiments)."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "course"))
import instructor  # noqa: E402  (course/instructor.py)

LESSONS = instructor.list_lessons()


def _text_outputs(path: Path) -> list[str]:
    """Run the notebook in a fresh kernel; return its printed text and plain-text results, cell by cell."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    texts = []
    for index, cell in enumerate(nb.cells):
        # Printed text may arrive in one stream message or several, depending on timing: join it.
        printed = "".join(out.text for out in cell.get("outputs", []) if out.output_type == "stream")
        texts.append(f"[{index}] {printed}")
        for out in cell.get("outputs", []):
            if out.output_type in ("execute_result", "display_data") and "text/plain" in out.get("data", {}):
                # Widget and figure reprs carry memory addresses and model ids, not numbers.
                if not any(k.startswith(("application/vnd.jupyter.widget", "image/")) for k in out.data):
                    texts.append(f"[{index}] {out.data['text/plain']}")
    return texts


@pytest.mark.slow
@pytest.mark.notebooks
@pytest.mark.parametrize("lesson", LESSONS or [pytest.param(None, marks=pytest.mark.skip(reason="no lesson yet"))])
def test_solution_runs_top_to_bottom_and_twice_gives_the_same_numbers(lesson):
    path = ROOT / "course" / "solutions" / lesson / f"{lesson}.ipynb"
    first = _text_outputs(path)
    assert any(t.split("] ", 1)[1] for t in first), "the lesson prints nothing to compare"
    assert _text_outputs(path) == first
