"""Grades stay true: what a failed or cut-short grading leaves behind, on the tiny fixture classroom.

A submission whose kernel dies gets 0 for what did not run, never the score of an older
submission; one nbgrader cannot grade at all gets 0 on every autograded cell. Both are flagged in
the gradebook, recorded in course/grading-status.json and marked in the export; feedback names
them instead of skipping them. Points waiting for a person are exported in their own column and
shown as "pending" (not 0) in released feedback; ``reset-manual`` clears a student's manual
grading (keeping a record of what it cleared).

The classroom (release, fetch, submit, collect) is test_classroom.py's; the fixture lesson has
autograded tests worth 1 + 2 + 1 points and a written answer worth 2.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from test_classroom import (
    LESSON,
    NBGRADER_NOISE,
    ROOT,
    TOTAL_MAX,
    Classroom,
    answer,
    by_student,
    instructor,
    work,
)

AUTO_TESTS = ("test_square_small", "test_square_hidden", "test_n_regions")
KILL_KERNEL = "import os\nos._exit(1)  # leaves the kernel without a word"


def full_marks(nb, folder):
    answer(nb)


def kernel_dies_in_exercise_2(nb, folder):  # exercise 1 right, then the kernel dies
    answer(nb, n_regions=KILL_KERNEL)


def resubmit(room: Classroom, student: str, edit=None, *, corrupt: bool = False) -> None:
    """The student edits their own copy again (or it gets truncated on the way) and submits once more."""
    path = room.home(student) / LESSON / f"{LESSON}.ipynb"
    if corrupt:  # truncated JSON: nbgrader cannot grade it at all
        path.write_text('{"cells": [')
    else:
        nb = nbformat.read(path, as_version=4)
        edit(nb, path.parent)
        nbformat.write(nb, path)
    room.submit(student)


def rows(path: Path) -> dict[str, dict[str, str]]:
    with open(path, newline="") as fh:
        return {row["student_id"]: row for row in csv.DictReader(fh) if row["assignment"] == LESSON}


def submitted_timestamp(room: Classroom, student: str):
    from nbgrader.utils import parse_utc

    return parse_utc((room.course / "submitted" / student / LESSON / "timestamp.txt").read_text().strip())


def notebook_test(function):
    for mark in (pytest.mark.slow, pytest.mark.notebooks, *NBGRADER_NOISE):
        function = mark(function)
    return function


def gradebook(room: Classroom):
    from nbgrader.api import Gradebook

    config = instructor.load_config(room.course)
    return Gradebook(f"sqlite:///{room.course / 'gradebook.db'}", config.CourseDirectory.course_id)


def flagged(room: Classroom, student: str) -> bool:
    with gradebook(room) as gb:
        return all(nb.flagged for nb in gb.find_submission(LESSON, student).notebooks)


def give_manual_grade(room: Classroom, student: str, score: float, comment: str) -> None:
    with gradebook(room) as gb:
        grade = gb.find_grade("explain_depth", LESSON, LESSON, student)
        grade.manual_score = score
        grade.needs_manual_grade = False  # what the formgrader does on saving a score
        gb.find_comment("explain_depth", LESSON, LESSON, student).manual_comment = comment
        gb.db.commit()


def feedback_html(room: Classroom, student: str) -> str:
    return room.fetch_feedback(student)[-1].read_text()  # the newest (folders are named by submission time)


@notebook_test
def test_grades_stay_true(tmp_path):
    room = Classroom(tmp_path)
    instructor.release(LESSON, course_dir=room.course, overrides=room.overrides)
    instructor.add_students(["ada", "ben", "cat", "dan", "eve"], course_dir=room.course)
    for student in ("ada", "ben", "cat"):
        work(room, student, full_marks)
    room.fetch("eve").write_text('{"cells": [')  # her first and only submission is corrupt
    room.submit("eve")
    instructor.collect(LESSON, course_dir=room.course, overrides=room.overrides)

    # -- round 1: everyone right; the written answer waits for a person ----------------------------
    first = by_student(instructor.autograde(LESSON, course_dir=room.course, overrides=room.overrides))
    for student in ("ada", "ben", "cat"):
        r = first[student]
        assert (r.status, r.score, r.max_score, r.manual_pending) == ("graded", 4.0, TOTAL_MAX, 2.0), r
        assert instructor.grading_status(LESSON, student, course_dir=room.course)["status"] == "ok"
        assert not flagged(room, student)
    assert first["dan"].status == "no submission"
    assert first["eve"].status == "failed" and "JSON" in first["eve"].detail
    assert first["eve"].score == 0.0 and flagged(room, "eve"), "the gradebook gets a flagged submission at 0"
    exported = rows(instructor.export(course_dir=room.course))
    assert exported.pop("eve")["grading_status"].startswith("failed: ")
    assert {s: (r["score"], r["manual_pending"], r["grading_status"]) for s, r in exported.items()} == {
        "ada": ("4.0", "2.0", "ok"),
        "ben": ("4.0", "2.0", "ok"),
        "cat": ("4.0", "2.0", "ok"),
        "dan": ("0.0", "0.0", "no submission"),
    }

    # feedback released before manual grading: the written answer is pending, not 0
    sent = by_student(instructor.feedback(LESSON, course_dir=room.course, overrides=room.overrides))
    statuses = {s: r.status for s, r in sent.items()}
    assert statuses == {"ada": "feedback", "ben": "feedback", "cat": "feedback", "eve": "failed"}
    assert "JSON" in sent["eve"].detail, "a failed grading is reported with its reason, not skipped"
    text = feedback_html(room, "cat")
    assert 'Score: <span class="pending">pending</span> / 2.0' in text
    assert "Written response</a> (Score: <span" in text, "the table of contents says pending too"
    assert "2.0 points pending manual grading" in text
    assert "Score: 0.0 / 2.0" not in text, "an ungraded written answer shows as 0"
    assert "Score: 2.0 / 2.0" in text, "the autograded tests keep their scores"
    assert "BEGIN HIDDEN TESTS" not in text and "tiny_checks_reference" not in text

    give_manual_grade(room, "ben", 2.0, "Clear.")
    give_manual_grade(room, "cat", 1.5, "Say why the regions multiply.")

    # -- round 2: ada's kernel dies, ben's file is corrupt; both had full marks before ---------------
    resubmit(room, "ada", kernel_dies_in_exercise_2)
    resubmit(room, "ben", corrupt=True)
    instructor.collect(LESSON, course_dir=room.course, overrides=room.overrides)
    second = by_student(instructor.autograde(LESSON, course_dir=room.course, overrides=room.overrides))

    ada = second["ada"]
    assert ada.status == "incomplete", ada
    assert "kernel died" in ada.detail and "0 for 1 test(s) that did not run" in ada.detail, ada.detail
    assert "incomplete" in ada.line() and "kernel died" in ada.line()
    assert ada.ok, "an incomplete grading is a grade (0 for what did not run), not a failure to grade"
    ada_grades = instructor.grades(LESSON, "ada", course_dir=room.course)
    assert {g: ada_grades[g].auto_score for g in AUTO_TESTS} == {
        "test_square_small": 1.0,
        "test_square_hidden": 2.0,
        "test_n_regions": 0.0,
    }, "0 for the test that did not run, never the older score"
    assert ada.score == 3.0 and flagged(room, "ada")
    ada_status = instructor.grading_status(LESSON, "ada", course_dir=room.course)
    assert ada_status["status"] == "incomplete" and ada_status["not_run"] == ["test_n_regions"]
    assert "kernel died" in ada_status["reason"] and ada_status["timestamp"]
    assert ada_status["sandbox"] == "bwrap"

    ben = second["ben"]
    assert ben.status == "failed" and "JSON" in ben.detail, ben
    ben_grades = instructor.grades(LESSON, "ben", course_dir=room.course)
    assert {g: ben_grades[g].auto_score for g in AUTO_TESTS} == dict.fromkeys(AUTO_TESTS, 0.0)
    assert ben_grades["explain_depth"].manual_score == 2.0, "a person's grade is never lost"
    assert ben.score == 2.0 and flagged(room, "ben")
    assert instructor.grading_status(LESSON, "ben", course_dir=room.course)["status"] == "failed"
    assert second["cat"].status == "up to date" and not flagged(room, "cat")

    exported = rows(instructor.export(course_dir=room.course))
    assert exported["ada"]["score"] == "3.0" and exported["ada"]["grading_status"].startswith("incomplete: ")
    assert "kernel died" in exported["ada"]["grading_status"]
    assert exported["ben"]["score"] == "2.0" and exported["ben"]["grading_status"].startswith("failed: ")
    assert exported["cat"]["score"] == "5.5" and exported["cat"]["manual_pending"] == "0.0"
    assert exported["dan"]["score"] == "0.0"
    with gradebook(room) as gb:  # the scores stand against the new submissions' timestamps
        for student in ("ada", "ben"):
            stamp = gb.find_submission(LESSON, student).timestamp
            assert stamp == submitted_timestamp(room, student) and exported[student]["timestamp"] == str(stamp)

    sent = by_student(instructor.feedback(LESSON, course_dir=room.course, overrides=room.overrides))
    assert set(sent) == {"ada", "ben", "cat", "eve"}, "no student is skipped silently"
    assert sent["ada"].status == "feedback" and sent["ada"].detail.startswith("incomplete: ")
    assert "failed: " in sent["ben"].detail and "JSON" in sent["ben"].detail
    text = feedback_html(room, "ada")
    assert "Grading incomplete:" in text and "kernel died" in text
    cat_text = feedback_html(room, "cat")
    assert "Score: 1.5 / 2.0" in cat_text and "pending" not in cat_text and "Say why" in cat_text

    # -- reset-manual: cat's written answer is pending again, and what was cleared is kept ---------
    with pytest.raises(ValueError, match="'dan' has no submission"):
        instructor.reset_manual(LESSON, ["ben", "dan"], course_dir=room.course)
    assert instructor.grades(LESSON, "ben", course_dir=room.course)["explain_depth"].manual_score == 2.0, (
        "nothing changes unless every student can be reset"
    )
    with pytest.raises(ValueError, match="no student 'zed'"):
        instructor.reset_manual(LESSON, "zed", course_dir=room.course)
    with pytest.raises(ValueError, match="no lesson 'nope'"):
        instructor.reset_manual("nope", "cat", course_dir=room.course)
    done = instructor.reset_manual(LESSON, ["cat"], course_dir=room.course)
    assert done == {
        "cat": [
            "explain_depth: manual score 1.5 cleared, needs manual grading again",
            "explain_depth: comment cleared",
        ]
    }
    cat_grade = instructor.grades(LESSON, "cat", course_dir=room.course)["explain_depth"]
    assert (cat_grade.manual_score, cat_grade.needs_manual_grade) == (None, True)
    with gradebook(room) as gb:
        assert gb.find_comment("explain_depth", LESSON, LESSON, "cat").manual_comment is None
    (record,) = [json.loads(line) for line in (room.course / "manual-resets.jsonl").read_text().splitlines()]
    assert record["student"] == "cat" and record["before"]["explain_depth"]["manual_score"] == 1.5
    assert record["before"]["explain_depth"]["manual_comment"] == "Say why the regions multiply."
    assert rows(instructor.export(course_dir=room.course))["cat"]["manual_pending"] == "2.0"
    assert instructor.reset_manual(LESSON, "cat", course_dir=room.course) == {"cat": []}, "nothing left to reset"

    # -- round 3: ada fixes it; a complete grading clears the mark ----------------------------------
    resubmit(room, "ada", full_marks)
    instructor.collect(LESSON, course_dir=room.course, overrides=room.overrides)
    (again,) = instructor.autograde(LESSON, "ada", course_dir=room.course, overrides=room.overrides)
    assert (again.status, again.score, again.detail) == ("graded", 4.0, "")
    assert not flagged(room, "ada")
    assert instructor.grading_status(LESSON, "ada", course_dir=room.course)["status"] == "ok"
    assert rows(instructor.export(course_dir=room.course))["ada"]["grading_status"] == "ok"


# --------------------------------------------------------------------------------------------
# the sandbox switch, the command line, the runtime files
# --------------------------------------------------------------------------------------------


@pytest.fixture
def course(tmp_path) -> Path:
    folder = tmp_path / "course"
    folder.mkdir()
    shutil.copy(instructor.COURSE_DIR / instructor.CONFIG_FILE, folder)
    shutil.copytree(ROOT / "tests" / "fixtures" / "tiny", folder / "solutions" / LESSON)
    return folder


def test_autograde_refuses_without_a_working_sandbox(course, monkeypatch):
    monkeypatch.setattr(instructor, "_sandbox_problem", lambda: "bubblewrap is not installed")
    refusal = r"bubblewrap is not installed.*apt-get install bubblewrap.*--unsandboxed"
    with pytest.raises(instructor.GradingError, match=refusal):
        instructor.autograde(LESSON, course_dir=course)
    assert not (course / "gradebook.db").exists(), "nothing is graded"
    # an explicit opt-out in the configuration needs no sandbox either
    monkeypatch.setattr(instructor, "_sandbox_problem", lambda: pytest.fail("the sandbox was probed"))
    assert instructor.autograde(LESSON, course_dir=course, overrides={"GradeInSandbox": {"sandbox": "none"}}) == []


def test_unsandboxed_passes_the_opt_out_and_warns(course, monkeypatch, caplog):
    seen = {}
    real = instructor.nbgrader_api

    def spy(course_dir, *, overrides=None):
        seen["overrides"] = overrides
        return real(course_dir, overrides=overrides)

    monkeypatch.setattr(instructor, "nbgrader_api", spy)
    monkeypatch.setattr(instructor, "_sandbox_problem", lambda: pytest.fail("the sandbox was probed"))
    with caplog.at_level("WARNING", logger="exprlib.instructor"):
        results = instructor.autograde(LESSON, course_dir=course, unsandboxed=True, overrides={"Execute": {"timeout": 5}})
    assert results == []
    assert seen["overrides"] == {"Execute": {"timeout": 5}, "GradeInSandbox": {"sandbox": "none"}}
    assert "WITHOUT the sandbox" in caplog.text
    with pytest.raises(TypeError, match="unsandboxed"):
        instructor.autograde(LESSON, course_dir=course, unsandboxed="yes")


def test_cli_passes_unsandboxed_and_runs_reset_manual(course, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(instructor, "autograde", lambda *a, **kw: calls.append((a, kw)) or [])
    assert instructor.main(["autograde", LESSON, "--unsandboxed", "--course-dir", str(course)]) == 0
    assert calls[0][1]["unsandboxed"] is True
    cleared = ["explain_depth: manual score 1 cleared"]
    monkeypatch.setattr(instructor, "reset_manual", lambda lesson, students, **kw: {s: cleared for s in students})
    assert instructor.main(["reset-manual", LESSON, "ada", "ben", "--course-dir", str(course)]) == 0
    out = capsys.readouterr().out
    assert "ada: 1 reset" in out and "ben: 1 reset" in out and "explain_depth: manual score 1 cleared" in out


def test_reset_manual_reports_bad_input(course, capsys):
    assert instructor.main(["reset-manual", "nope", "ada", "--course-dir", str(course)]) == 1
    assert "error: lessons: no lesson 'nope'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        instructor.main(["reset-manual", LESSON, "--course-dir", str(course)])  # no student: argparse says so
    with pytest.raises(TypeError, match="student ids"):
        instructor.reset_manual(LESSON, [1], course_dir=course)
    with pytest.raises(ValueError, match="at least one student"):
        instructor.reset_manual(LESSON, [], course_dir=course)


def test_grading_status_rejects_bad_input(course):
    assert instructor.grading_status(course_dir=course) == {}
    assert instructor.grading_status(LESSON, "ada", course_dir=course) == {}
    with pytest.raises(ValueError, match="student: give the lesson"):
        instructor.grading_status(student="ada", course_dir=course)
    with pytest.raises(TypeError, match="lesson must be a str"):
        instructor.grading_status(3, course_dir=course)


def test_an_unreadable_status_file_is_kept_aside(course):
    (course / instructor.STATUS_FILE).write_text("{not json")
    assert instructor.grading_status(course_dir=course) == {}
    (aside,) = course.glob(f"{instructor.STATUS_FILE}.unreadable-*")
    assert aside.read_text() == "{not json", "nothing is lost"


def test_runtime_files_are_git_ignored():
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    paths = ["course/grading-status.json", "course/manual-resets.jsonl"]
    done = subprocess.run(["git", "check-ignore", *paths], cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.split() == paths
