"""Plausible wrong answers must fail the intended test cells, with the intended hint.

Each lesson keeps ``tests/wrong_answers/<lesson>.py`` defining ``WRONG_ANSWERS = [dict(cell=<exercise
grade_id>, source=<code>, fails=[<test grade_id>, ...], hint=<substring of the failure message>)]``,
at least two per autograded code exercise. ``instructor.run_wrong_answers`` runs the solution notebook
once and injects each; the runner itself is checked here on the tiny fixture lesson, including
entries it must reject.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "course"))
import instructor  # noqa: E402  (course/instructor.py)

WRONG_DIR = ROOT / "tests" / "wrong_answers"
FIXTURE = ROOT / "tests" / "fixtures" / "tiny" / "tiny.ipynb"
LESSONS = instructor.list_lessons()
MIN_WRONG = 2
# Cells take seconds; a minute still ends a wrong answer that loops forever.
CELL_TIMEOUT = 60


def load_wrong_answers(path: Path) -> list[dict]:
    """``WRONG_ANSWERS`` from a lesson's file (names like ``00-welcome.py`` are not importable)."""
    spec = importlib.util.spec_from_file_location(f"wrong_answers_{path.stem.replace('-', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    entries = getattr(module, "WRONG_ANSWERS", None)
    if not isinstance(entries, list):
        raise TypeError(f"{path.name} must define WRONG_ANSWERS as a list of dicts, got {type(entries).__name__}")
    return entries


@pytest.fixture(params=LESSONS or [None])
def lesson(request) -> str:
    if request.param is None:
        pytest.skip("no lesson in course/solutions/ yet")
    return request.param


def test_every_code_exercise_has_at_least_two_wrong_answers(lesson):
    path = WRONG_DIR / f"{lesson}.py"
    assert path.is_file(), f"tests/wrong_answers/{lesson}.py is missing"
    nb = nbformat.read(instructor.COURSE_DIR / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)
    exercises = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if instructor._is_exercise(c)]
    counts = Counter(entry.get("cell") for entry in load_wrong_answers(path))
    assert {e: counts[e] for e in exercises if counts[e] < MIN_WRONG} == {}
    assert set(counts) <= set(exercises), "entries name cells that are not code exercises"


@pytest.mark.slow
@pytest.mark.notebooks
def test_wrong_answers_fail_their_tests_with_their_hint(lesson):
    entries = load_wrong_answers(WRONG_DIR / f"{lesson}.py")
    solution = instructor.COURSE_DIR / "solutions" / lesson / f"{lesson}.ipynb"
    baseline, results = instructor.run_wrong_answers(solution, entries, timeout=CELL_TIMEOUT)
    assert baseline == [], "the solution notebook itself raises"
    failures = [f"#{r.index} {r.cell}: {p}" for r in results for p in r.problems]
    assert failures == [], "\n".join(failures)


# --------------------------------------------------------------------------------------------
# the runner, on the fixture lesson
# --------------------------------------------------------------------------------------------

ADDS = 'def square(x):\n    """Return x squared."""\n    return x + x'
RIGHT = 'def square(x):\n    """Return x squared."""\n    return x * x'
SMALL, HIDDEN = "test_square_small", "test_square_hidden"


@pytest.mark.slow
@pytest.mark.notebooks
def test_runner_accepts_caught_answers_and_flags_the_rest():
    entries = [
        dict(cell="square", source=ADDS, fails=[SMALL, HIDDEN], hint="is wrong"),
        dict(cell="square", source=ADDS.replace("x + x", "int(x * x)"), fails=[HIDDEN], hint="square(0.5) is wrong"),
        # rebinds a builtin the tests use: restoring the exercise cannot undo that, so the runner
        # must restart the kernel before the next entry ...
        dict(cell="square", source="int = float\n" + ADDS, fails=[SMALL], hint="should return a number"),
        # ... which this one needs: with `int` still rebound, 4.0 would pass as a whole number.
        dict(cell="n_regions", source="n_regions = 4.0", fails=["test_n_regions"], hint="whole number"),
        dict(cell="square", source=RIGHT, fails=[SMALL], hint="is wrong"),  # not wrong at all
        dict(cell="square", source=ADDS, fails=[SMALL], hint="did you forget the bias?"),  # wrong hint
        dict(cell="n_regions", source="n_regions = 5", fails=["test_n_regions"], hint="too many regions"),
    ]
    baseline, results = instructor.run_wrong_answers(FIXTURE, entries, timeout=CELL_TIMEOUT)
    assert baseline == []
    assert [r.index for r in results] == list(range(len(entries)))
    assert [r.ok for r in results] == [True, True, True, True, False, False, True], [r.problems for r in results]
    assert results[0].messages == {
        SMALL: "AssertionError: square(1) is wrong",
        HIDDEN: "AssertionError: square(-2) is wrong: did you add instead of multiply?",
    }
    assert results[4].problems == ["test cell 'test_square_small' passed the wrong answer"]
    assert results[5].problems[0].startswith(
        "test cell 'test_square_small' failed without the hint 'did you forget the bias?': AssertionError: square(1)"
    )


@pytest.mark.parametrize(
    "entry, error, match",
    [
        ("square", TypeError, r"wrong_answers\[0\] must be a dict\(cell=\.\.\., source=\.\.\., fails=\[\.\.\.\], hint=\.\.\.\), got 'square'"),
        (dict(cell="square", source=ADDS, fails=[SMALL]), ValueError, r"wrong_answers\[0\] lacks \['hint'\]"),
        (dict(cell="nope", source=ADDS, fails=[SMALL], hint="x"), ValueError, r"cell 'nope' is not a code exercise"),
        (dict(cell=SMALL, source=ADDS, fails=[HIDDEN], hint="x"), ValueError, r"cell 'test_square_small' is not a code exercise"),
        (dict(cell="n_regions", source="", fails=[SMALL], hint="x"), ValueError, r"'test_square_small' is not an autograder test cell after 'n_regions'"),
        (dict(cell="square", source=ADDS, fails=["square"], hint="x"), ValueError, r"'square' is not an autograder test cell after"),
        (dict(cell="square", source=ADDS, fails=SMALL, hint="x"), ValueError, r"fails must be a non-empty list of test grade_ids, got 'test_square_small'"),
        (dict(cell="square", source=ADDS, fails=[SMALL], hint=""), ValueError, r"source and hint must be strings \(hint non-empty\)"),
    ],
)
def test_runner_rejects_malformed_entries_before_starting_a_kernel(entry, error, match):
    with pytest.raises(error, match=match):
        instructor.run_wrong_answers(FIXTURE, [entry])


def test_load_wrong_answers_requires_a_list(tmp_path):
    (tmp_path / "01-x.py").write_text("WRONG_ANSWERS = dict(cell='a')\n")
    with pytest.raises(TypeError, match=r"01-x\.py must define WRONG_ANSWERS as a list of dicts, got dict"):
        load_wrong_answers(tmp_path / "01-x.py")
    (tmp_path / "01-y.py").write_text("WRONG_ANSWERS = [dict(cell='a', source='', fails=['t'], hint='h')]\n")
    assert load_wrong_answers(tmp_path / "01-y.py")[0]["cell"] == "a"
