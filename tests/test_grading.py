"""The grading machinery itself: course/nbgrader_config.py, course/instructor.py, course.py's commands.

Lessons and classrooms are exercised in test_course_notebooks.py, test_wrong_answers.py and
test_classroom.py; here each piece is checked on the tiny fixture lesson (tests/fixtures/tiny),
with one deliberately broken copy per failure mode so that every check is shown to fail.
"""

from __future__ import annotations

import copy
import doctest
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "course"))
import course as course_py  # noqa: E402  (the stdlib-only entry point)
import instructor  # noqa: E402  (course/instructor.py)

FIXTURE = ROOT / "tests" / "fixtures" / "tiny"
LESSON = "tiny"


def tiny() -> nbformat.NotebookNode:
    return nbformat.read(FIXTURE / f"{LESSON}.ipynb", as_version=4)


def by_id(nb, grade_id: str):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


@pytest.fixture
def course(tmp_path) -> Path:
    """A course folder holding the fixture lesson and a copy of the real nbgrader_config.py."""
    folder = tmp_path / "course"
    folder.mkdir()
    shutil.copy(instructor.COURSE_DIR / instructor.CONFIG_FILE, folder)
    shutil.copytree(FIXTURE, folder / "solutions" / LESSON)
    return folder


def released(course: Path) -> nbformat.NotebookNode:
    return nbformat.read(course / "lessons" / LESSON / f"{LESSON}.ipynb", as_version=4)


# --------------------------------------------------------------------------------------------
# configuration
# --------------------------------------------------------------------------------------------


def test_config_layout_and_safety_settings():
    cfg = instructor.load_config()
    cd = cfg.CourseDirectory
    assert (cd.root, cd.source_directory, cd.release_directory) == (str(instructor.COURSE_DIR), "solutions", "lessons")
    assert cd.course_id == os.environ.get("EXPRLIB_COURSE_ID", "exprlib")
    if "EXPRLIB_EXCHANGE" not in os.environ:
        assert cfg.Exchange.root == str(instructor.COURSE_DIR / "exchange")
    assert cfg.OverwriteCells.add_missing_cells is True
    assert cfg.ExecutePreprocessor.timeout == cfg.Execute.timeout == 120
    names = [pp.__name__ for pp in cfg.GenerateAssignment.preprocessors]
    for needed in ("ClearSolutions", "ClearOutput", "ClearHiddenTests", "ClearMarkScheme", "StripWidgetState"):
        assert needed in names
    assert names.index("SaveCells") < names.index("ClearHiddenTests")  # the gradebook keeps the hidden tests
    feedback = [pp.__name__ for pp in cfg.GenerateFeedback.preprocessors]
    assert feedback.index("GetGrades") < feedback.index("ClearHiddenTests") and "ShortTestTracebacks" in feedback


def test_config_root_is_the_folder_holding_it(course):
    cfg = instructor.load_config(course)
    assert cfg.CourseDirectory.root == str(course)


def test_config_environment_overrides(course, monkeypatch, tmp_path):
    monkeypatch.setenv("EXPRLIB_EXCHANGE", str(tmp_path / "shared-exchange"))
    monkeypatch.setenv("EXPRLIB_COURSE_ID", "depth101")
    cfg = instructor.load_config(course)
    assert (cfg.Exchange.root, cfg.CourseDirectory.course_id) == (str(tmp_path / "shared-exchange"), "depth101")


def test_load_config_merges_overrides(course):
    cfg = instructor.load_config(course, overrides={"Execute": {"timeout": 5}, "Exchange": {"root": "/x"}})
    assert (cfg.Execute.timeout, cfg.Exchange.root, cfg.CourseDirectory.release_directory) == (5, "/x", "lessons")


