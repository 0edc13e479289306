"""A real classroom, end to end, on a tiny fixture lesson and nbgrader's exchange in a temp folder.

release -> fetch -> submit -> collect -> autograde (one student at a time) -> feedback -> export,
with the students an instructor actually gets: right, plausibly wrong, raising, looping forever,
editing a test cell, sending a corrupt file, sending nothing; then a regrade after a fix. A second
classroom tries the obvious tricks (rebinding a check function, editing the helper file, an object
equal to everything, deleting or un-marking test cells); none of them earns a point.

The fixture (tests/fixtures/tiny) has three autograded tests worth 1 + 2 + 1 points and a manually
graded written answer worth 2: auto 4, total 6. Its hidden test loads a fresh copy of its checks
from the helper file, the pattern exprlib.checks.reference() follows for the real lessons.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "course"))
import instructor  # noqa: E402  (course/instructor.py)
from common import grading_overrides  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "tiny"
LESSON = "tiny"
# The fixture's cells take milliseconds; the infinite loop costs exactly one such timeout.
CELL_TIMEOUT = 5
TOTAL_MAX = 6.0  # 1 + 2 + 1 autograded, 2 written

# nbgrader 0.9.6's own noise, harmless: its SQLAlchemy session handling, a misspelt keyword
# ("authentictor") in its feedback API, and the cells it re-inserts without an nbformat id.
NBGRADER_NOISE = [
    pytest.mark.filterwarnings("ignore:.*not in session.*"),
    pytest.mark.filterwarnings(r"ignore:Passing unrecognized arguments to super\(Exchange"),
    pytest.mark.filterwarnings("ignore:Cell is missing an id field"),
]
pytestmark = [pytest.mark.slow, pytest.mark.notebooks, *NBGRADER_NOISE]

SQUARE_OK = 'def square(x):\n    """Return x squared."""\n    return x * x'
SQUARE_ADDS = 'def square(x):\n    """Return x squared."""\n    return x + x'
ANSWER_TEXT = "Layers compose: each one folds the input, so regions multiply with depth."


# --------------------------------------------------------------------------------------------
# a classroom: an instructor's course folder, an exchange, and one home folder per student
# --------------------------------------------------------------------------------------------


class Classroom:
    def __init__(self, root: Path):
        self.root = root
        self.course = root / "course"
        self.exchange = root / "exchange"
        self.course.mkdir()
        self.exchange.mkdir()
        shutil.copy(instructor.COURSE_DIR / instructor.CONFIG_FILE, self.course)
        shutil.copytree(FIXTURE, self.course / "solutions" / LESSON)
        self.overrides = {
            **grading_overrides(),  # the bubblewrap sandbox, where it runs
            "Exchange": {"root": str(self.exchange)},
            "Execute": {"timeout": CELL_TIMEOUT},
            # Every simulated student is this one OS user, which nbgrader would flag as cheating.
            "ExchangeCollect": {"check_owner": False},
        }

    def home(self, student: str) -> Path:
        return self.root / "home" / student

    def _student_api(self, student: str):
        home = self.home(student)
        home.mkdir(parents=True, exist_ok=True)
        overrides = {
            "Exchange": {"root": str(self.exchange), "cache": str(home / ".cache"), "assignment_dir": str(home)},
            "CourseDirectory": {"student_id": student, "assignment_id": LESSON},
        }
        return instructor.nbgrader_api(self.course, overrides=overrides)

    def _student_step(self, student: str, step: str):
        from nbgrader.utils import capture_log

        api = self._student_api(student)
        app = getattr(api.exchange, step)(coursedir=api.coursedir, authenticator=api.authenticator, parent=api)
        return instructor._checked(capture_log(app), f"{student}: {step}")

    def fetch(self, student: str) -> Path:
        self._student_step(student, "FetchAssignment")
        return self.home(student) / LESSON / f"{LESSON}.ipynb"

    def submit(self, student: str) -> None:
        self._student_step(student, "Submit")

    def fetch_feedback(self, student: str) -> list[Path]:
        api = self._student_api(student)
        instructor._checked(api.fetch_feedback(LESSON, student), f"{student}: fetch_feedback")
        return sorted((self.home(student) / LESSON / "feedback").rglob("*.html"))


def cell(nb, grade_id: str):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def answer(nb, square: str | None = SQUARE_OK, n_regions: str | None = "n_regions = 4", text: str = ANSWER_TEXT):
    if square is not None:
        cell(nb, "square").source = square
    if n_regions is not None:
        cell(nb, "n_regions").source = n_regions
    cell(nb, "explain_depth").source = text


def work(classroom: Classroom, student: str, edit, *, fetch: bool = True) -> None:
    """The student fetches the lesson (once), edits it, saves it and submits."""
    path = classroom.fetch(student) if fetch else classroom.home(student) / LESSON / f"{LESSON}.ipynb"
    nb = nbformat.read(path, as_version=4)
    edit(nb, path.parent)
    nbformat.write(nb, path)
    classroom.submit(student)


def digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not {"feedback", ".cache"} & set(p.relative_to(folder).parts)
    }


def by_student(results) -> dict[str, instructor.StudentResult]:
    return {r.student: r for r in results}


def exported(path: Path) -> dict[str, float]:
    with open(path, newline="") as fh:
        return {row["student_id"]: float(row["score"]) for row in csv.DictReader(fh) if row["assignment"] == LESSON}


# --------------------------------------------------------------------------------------------
# the students
# --------------------------------------------------------------------------------------------


def ada_draft(nb, folder):  # submits a draft first, then the final version
    answer(nb, square=SQUARE_ADDS, n_regions="n_regions = 3")


def ada(nb, folder):  # right
    answer(nb)


def ben(nb, folder):  # plausible but wrong: whole numbers only, and one region short
    answer(nb, square='def square(x):\n    """Return x squared."""\n    return int(x * x)', n_regions="n_regions = 3")


def cat(nb, folder):  # her notebook raises: a leftover cell at the top, and a typo in exercise 2
    answer(nb, n_regions="n_regions = quadrants")
    nb.cells.insert(1, new_code_cell('raise RuntimeError("I meant to delete this cell")'))


def dan(nb, folder):  # an infinite loop before his (right) function
    answer(nb, square="n = 1\nwhile n > 0:  # meant to stop at 10\n    n += 1\n\n" + SQUARE_OK)


def eve(nb, folder):  # edits the visible test cells so that her wrong function "passes"
    answer(nb, square=SQUARE_ADDS)
    cell(nb, "test_square_small").source = "pass  # looks fine to me"
    test = cell(nb, "test_n_regions")
    test.source = "pass"
    test.metadata["nbgrader"]["points"] = 10


EXPECTED_AUTO = {"ada": 4.0, "ben": 1.0, "cat": 3.0, "dan": 1.0, "eve": 1.0}


def test_classroom_end_to_end(tmp_path):
    room = Classroom(tmp_path)

    # -- instructor: release, class list ---------------------------------------------------------
    assert instructor.release(LESSON, course_dir=room.course, overrides=room.overrides) == []
    assert (room.exchange / "exprlib" / "outbound" / LESSON / f"{LESSON}.ipynb").is_file()
    roster = ["abe", "ada", "ben", "cat", "dan", "eve", "fay"]
    assert instructor.add_students(roster, course_dir=room.course) == roster

    # -- students --------------------------------------------------------------------------------
    work(room, "ada", ada_draft)
    work(room, "ada", ada, fetch=False)
    for student, edit in [("ben", ben), ("cat", cat), ("dan", dan), ("eve", eve)]:
        work(room, student, edit)
    room.fetch("fay")  # and never submits
    # abe's file got corrupted on the way (truncated JSON); he sorts first, so a batch run that
    # stopped at him would have skipped everyone.
    abe_nb = room.fetch("abe")
    intact = nbformat.read(abe_nb, as_version=4)
    abe_nb.write_text('{"cells": [')
    room.submit("abe")
    homes_before = {s: digest(room.home(s)) for s in roster}

    # -- instructor: collect ---------------------------------------------------------------------
    collected = instructor.collect(LESSON, course_dir=room.course, overrides=room.overrides)
    assert collected == ["abe", "ada", "ben", "cat", "dan", "eve"]
    inbound = sorted(p.name.split("+")[0] for p in (room.exchange / "exprlib" / "inbound").iterdir())
    assert inbound == ["abe", "ada", "ada", "ben", "cat", "dan", "eve"], "every submission stays in the exchange"
    submitted = room.course / "submitted"
    final_ada = nbformat.read(submitted / "ada" / LESSON / f"{LESSON}.ipynb", as_version=4)
    assert cell(final_ada, "square").source == SQUARE_OK, "collect takes a student's newest submission"
    for student in collected:  # what was collected is byte for byte what the student last sent
        sent = max((room.home(student) / ".cache" / "exprlib").iterdir())
        assert digest(sent) == digest(submitted / student / LESSON)
    submitted_before = digest(submitted)

    # -- instructor: autograde, one student at a time -----------------------------------------
    results = by_student(instructor.autograde(LESSON, course_dir=room.course, overrides=room.overrides))
    assert set(results) == set(roster), "every student is reported"
    assert results["abe"].status == "failed" and "JSON" in results["abe"].detail
    assert results["fay"].status == "no submission"
    for student, auto in EXPECTED_AUTO.items():
        r = results[student]
        assert r.status == "graded", (student, r)
        # The written answer waits for a person: score counts autograded points only so far.
        assert (r.score, r.max_score, r.manual_pending) == (auto, TOTAL_MAX, 2.0), (student, r)
    assert "1 cell(s) ran past the time limit" in results["dan"].detail
    assert all("time limit" not in results[s].detail for s in ("ada", "ben", "cat", "eve"))
    assert instructor.grades(LESSON, "cat", course_dir=room.course)["test_n_regions"].score == 0.0
    eve_grades = instructor.grades(LESSON, "eve", course_dir=room.course)
    assert eve_grades["test_square_small"].score == 0.0, "an edited test cell is restored before grading"
    assert eve_grades["test_n_regions"].max_score == 1.0, "points edited in metadata are reset"
    assert digest(submitted) == submitted_before, "autograde never touches what students submitted"

    # -- feedback ------------------------------------------------------------------------------
    sent = by_student(instructor.feedback(LESSON, course_dir=room.course, overrides=room.overrides))
    # abe's corrupt file could not be graded: feedback says so instead of skipping him.
    assert set(sent) == set(EXPECTED_AUTO) | {"abe"} and sent.pop("abe").status == "failed"
    assert all(r.status == "feedback" for r in sent.values())
    for student in EXPECTED_AUTO:
        (html,) = room.fetch_feedback(student)
        text = html.read_text()
        assert "BEGIN HIDDEN TESTS" not in text and "tiny_checks_reference" not in text, "hidden tests leak"
        assert "Cell In[" not in text, "feedback shows tracebacks (they quote the test source)"
    ben_text = room.fetch_feedback("ben")[0].read_text()
    assert "square(0.5) is wrong" in ben_text, "feedback keeps the failure message"
    assert {s: digest(room.home(s)) for s in roster} == homes_before, "students' own files are untouched"

    # -- export ----------------------------------------------------------------------------------
    scores = exported(instructor.export(course_dir=room.course))
    assert scores == {**EXPECTED_AUTO, "abe": 0.0, "fay": 0.0}

    # -- a manual grade, a fix, a regrade ---------------------------------------------------------
    from nbgrader.api import Gradebook

    config = instructor.load_config(room.course)
    with Gradebook(f"sqlite:///{room.course / 'gradebook.db'}", config.CourseDirectory.course_id) as gb:
        gb.find_grade("explain_depth", LESSON, LESSON, "ada").manual_score = 1.5
        gb.db.commit()
    # abe e-mails the intact notebook; the instructor puts it in place and regrades everyone.
    answer(intact, n_regions=None)  # he left exercise 2 blank
    nbformat.write(intact, submitted / "abe" / LESSON / f"{LESSON}.ipynb")
    before = {s: instructor.grades(LESSON, s, course_dir=room.course) for s in EXPECTED_AUTO}
    again = by_student(instructor.autograde(LESSON, course_dir=room.course, force=True, overrides=room.overrides))
    assert again["abe"].status == "graded" and again["abe"].score == 3.0
    for student in EXPECTED_AUTO:
        now = instructor.grades(LESSON, student, course_dir=room.course)
        assert {k: g.auto_score for k, g in now.items()} == {k: g.auto_score for k, g in before[student].items()}
    assert instructor.grades(LESSON, "ada", course_dir=room.course)["explain_depth"].manual_score == 1.5
    assert again["ada"].score == 5.5, "the manual grade counts and survives the regrade"
    assert exported(instructor.export(course_dir=room.course))["ada"] == 5.5
    # without --force, nothing new to grade: reported as such, grades untouched
    (ben_again,) = instructor.autograde(LESSON, ["ben"], course_dir=room.course, overrides=room.overrides)
    assert (ben_again.status, ben_again.score) == ("up to date", EXPECTED_AUTO["ben"])


# --------------------------------------------------------------------------------------------
# tricks
# --------------------------------------------------------------------------------------------


def gus(nb, folder):  # rebinds the check function (module attribute and notebook name)
    answer(
        nb,
        square=SQUARE_ADDS
        + "\n\nimport tiny_checks\n"
        + 'tiny_checks.check_square = lambda *args, **kw: print("square looks right")\n'
        + "check_square = tiny_checks.check_square",
    )


def hal(nb, folder):  # rewrites the helper file shipped with the lesson
    answer(nb, square=SQUARE_ADDS)
    (folder / "tiny_checks.py").write_text('def check_square(*args, **kw):\n    print("square looks right")\n')


def ivy(nb, folder):  # returns an object that claims to equal anything
    always = "class Anything(int):\n    def __eq__(self, other):\n        return True\n    __hash__ = int.__hash__\n"
    answer(nb, square=always + "\ndef square(x):\n    return Anything()", n_regions=always + "n_regions = Anything()")


def jon(nb, folder):  # deletes the test cells
    answer(nb, square=SQUARE_ADDS, n_regions="n_regions = 3")
    tests = {"test_square_small", "test_square_hidden", "test_n_regions"}
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") not in tests]


def kim(nb, folder):  # turns a test cell into an ordinary cell (metadata removed) that passes
    answer(nb, square=SQUARE_ADDS)
    test = cell(nb, "test_square_small")
    test.metadata.pop("nbgrader")
    test.source = "pass"


def moe(nb, folder):  # control: right answers, so the tricks are judged against a working setup
    answer(nb)


TRICKS = {"gus": 1.0, "hal": 1.0, "ivy": 0.0, "jon": 0.0, "kim": 1.0, "moe": 4.0}


def test_tricks_earn_no_points(tmp_path):
    room = Classroom(tmp_path)
    instructor.release(LESSON, course_dir=room.course, overrides=room.overrides)
    for student, edit in [("gus", gus), ("hal", hal), ("ivy", ivy), ("jon", jon), ("kim", kim), ("moe", moe)]:
        work(room, student, edit)
    assert instructor.collect(LESSON, course_dir=room.course, overrides=room.overrides) == sorted(TRICKS)
    results = by_student(instructor.autograde(LESSON, course_dir=room.course, overrides=room.overrides))
    scores = {s: r.score for s, r in results.items()}
    assert scores == TRICKS, {s: (r.status, r.score, r.detail) for s, r in results.items()}
    for student in ("gus", "hal", "ivy", "jon", "kim"):
        grades = instructor.grades(LESSON, student, course_dir=room.course)
        assert grades["test_square_small"].score == grades["test_square_hidden"].score == 0.0, student

    graded = room.course / "autograded"
    gus_nb = nbformat.read(graded / "gus" / LESSON / f"{LESSON}.ipynb", as_version=4)
    self_check = next(c for c in gus_nb.cells if c.source == "check_square(square)")
    assert "square looks right" in "".join(o.get("text", "") for o in self_check.outputs), "the rebinding did run"
    # hal's own helper file is kept as he sent it; grading ran against the course's copy.
    assert "print" in (room.course / "submitted" / "hal" / LESSON / "tiny_checks.py").read_text()
    assert (graded / "hal" / LESSON / "tiny_checks.py").read_bytes() == (FIXTURE / "tiny_checks.py").read_bytes()
    # deleted and un-marked test cells were put back before grading
    for student in ("jon", "kim"):
        nb = nbformat.read(graded / student / LESSON / f"{LESSON}.ipynb", as_version=4)
        ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
        assert {"test_square_small", "test_square_hidden", "test_n_regions"} <= set(ids), student
