"""Every lesson under course/solutions/, checked as nbgrader will see it.

The committed lessons equal a fresh generation; no committed notebook carries outputs, execution
counts or widget state; lessons show no solution, hidden test, model answer or rubric; each lesson
opens with objectives, prerequisites and a time estimate and ends with a summary and arXiv
references; and the autograder gives the SOLUTION full marks and the BLANK lesson zero on every
autograded test, without crashing. Skips (with a reason) only while no lesson exists.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "course"))
import instructor  # noqa: E402  (course/instructor.py)
import sandbox  # noqa: E402  (course/sandbox.py)
from common import grading_overrides  # noqa: E402
from test_wrong_answers import load_wrong_answers  # noqa: E402

COURSE = instructor.COURSE_DIR
LESSONS = instructor.list_lessons()
# A lesson cell takes seconds; a minute is generous on a busy 2-core machine and still ends a hang.
CELL_TIMEOUT = 60


@pytest.fixture(params=LESSONS or [None])
def lesson(request) -> str:
    if request.param is None:
        pytest.skip("no lesson in course/solutions/ yet")
    return request.param


def solution_of(lesson: str) -> Path:
    return COURSE / "solutions" / lesson / f"{lesson}.ipynb"


def release_of(lesson: str) -> Path:
    return COURSE / "lessons" / lesson / f"{lesson}.ipynb"


def test_committed_lessons_equal_a_fresh_generation(lesson):
    assert instructor.drift(lesson) == []


def test_every_lesson_folder_has_a_solution():
    if not LESSONS:
        pytest.skip("no lesson in course/solutions/ yet")
    folders = sorted(p.name for p in (COURSE / "lessons").iterdir() if p.is_dir()) if (COURSE / "lessons").is_dir() else []
    assert folders == LESSONS, "run `python3 course.py generate` and commit course/lessons/"


def test_committed_notebooks_have_no_outputs_counts_or_widget_state(lesson):
    notebooks = sorted((COURSE / "solutions" / lesson).rglob("*.ipynb")) + sorted((COURSE / "lessons" / lesson).rglob("*.ipynb"))
    problems = [f"{p.relative_to(COURSE)}: {q}" for p in notebooks for q in instructor.lint_notebook(p)]
    assert problems == []


def test_lessons_show_no_solution_hidden_test_or_rubric(lesson):
    assert release_of(lesson).is_file(), "run `python3 course.py generate`"
    assert instructor.lint_release(solution_of(lesson), release_of(lesson)) == []


def test_lesson_opens_with_objectives_prerequisites_time_and_ends_with_summary_references(lesson):
    assert instructor.lint_structure(solution_of(lesson)) == []
    if release_of(lesson).is_file():
        assert instructor.lint_structure(release_of(lesson)) == []


def test_nbgrader_cells_are_well_formed(lesson):
    assert instructor.lint_cells(solution_of(lesson)) == []


def test_manually_graded_answers_have_a_hidden_model_answer_and_rubric(lesson):
    assert instructor.lint_manual_answers(solution_of(lesson)) == []


def _errors(path: Path) -> list[tuple[dict, str]]:
    nb = nbformat.read(path, as_version=4)
    return [
        (cell, out["ename"])
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]


@pytest.mark.slow
@pytest.mark.notebooks
@pytest.mark.filterwarnings("ignore:.*not in session.*")
def test_autograder_gives_solution_full_marks_and_blank_lesson_zero(lesson, tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(COURSE / instructor.CONFIG_FILE, course)
    shutil.copytree(COURSE / "solutions" / lesson, course / "solutions" / lesson, ignore=shutil.ignore_patterns(*instructor.IGNORED))
    instructor.generate(lesson, course_dir=course)
    for student, folder in (("solution", course / "solutions" / lesson), ("blank", course / "lessons" / lesson)):
        shutil.copytree(folder, course / "submitted" / student / lesson)
    # A third student hands in the solution with the lesson's first plausible wrong answer: the
    # verdict is decided in the grader now, and must still fail those tests with the hint.
    wrong = load_wrong_answers(ROOT / "tests" / "wrong_answers" / f"{lesson}.py")[0]
    wrong_nb = nbformat.read(course / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)
    for c in wrong_nb.cells:
        if c.metadata.get("nbgrader", {}).get("grade_id") == wrong["cell"]:
            c.source = wrong["source"]
    (course / "submitted" / "wrong" / lesson).mkdir(parents=True)
    nbformat.write(wrong_nb, course / "submitted" / "wrong" / lesson / f"{lesson}.ipynb")

    results = {r.student: r for r in instructor.autograde(lesson, course_dir=course, overrides={**grading_overrides(), "Execute": {"timeout": CELL_TIMEOUT}})}
    assert {s: r.status for s, r in results.items()} == {"solution": "graded", "blank": "graded", "wrong": "graded"}, results

    source = nbformat.read(course / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)
    tests = [c.metadata["nbgrader"]["grade_id"] for c in source.cells if instructor._is_test(c)]
    manual = [c.metadata["nbgrader"]["grade_id"] for c in source.cells if instructor._is_manual(c)]
    assert tests, "a lesson has at least one autograded test cell"
    full, blank = (instructor.grades(lesson, s, course_dir=course) for s in ("solution", "blank"))
    assert {t: full[t].score for t in tests} == {t: full[t].max_score for t in tests}, "solution misses points"
    assert {t: blank[t].score for t in tests} == {t: 0.0 for t in tests}, "blank lesson earns points"
    assert all(full[m].needs_manual_grade for m in manual), "a written model answer goes to a person"
    slipped = instructor.grades(lesson, "wrong", course_dir=course)
    assert {t: slipped[t].score for t in wrong["fails"]} == {t: 0.0 for t in wrong["fails"]}, "a wrong answer earns points"

    graded = course / "autograded"
    # Feedback carries verdicts only: each test cell's output is its "✓ ..." lines, or one "✗ ..." line.
    for student in ("solution", "wrong"):
        nb = nbformat.read(graded / student / lesson / f"{lesson}.ipynb", as_version=4)
        report = json.loads((graded / student / lesson / f"{lesson}{sandbox.REPORT_SUFFIX}").read_text())
        assert report["status"] == "complete", report
        assert report["sandbox"] == grading_overrides().get("GradeInSandbox", {}).get("sandbox", "bwrap"), report
        for c in nb.cells:
            if not instructor._is_test(c):
                continue
            texts = [o.get("text", "") for o in c.outputs if o.output_type == "stream"]
            errors = [o for o in c.outputs if o.output_type == "error"]
            assert all(line.startswith("✓") for t in texts for line in t.splitlines()), (student, c.outputs)
            assert all(len(e.traceback) == 1 and e.traceback[0].startswith("✗") for e in errors), (student, errors)
            if student == "wrong" and c.metadata["nbgrader"]["grade_id"] in wrong["fails"]:
                assert errors and wrong["hint"] in errors[0].evalue, (c.metadata["nbgrader"]["grade_id"], errors)

    assert [(c.get("id"), e) for c, e in _errors(graded / "solution" / lesson / f"{lesson}.ipynb")] == []
    # The blank lesson fails in its test cells; anywhere else only its stubs may raise.
    stray = [
        (c.get("id"), e)
        for c, e in _errors(graded / "blank" / lesson / f"{lesson}.ipynb")
        if not instructor._is_test(c) and e not in instructor.BLANK_ALLOWED_ERRORS
    ]
    assert stray == []