@pytest.mark.parametrize(
    "course_dir, overrides, error, match",
    [
        ("{tmp}", None, ValueError, r"course_dir: '.*' has no nbgrader_config\.py"),
        (3, None, TypeError, r"course_dir must be a path, got int"),
        (None, [("Execute", {})], TypeError, r"overrides must be a mapping .* got \[\("),
    ],
)
def test_load_config_rejects_bad_input(tmp_path, course_dir, overrides, error, match):
    course_dir = instructor.COURSE_DIR if course_dir is None else course_dir
    course_dir = str(tmp_path) if course_dir == "{tmp}" else course_dir
    with pytest.raises(error, match=match):
        instructor.load_config(course_dir, overrides=overrides)


def test_load_config_puts_this_interpreters_bin_first_on_path(monkeypatch):
    monkeypatch.setenv("PATH", "/usr/bin")
    instructor.load_config()
    assert os.environ["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent)


def test_strip_widget_state_preprocessor():
    (strip,) = [pp for pp in instructor.load_config().GenerateAssignment.preprocessors if pp.__name__ == "StripWidgetState"]
    nb = tiny()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    out, _ = strip().preprocess(nb, {})
    assert "widgets" not in out.metadata and out.metadata["kernelspec"]["name"] == "python3"


def test_feedback_tracebacks_are_reduced_to_the_message():
    (short,) = [pp for pp in instructor.load_config().GenerateFeedback.preprocessors if pp.__name__ == "ShortTestTracebacks"]
    nb = tiny()
    error = new_output("error", ename="AssertionError", evalue="square(1) is wrong", traceback=["long", "quotes tests"])
    by_id(nb, "test_square_small").outputs = [error]
    by_id(nb, "square").outputs = [copy.deepcopy(error)]  # a solution cell keeps its traceback
    out, _ = short().preprocess(nb, {})
    assert by_id(out, "test_square_small").outputs[0]["traceback"] == ["AssertionError: square(1) is wrong"]
    assert by_id(out, "square").outputs[0]["traceback"] == ["long", "quotes tests"]


def test_feedback_shows_a_checks_verdict_as_the_student_saw_it():
    (short,) = [pp for pp in instructor.load_config().GenerateFeedback.preprocessors if pp.__name__ == "ShortTestTracebacks"]
    nb = tiny()
    verdict = new_output("error", ename="WrongAnswer", evalue="n = 9 is too high.", traceback=["\x1b[31m✗ n = 9 is too high.", "(WrongAnswer from ...)"])
    by_id(nb, "test_square_small").outputs = [verdict]
    out, _ = short().preprocess(nb, {})
    assert by_id(out, "test_square_small").outputs[0]["traceback"] == ["✗ n = 9 is too high."]


def test_feedback_names_an_error_once_and_shows_the_graders_own_lines_as_verdicts():
    (short,) = [pp for pp in instructor.load_config().GenerateFeedback.preprocessors if pp.__name__ == "ShortTestTracebacks"]
    nb = tiny()
    by_id(nb, "test_square_small").outputs = [new_output(
        "error", ename="ZeroDivisionError", evalue="ZeroDivisionError: division by zero", traceback=["✗ ..."])]
    by_id(nb, "test_n_regions").outputs = [new_output(
        "error", ename="NotGraded", evalue="not graded: the kernel died.", traceback=["✗ ..."])]
    out, _ = short().preprocess(nb, {})
    assert by_id(out, "test_square_small").outputs[0]["traceback"] == ["ZeroDivisionError: division by zero"]
    assert by_id(out, "test_n_regions").outputs[0]["traceback"] == ["✗ not graded: the kernel died."]


# --------------------------------------------------------------------------------------------
# lessons and generation
# --------------------------------------------------------------------------------------------


def test_list_lessons_finds_one_folder_per_lesson(course):
    (course / "solutions" / "02-b").mkdir()
    nbformat.write(tiny(), course / "solutions" / "02-b" / "02-b.ipynb")
    (course / "solutions" / ".ipynb_checkpoints").mkdir()
    (course / "solutions" / "__pycache__").mkdir()
    assert instructor.list_lessons(course) == ["02-b", LESSON]


def test_list_lessons_rejects_a_folder_without_its_notebook(course):
    (course / "solutions" / "03-c").mkdir()
    nbformat.write(tiny(), course / "solutions" / "03-c" / "other-name.ipynb")
    with pytest.raises(ValueError, match=r"solutions/03-c/ has no 03-c\.ipynb"):
        instructor.list_lessons(course)


def test_generate_strips_solutions_hidden_tests_outputs_and_widget_state(course):
    solution = tiny()
    solution.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"k": {}}}}
    for i, cell in enumerate(c for c in solution.cells if c.cell_type == "code"):
        cell.execution_count = i + 1
        cell.outputs = [new_output("stream", name="stdout", text="instructor's run\n")]
        cell.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00Z"}
    nbformat.write(solution, course / "solutions" / LESSON / f"{LESSON}.ipynb")
    written = instructor.generate(course_dir=course)
    assert [p.relative_to(course).as_posix() for p in written] == ["lessons/tiny/tiny.ipynb", "lessons/tiny/tiny_checks.py"]
    lesson = released(course)
    assert instructor.lint_notebook(lesson) == []
    assert instructor.lint_release(solution, lesson) == []
    assert all("execution" not in c.metadata for c in lesson.cells)
    assert "raise NotImplementedError()" in by_id(lesson, "square").source
    assert '"""Return x squared."""' in by_id(lesson, "square").source, "the docstring outside the region stays"
    assert by_id(lesson, "test_square_hidden").source == '"""square is right on negative and fractional inputs."""'
    assert by_id(lesson, "explain_depth").source == "YOUR ANSWER HERE"


def test_generate_is_byte_identical_run_to_run(course, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    instructor.generate(course_dir=course, out_dir=first)
    instructor.generate(course_dir=course, out_dir=second)
    assert instructor._files(first / LESSON) == instructor._files(second / LESSON) != {}


@pytest.mark.slow
def test_nbgrader_cli_reads_the_config_and_makes_the_same_bytes(course, tmp_path):
    # The CLI reads nbgrader_config.py from its working folder and fills a gradebook (release
    # path); `generate` runs in-process without one. Both must produce the same lesson.
    instructor.generate(course_dir=course, out_dir=tmp_path / "api")
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    nbgrader = Path(sys.executable).parent / "nbgrader"
    done = subprocess.run(
        [str(nbgrader), "generate_assignment", LESSON, "--force"], cwd=course, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (course / "gradebook.db").is_file()
    assert instructor._files(course / "lessons" / LESSON) == instructor._files(tmp_path / "api" / LESSON)


def test_generate_one_lesson_keeps_the_others_and_all_removes_stale(course):
    (course / "lessons" / "99-gone").mkdir(parents=True)
    instructor.generate(LESSON, course_dir=course)
    assert (course / "lessons" / "99-gone").is_dir()
    instructor.generate(course_dir=course)
    assert sorted(p.name for p in (course / "lessons").iterdir()) == [LESSON]


def test_generate_rejects_unknown_lessons(course):
    with pytest.raises(ValueError, match=r"lessons: no lesson 'nope' in solutions/; expected one of \['tiny'\]"):
        instructor.generate("nope", course_dir=course)
    with pytest.raises(TypeError, match=r"lessons must be lesson names \(str\), got 3"):
        instructor.generate([3], course_dir=course)


def test_generate_reports_what_nbgrader_refuses(course):
    nb = tiny()
    nb.cells.insert(2, new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION"))  # not a solution cell
    nbformat.write(nb, course / "solutions" / LESSON / f"{LESSON}.ipynb")
    with pytest.raises(instructor.GradingError, match=r"Solution region detected in a non-solution cell"):
        instructor.generate(course_dir=course)


# --------------------------------------------------------------------------------------------
# static lesson checks: each passes on the fixture and fails on one broken copy per mode
# --------------------------------------------------------------------------------------------


def test_fixture_lesson_passes_every_check(course):
    instructor.generate(course_dir=course)
    assert instructor.check(course_dir=course) == []


def _with_output(nb):
    by_id(nb, "square").outputs = [new_output("stream", name="stdout", text="hi\n")]


def _with_count(nb):
    by_id(nb, "square").execution_count = 7


def _with_widgets(nb):
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}


@pytest.mark.parametrize(
    "breaks, expected",
    [
        (None, []),
        (_with_output, ["cell 3 has outputs"]),
        (_with_count, ["cell 3 has an execution count (7)"]),
        (_with_widgets, ["notebook metadata carries widget state (metadata.widgets)"]),
    ],
)
def test_lint_notebook(breaks, expected):
    nb = tiny()
    if breaks:
        breaks(nb)
    assert instructor.lint_notebook(nb) == expected


def _replace(nb, index, old, new):
    nb.cells[index].source = nb.cells[index].source.replace(old, new)


@pytest.mark.parametrize(
    "breaks, expected",
    [
        (None, []),
        (lambda nb: _replace(nb, 0, "## Learning objectives", "## Goals"), "no learning objectives label"),
        (lambda nb: _replace(nb, 0, "## Prerequisites", "Before:"), "no prerequisites label"),
        (lambda nb: _replace(nb, 0, "## Estimated time", "## Pace"), "no estimated time label"),
        (lambda nb: _replace(nb, 0, "5 minutes", "not long"), "gives no duration"),
        (lambda nb: _replace(nb, -1, "## Summary", "## Wrap"), "has no summary label"),
        (lambda nb: _replace(nb, -1, "## References", "## Reading"), "has no references label"),
        (lambda nb: _replace(nb, -1, "arXiv:1402.1869", "NeurIPS 2014"), "cite no arXiv id"),
        (lambda nb: nb.cells.append(new_code_cell("print('bye')")), "has no summary label"),
        (lambda nb: nb.cells.insert(0, new_code_cell("import math")), "no learning objectives label"),
    ],
)
def test_lint_structure(breaks, expected):
    nb = tiny()
    if breaks:
        breaks(nb)
    problems = instructor.lint_structure(nb)
    assert problems == [] if expected == [] else any(expected in p for p in problems), problems


def test_lint_structure_accepts_bold_labels_and_arxiv_urls():
    nb = tiny()
    nb.cells[0].source = "# T\n**Learning objectives:** a\n\n**Prerequisites:** b\n\n**Estimated time:** 1-2 h"
    nb.cells[-1].source = "### Summary\nx\n### References\n- https://arxiv.org/abs/1312.6098v5"
    assert instructor.lint_structure(nb) == []


def _duplicate_id(nb):
    by_id(nb, "test_n_regions").metadata["nbgrader"]["grade_id"] = "test_square_small"


def _unlock(nb):
    by_id(nb, "test_square_small").metadata["nbgrader"]["locked"] = False


def _no_points(nb):
    by_id(nb, "test_square_small").metadata["nbgrader"]["points"] = 0


def _no_docstring(nb):
    cell = by_id(nb, "test_square_small")
    cell.source = cell.source.split("\n", 1)[1]


def _untested(nb):
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_n_regions"]


def _after_read_only(nb):
    helper = new_code_cell("HELPER = 1")
    helper.metadata["nbgrader"] = dict(grade=False, solution=False, locked=True, grade_id="helper", schema_version=3)
    nb.cells.insert(nb.cells.index(by_id(nb, "test_n_regions")), helper)


@pytest.mark.parametrize(
    "breaks, expected",
    [
        (None, None),
        (_duplicate_id, "grade_id 'test_square_small' is used by cells 6 and 10"),
        (_unlock, "test cell 'test_square_small' is not locked"),
        (_no_points, "test cell 'test_square_small' is worth no points"),
        (_no_docstring, "test cell 'test_square_small' does not open with a one-line docstring"),
        (_untested, "code exercise 'n_regions' has no autograder test cell after it"),
        (_after_read_only, "test cell 'test_n_regions' follows the read-only cell 'helper'"),
    ],
)
def test_lint_cells(breaks, expected):
    nb = tiny()
    if breaks:
        breaks(nb)
    problems = instructor.lint_cells(nb)
    assert problems == [] if expected is None else any(p.startswith(expected) for p in problems), problems


@pytest.mark.parametrize(
    "source, expected",
    [
        ("### BEGIN SOLUTION\nModel answer: x\n\nRubric: 1 point for x\n### END SOLUTION", []),
        ("A model answer and rubric written without delimiters: the whole cell is hidden", []),
        ("### BEGIN SOLUTION\n**Model answer.** x\n### END SOLUTION", ["no rubric"]),
        ("Rubric: 1 point for x\n### BEGIN SOLUTION\nModel answer: x\n### END SOLUTION", ["no rubric"]),
        ("### BEGIN SOLUTION\nfolding\n### END SOLUTION", ["no model answer", "no rubric"]),
    ],
)
def test_lint_manual_answers(source, expected):
    nb = tiny()
    by_id(nb, "explain_depth").source = source
    problems = instructor.lint_manual_answers(nb)
    assert len(problems) == len(expected) and all(e in p for e, p in zip(expected, problems)), problems


def test_lint_manual_answers_reads_task_cell_mark_schemes():
    nb = tiny()
    task = new_markdown_cell("Discuss.\n=== BEGIN MARK SCHEME ===\nModel answer: x. Rubric: y.\n=== END MARK SCHEME ===")
    task.metadata["nbgrader"] = dict(task=True, grade=False, solution=False, grade_id="task", points=1, schema_version=3)
    nb.cells.append(task)
    assert instructor.lint_manual_answers(nb) == []
    task.source = "Discuss. Model answer: x. Rubric: y."  # shown to students: not hidden
    assert instructor.lint_manual_answers(nb) == [
        "manually graded answer 'task' has no model answer in its hidden (solution) part",
        "manually graded answer 'task' has no rubric in its hidden (solution) part",
    ]


@pytest.mark.parametrize(
    "grade_id, leak, expected",
    [
        ("square", "    return x * x", "lesson shows hidden content of cell 'square': 'return x * x'"),
        ("test_square_hidden", "_reference.check_square(square, xs=(-2, 0.5, 7))", "hidden content of cell 'test_square_hidden'"),
        ("test_n_regions", "### END HIDDEN TESTS", "lesson contains nbgrader's 'END HIDDEN TESTS' marker"),
        ("explain_depth", "Rubric: see the instructor copy", "lesson cell 'explain_depth' mentions a model answer or rubric"),
    ],
)
def test_lint_release_finds_leaks(course, grade_id, leak, expected):
    instructor.generate(course_dir=course)
    solution, lesson = tiny(), released(course)
    assert instructor.lint_release(solution, lesson) == []
    by_id(lesson, grade_id).source += "\n" + leak
    assert any(expected in p for p in instructor.lint_release(solution, lesson)), instructor.lint_release(solution, lesson)


def test_lint_release_finds_solution_lines_leaked_into_other_cells(course):
    instructor.generate(course_dir=course)
    solution, lesson = tiny(), released(course)
    by_id(solution, "square").source = by_id(solution, "square").source.replace("x * x", "x ** 2 + 0 * x")
    assert instructor.lint_release(solution, lesson) == []
    lesson.cells[5].source += "\nreturn x ** 2 + 0 * x"  # the self-check cell, not the exercise
    assert instructor.lint_release(solution, lesson) == ["lesson shows hidden content of cell 'square': 'return x ** 2 + 0 * x'"]


def test_lint_functions_reject_non_notebooks():
    with pytest.raises(TypeError, match=r"expected a notebook \(NotebookNode or path\), got int"):
        instructor.lint_notebook(3)


# --------------------------------------------------------------------------------------------
# drift
# --------------------------------------------------------------------------------------------


def test_drift_is_empty_right_after_generate(course):
    instructor.generate(course_dir=course)
    assert instructor.drift(course_dir=course) == []


@pytest.mark.parametrize(
    "breaks, expected",
    [
        (lambda l: os.utime(l / "tiny.ipynb", (0, 0)), None),  # a new timestamp alone is no drift
        (lambda l: (l / "tiny.ipynb").write_text((l / "tiny.ipynb").read_text() + " "), "lessons/tiny/tiny.ipynb differs"),
        (lambda l: (l / "tiny_checks.py").unlink(), "lessons/tiny/tiny_checks.py is missing"),
        (lambda l: (l / "notes.txt").write_text("x"), "lessons/tiny/notes.txt is not generated"),
        (lambda l: (l.parent / "07-old").mkdir(), "lessons/07-old/ has no solutions/07-old/"),
    ],
)
def test_drift_reports_every_difference(course, breaks, expected):
    instructor.generate(course_dir=course)
    breaks(course / "lessons" / LESSON)
    problems = instructor.drift(course_dir=course)
    assert problems == [] if expected is None else any(p.startswith(expected) for p in problems), problems


def test_check_prefixes_problems_with_the_lesson(course):
    nb = tiny()
    _unlock(nb)
    nbformat.write(nb, course / "solutions" / LESSON / f"{LESSON}.ipynb")
    instructor.generate(course_dir=course)
    assert instructor.check(course_dir=course) == ["tiny: test cell 'test_square_small' is not locked (read-only)"]


# --------------------------------------------------------------------------------------------
# reporting
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "result, reason",
    [
        (
            {"log": "[INFO] x\n[ERROR] Traceback (most recent call last):\n    File y\n    KeyError: 'helper'\n"
             "[ERROR] Please see the the above traceback"},
            "KeyError: 'helper'",
        ),
        ({"log": "[ERROR] While processing assignment a, the kernel became unresponsive"},
         "While processing assignment a, the kernel became unresponsive"),
        ({"log": "", "error": "Traceback\nValueError: bad"}, "ValueError: bad"),
        ({}, "nbgrader failed without a message"),
    ],
)
def test_failure_reason_picks_the_informative_line(result, reason):
    assert instructor._failure_reason(result) == reason


def test_student_result_line():
    line = instructor.StudentResult("dan", "graded", 1.0, 6.0, 2.0, "1 cell(s) ran past the time limit").line()
    assert line.split() == "dan graded 1 / 6 2 points wait for manual grading; 1 cell(s) ran past the time limit".split()
    assert not instructor.StudentResult("abe", "failed", detail="x").ok


# --------------------------------------------------------------------------------------------
# command lines
# --------------------------------------------------------------------------------------------


@pytest.fixture
def calls(monkeypatch):
    recorded = []
    monkeypatch.setattr(course_py, "ensure_venv", lambda: recorded.append("ensure_venv"))
    monkeypatch.setattr(course_py, "run_foreground", lambda cmd, **kw: recorded.append((cmd, kw)) or 0)

    def refuse(*args, **kwargs):  # `course.py test` for real here would run this file again, forever
        raise AssertionError("course.py started a real process in a unit test")

    monkeypatch.setattr(course_py.subprocess, "call", refuse)
    monkeypatch.setattr(course_py.subprocess, "Popen", refuse)
    return recorded


@pytest.mark.parametrize("command", sorted(course_py.INSTRUCTOR_COMMANDS))
def test_course_py_passes_instructor_commands_through(calls, command):
    assert course_py.main([command, "--help", "--force", "x"]) == 0
    assert calls[0] == "ensure_venv"
    cmd, kw = calls[1]
    assert cmd == [str(course_py.venv_bin("python")), str(ROOT / "course" / "instructor.py"), command, "--help", "--force", "x"]
    assert kw["env"]["PATH"].split(os.pathsep)[0] == str(course_py.venv_bin("python").parent)
    assert kw["cwd"] == course_py.ROOT


def test_course_py_open_and_test_behave_as_before(calls, monkeypatch):
    assert course_py.main(["test", "tests/test_grading.py"]) == 0
    assert calls[1][0] == [str(course_py.venv_bin("python")), "-m", "pytest", "-n", "2", "tests/test_grading.py"]
    monkeypatch.setattr(course_py, "copy_lessons", lambda: [])
    course_py.main(["open"])
    assert calls[3][0][1:3] == ["lab", f"--notebook-dir={course_py.WORKSPACE}"]


def test_course_py_help_lists_instructor_commands(capsys):
    with pytest.raises(SystemExit):
        course_py.main(["--help"])
    out = capsys.readouterr().out
    assert all(name in out for name in course_py.INSTRUCTOR_COMMANDS)


def test_instructor_main_reports_errors_with_exit_status(course, capsys):
    assert instructor.main(["check", "--course-dir", str(course)]) == 1  # lessons/ not generated yet
    assert "tiny: lessons/tiny/tiny.ipynb is missing" in capsys.readouterr().out
    assert instructor.main(["generate", "--course-dir", str(course)]) == 0
    assert instructor.main(["check", "--course-dir", str(course)]) == 0
    assert "all lesson checks pass" in capsys.readouterr().out
    assert instructor.main(["generate", "nope", "--course-dir", str(course)]) == 1
    assert "error: lessons: no lesson 'nope'" in capsys.readouterr().err
    assert instructor.main(["check", "--course-dir", str(course.parent)]) == 1


@pytest.mark.slow
def test_instructor_script_runs_as_a_program(course):
    done = subprocess.run(
        [sys.executable, str(ROOT / "course" / "instructor.py"), "generate", "--course-dir", str(course)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "lessons/tiny/tiny.ipynb" in done.stdout


def test_runtime_state_is_git_ignored():
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    paths = [
        "course/gradebook.db",
        "course/submitted/ada/x.ipynb",
        "course/autograded/ada/x.ipynb",
        "course/feedback/ada/x.html",
        "course/exchange/exprlib/inbound/x",
        "course/.nbgrader.log",
        "course/grades.csv",
    ]
    done = subprocess.run(["git", "check-ignore", *paths], cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.split() == paths
    kept = subprocess.run(
        ["git", "check-ignore", "course/lessons/a/a.ipynb", "course/solutions/a/a.ipynb", "course/nbgrader_config.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert kept.stdout.split() == []


def test_instructor_docstring_examples():
    result = doctest.testmod(instructor, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted >= 10


def test_class_list_from_ids_and_csv(tmp_path):
    (tmp_path / "class.csv").write_text("id,first_name,last_name,email\nada,Ada,L,ada@x.org\nben,Ben,,\n")
    assert instructor._read_students([str(tmp_path / "class.csv"), "cat"]) == [
        {"id": "ada", "first_name": "Ada", "last_name": "L", "email": "ada@x.org"},
        {"id": "ben", "first_name": "Ben", "last_name": "", "email": ""},
        "cat",
    ]


@pytest.mark.parametrize("bad", ["", "a+b", "x*", {"first_name": "no id"}])
def test_add_students_rejects_ids_the_exchange_cannot_carry(course, bad):
    with pytest.raises(ValueError, match=r"students: bad student id .*; expected a non-empty id without '\+' or '\*'"):
        instructor.add_students(["ada", bad], course_dir=course)
    assert not (course / "gradebook.db").exists(), "nothing is written when the list is bad"
