"""Adversarial grading: cheats planted in real lesson submissions, graded by the real pipeline.

Each file in ``tests/attacks/`` is one attack (Python, kept as ``<name>.py.txt`` so that nothing --
pytest's ``--doctest-modules`` above all -- ever imports and runs it outside a grading kernel):
a few lines a student puts into ONE answer cell of
an otherwise honest submission of lesson ``00-welcome``. Its header says which class of attack it
belongs to, what it tries, and its honest base:

- ``blank``: the lesson as released, so the honest part earns 0 and the attack must earn exactly 0;
- ``solution``: the model answers, so the honest part earns full marks (the attack is a leak or a
  tampering; what is asserted is what must NOT happen).

``first: partial`` makes the attacker hand in an honest partial answer first (graded with the
honest class), so that an attack that stops its own grading cannot keep that older score.
Placeholders in a snippet (``__COURSE__``, ``__DROP__``, ``__STUDENT__``, ``__VICTIM__``, ...)
give it what a determined student would know: the absolute paths of the instructor's folders.

The classes (the issue's report: eleven cheats, seven earned points):

1. files reachable from the grading kernel (solutions, gradebook, classmates, the config);
2. processes that outlive grading;
3. tampering with the kernel so that test cells pass without checking;
4. reading the checker's state (frames, the garbage collector) from the student's function, or
   handing the checker its own reference (a function that claims to be exprlib's);
5. hidden tests leaking through what a test cell prints;
6. killing the kernel (the score of an earlier submission stayed);
0. classic tricks: lying ``int``/``ndarray`` subclasses, raising ``SystemExit``/``KeyboardInterrupt``.

One classroom (a temp folder, nbgrader's exchange, the real ``course/instructor.py``) grades every
attacker in one ``autograde`` call, with honest classmates around them, and checks afterwards:
every grade cell of every attacker (nothing beyond its honest part), the honest students' grades
and an instructor's manual score (unchanged after the attacks and after ``autograde --force``),
the feedback HTML (no hidden-test source, no model answer, no classmate's work), the course and
exchange folders (nbgrader's own outputs change, nothing else), left-over processes (every attack
carries a unique marker in its arguments) and files dropped later where the instructor looks.
All problems are collected and reported together, one line per attack and cell.

The attacks run inside the sandbox (``course/sandbox.py``, bubblewrap) when the grading uses one;
without bubblewrap the test fails under ``CI=true`` and skips elsewhere. About 25 gradings of
lesson 00: 2.5 minutes on a busy 2-core machine (the timings are part of the failure report).
"""

from __future__ import annotations

import copy
import csv
import hashlib
import html
import os
import re
import secrets
import shutil
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "course"))
import instructor  # noqa: E402  (course/instructor.py)

ATTACKS_DIR = Path(__file__).resolve().parent / "attacks"
ATTACK_SUFFIX = ".py.txt"
LESSON = "00-welcome"
SOLUTION_NB = instructor.COURSE_DIR / "solutions" / LESSON / f"{LESSON}.ipynb"
FUNCTION_CELL, VALUE_CELL, ESSAY_CELL = "activation_pattern_by_hand", "regions_3_lines", "explain_linear_regions"
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
# Lesson 00's cells take a few seconds in all; a cell that needs more than this is stuck.
CELL_TIMEOUT = 60
# The daemons wait 3 s before they act; this is how long the test gives them afterwards.
SETTLE_SECONDS = 5
HONEST_FULL, HONEST_BLANK = "honest-full", "honest-blank"
# What the instructor's own commands write at the top of the course folder (besides the gradebook,
# nbgrader's log, and autograded/ and feedback/ of the students just graded).
GRADING_OUTPUTS = {"feedback", "grades.csv", getattr(instructor, "STATUS_FILE", "grades.csv")}
INSTRUCTOR_MANUAL = 1.5  # the instructor's grade of honest-full's written answer (out of 2)
HONEST_ESSAY = "Each region is where every unit keeps its on/off state; more regions allow more bends."

NBGRADER_NOISE = [
    pytest.mark.filterwarnings("ignore:.*not in session.*"),
    pytest.mark.filterwarnings(r"ignore:Passing unrecognized arguments to super\(Exchange"),
    pytest.mark.filterwarnings("ignore:Cell is missing an id field"),
]
pytestmark = [pytest.mark.slow, pytest.mark.notebooks, *NBGRADER_NOISE]


# --------------------------------------------------------------------------------------------
# the attacks
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attack:
    name: str  # also the attacker's student id
    klass: str
    base: str  # "blank" or "solution"
    cell: str  # the answer cell the snippet goes into
    first: str | None  # an earlier, honestly graded submission ("partial"), or None
    tries: str
    code: str

    def snippet(self, marker: str, **places: str) -> str:
        code = self.code.replace("__MARKER__", marker)
        for key, value in places.items():
            code = code.replace(f"__{key.upper()}__", value)
        return f"# attack {marker}\n{code.strip()}\n"


HEADER = re.compile(r"^# (class|base|cell|first|tries): ?(.*)$")


def load_attacks() -> list[Attack]:
    attacks = []
    for path in sorted(ATTACKS_DIR.glob(f"*{ATTACK_SUFFIX}")):
        fields: dict[str, str] = {}
        lines = path.read_text().splitlines()
        key = None
        body_at = 0
        for i, line in enumerate(lines):
            match = HEADER.match(line)
            if match:
                key = match.group(1)
                fields[key] = match.group(2).strip()
            elif key == "tries" and line.startswith("#   "):
                fields["tries"] += " " + line[4:].strip()
            else:
                body_at = i
                break
        attacks.append(
            Attack(
                name=path.name.removesuffix(ATTACK_SUFFIX),
                klass=fields["class"],
                base=fields["base"],
                cell=fields["cell"],
                first=fields.get("first"),
                tries=fields["tries"],
                code="\n".join(lines[body_at:]),
            )
        )
    return attacks


ATTACKS = load_attacks()


def test_attack_files_are_well_formed():
    """At least 15 attacks, every class covered twice, each with a base and a cell that exist."""
    assert len(ATTACKS) >= 15
    assert not list(ATTACKS_DIR.glob("*.py")), "an attack saved as .py would run when pytest imports it"
    classes: dict[str, int] = {}
    for attack in ATTACKS:
        assert attack.base in ("blank", "solution"), attack
        assert attack.cell in (FUNCTION_CELL, VALUE_CELL), attack
        assert attack.first in (None, "partial"), attack
        assert "__MARKER__" not in attack.tries and attack.tries, attack
        classes[attack.klass.split()[0]] = classes.get(attack.klass.split()[0], 0) + 1
    assert all(classes.get(str(k), 0) >= 2 for k in range(1, 7)), classes


# --------------------------------------------------------------------------------------------
# the lesson: points, hidden lines, model answers
# --------------------------------------------------------------------------------------------


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def by_id(nb, grade_id: str):
    return next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == grade_id)


class Lesson:
    """What grading lesson 00 must never show a student, and what each cell is worth."""

    def __init__(self, release_nb):
        solution = nbformat.read(SOLUTION_NB, as_version=4)
        self.solution = solution
        self.points = {
            nbgrader_meta(c)["grade_id"]: float(nbgrader_meta(c).get("points", 0))
            for c in solution.cells
            if nbgrader_meta(c).get("grade")
        }
        self.tests = [k for k, c in ((nbgrader_meta(c).get("grade_id"), c) for c in solution.cells)
                      if k and nbgrader_meta(c).get("grade") and not nbgrader_meta(c).get("solution")]
        released = "\n".join(c.source for c in release_nb.cells)

        def secret(lines, minimum):
            return sorted({s.strip() for s in lines if len(s.strip()) >= minimum and s.strip() not in released})

        self.hidden = secret(
            [l for c in solution.cells if nbgrader_meta(c).get("grade")
             for l in instructor._region_lines(c.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")], 12)
        self.model_essay = secret(instructor._region_lines(by_id(solution, ESSAY_CELL).source, "BEGIN SOLUTION", "END SOLUTION"), 25)
        self.model_code = secret(
            [l for c in solution.cells if nbgrader_meta(c).get("solution") and c.cell_type == "code"
             for l in instructor._region_lines(c.source, "BEGIN SOLUTION", "END SOLUTION")], 12)
        assert self.hidden and self.model_essay and self.model_code
        self.auto_max = sum(self.points[t] for t in self.tests)

    def solved_source(self, grade_id: str) -> str:
        source = by_id(self.solution, grade_id).source
        return "\n".join(l for l in source.split("\n") if "BEGIN SOLUTION" not in l and "END SOLUTION" not in l)

    def honest_scores(self, base: str) -> dict[str, float]:
        """Per grade cell: what the honest part of a submission earns (a written answer: 0 until graded)."""
        if base == "blank":
            return {k: 0.0 for k in self.points}
        if base == "partial":
            return {k: (self.points[k] if k == "test_regions_3_lines" else 0.0) for k in self.points}
        return {k: (self.points[k] if k in self.tests else 0.0) for k in self.points}


# --------------------------------------------------------------------------------------------
# a classroom
# --------------------------------------------------------------------------------------------


class Classroom:
    """An instructor's course folder with the real lesson, an exchange and one home per student."""

    def __init__(self, root: Path):
        self.root = root
        self.course = root / "course"
        self.exchange = root / "exchange"
        self.drop = root / "drop"  # where a surviving process would leave its mark
        for folder in (self.course, self.exchange, self.drop):
            folder.mkdir()
        shutil.copy(instructor.COURSE_DIR / instructor.CONFIG_FILE, self.course)
        shutil.copytree(SOLUTION_NB.parent, self.course / "solutions" / LESSON)
        self.overrides = {
            "Exchange": {"root": str(self.exchange)},
            "Execute": {"timeout": CELL_TIMEOUT},
            "ExecutePreprocessor": {"timeout": CELL_TIMEOUT},
            # Every simulated student is this one OS user, which nbgrader would flag as cheating.
            "ExchangeCollect": {"check_owner": False},
        }

    def home(self, student: str) -> Path:
        return self.root / "home" / student

    def _student_step(self, student: str, step: str):
        from nbgrader.utils import capture_log

        home = self.home(student)
        home.mkdir(parents=True, exist_ok=True)
        overrides = {
            "Exchange": {"root": str(self.exchange), "cache": str(home / ".cache"), "assignment_dir": str(home)},
            "CourseDirectory": {"student_id": student, "assignment_id": LESSON},
        }
        api = instructor.nbgrader_api(self.course, overrides=overrides)
        app = getattr(api.exchange, step)(coursedir=api.coursedir, authenticator=api.authenticator, parent=api)
        return instructor._checked(capture_log(app), f"{student}: {step}")

    def hand_in(self, student: str, nb) -> None:
        path = self.home(student) / LESSON / f"{LESSON}.ipynb"
        if not path.exists():
            self._student_step(student, "FetchAssignment")
        nbformat.write(nb, path)
        self._student_step(student, "Submit")

    def autograde(self, students=None, force=False):
        results = instructor.autograde(LESSON, students, course_dir=self.course, force=force, overrides=self.overrides)
        return {r.student: r for r in results}

    def grades(self, student: str) -> dict[str, tuple[float, float | None, float | None]]:
        return {k: (g.score, g.auto_score, g.manual_score)
                for k, g in instructor.grades(LESSON, student, course_dir=self.course).items()}

    def set_manual(self, student: str, grade_id: str, score: float) -> None:
        from nbgrader.api import Gradebook

        config = instructor.load_config(self.course)
        with Gradebook(f"sqlite:///{self.course / 'gradebook.db'}", config.CourseDirectory.course_id) as gb:
            gb.find_grade(grade_id, LESSON, LESSON, student).manual_score = score
            gb.db.commit()

    def snapshot(self, skip_students: set[str]) -> dict[str, str]:
        """Every file of the course and the exchange, except what grading itself writes."""
        files = {}
        for base, folder in (("course", self.course), ("exchange", self.exchange)):
            for path in sorted(folder.rglob("*")):
                rel = path.relative_to(folder)
                parts = rel.parts
                if path.is_dir() or parts[0] in GRADING_OUTPUTS or parts[0].startswith(("gradebook.db", ".nbgrader")):
                    continue
                if parts[0] == "autograded" and len(parts) > 1 and parts[1] in skip_students:
                    continue
                try:
                    files[f"{base}/{rel.as_posix()}"] = hashlib.sha256(path.read_bytes()).hexdigest()
                except OSError as err:
                    files[f"{base}/{rel.as_posix()}"] = f"unreadable: {err}"
        return files


# --------------------------------------------------------------------------------------------
# processes and dropped files
# --------------------------------------------------------------------------------------------


def processes_with(marker: str) -> dict[int, str]:
    """Every process whose arguments or name carry ``marker``: pid -> command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            comm = (entry / "comm").read_text()
        except OSError:
            continue
        if marker in cmdline or marker in comm:
            found[int(entry.name)] = cmdline[:160]
    return found


def kill_all(marker: str) -> None:
    for pid in processes_with(marker):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


# --------------------------------------------------------------------------------------------
# the sandbox's requirement
# --------------------------------------------------------------------------------------------


def require_sandbox() -> None:
    """Fail in CI, skip elsewhere, when the grading sandbox cannot run on this machine."""
    try:
        import sandbox  # course/sandbox.py
    except ImportError:  # a grading without a sandbox module (the attacks then show what they get)
        return
    reason = sandbox.problem()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"the grading sandbox cannot run in CI: {reason}", pytrace=False)
        pytest.skip(reason)


# --------------------------------------------------------------------------------------------
# the test
# --------------------------------------------------------------------------------------------


def feedback_text(path: Path) -> str:
    """The feedback HTML as a student reads it: tags gone, entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", path.read_text()))


def exported(path: Path) -> dict[str, dict]:
    with open(path, newline="") as fh:
        return {row["student_id"]: row for row in csv.DictReader(fh) if row["assignment"] == LESSON}


def test_attacks_earn_nothing(tmp_path):
    require_sandbox()
    started = time.monotonic()
    run = "xatk" + secrets.token_hex(4)
    try:
        _attacks_earn_nothing(tmp_path, run, started)
    finally:
        kill_all(run)
        for path in Path("/tmp").glob(f"*{run}*"):  # what an attack left there
            path.unlink(missing_ok=True)


def _attacks_earn_nothing(tmp_path: Path, run: str, started: float) -> None:  # noqa: C901 - one story
    room = Classroom(tmp_path)
    problems: list[str] = []
    timings: dict[str, float] = {}

    # -- the instructor releases the lesson; the class list ----------------------------------------
    instructor.release(LESSON, course_dir=room.course, overrides=room.overrides)
    roster = [HONEST_FULL, HONEST_BLANK] + [a.name for a in ATTACKS]
    instructor.add_students(roster, course_dir=room.course)
    room._student_step(HONEST_FULL, "FetchAssignment")
    release_nb = nbformat.read(room.home(HONEST_FULL) / LESSON / f"{LESSON}.ipynb", as_version=4)
    lesson = Lesson(release_nb)
    secret_token = f"classmate-secret-{secrets.token_hex(6)}"
    places = {
        "course": str(room.course),
        "drop": str(room.drop),
        "exchange": str(room.exchange),
        "repo": str(ROOT),
        "lesson": LESSON,
        "victim": HONEST_FULL,
    }
    markers = {a.name: f"{run}-{a.name}" for a in ATTACKS}

    def notebook(base: str):
        nb = copy.deepcopy(release_nb)
        if base == "solution":
            for grade_id in (FUNCTION_CELL, VALUE_CELL):
                by_id(nb, grade_id).source = lesson.solved_source(grade_id)
        elif base == "partial":
            by_id(nb, VALUE_CELL).source = "regions_3_lines = 7"
        return nb

    def attacked(attack: Attack):
        nb = notebook(attack.base)
        cell = by_id(nb, attack.cell)
        snippet = attack.snippet(markers[attack.name], student=attack.name, **places)
        if STUB in cell.source:
            cell.source = cell.source.replace(STUB, snippet)  # a top-level stub: the student replaces it
        else:
            cell.source = cell.source.rstrip() + "\n\n" + snippet
        return nb

    # -- round 1: honest-full, and the first (honest, partial) submissions of some attackers -----------
    full = notebook("solution")
    by_id(full, FUNCTION_CELL).source += f"\n# {HONEST_FULL}'s own work: {secret_token}"
    by_id(full, ESSAY_CELL).source = HONEST_ESSAY
    room.hand_in(HONEST_FULL, full)
    early = [a for a in ATTACKS if a.first]
    for attack in early:
        room.hand_in(attack.name, notebook(attack.first))
    instructor.collect(LESSON, course_dir=room.course, overrides=room.overrides)
    t = time.monotonic()
    first = room.autograde([HONEST_FULL] + [a.name for a in early])
    timings["round 1 autograde"] = time.monotonic() - t
    assert first[HONEST_FULL].status == "graded" and first[HONEST_FULL].score == lesson.auto_max, first[HONEST_FULL]
    for attack in early:
        want = sum(lesson.honest_scores(attack.first).values())
        assert first[attack.name].score == want, (attack.name, first[attack.name])
    room.set_manual(HONEST_FULL, ESSAY_CELL, INSTRUCTOR_MANUAL)
    honest_full_grades = room.grades(HONEST_FULL)

    # -- round 2: the attackers (and an honest blank submission) -------------------------------------
    time.sleep(1.1)  # a resubmission needs a newer timestamp than the first one
    room.hand_in(HONEST_BLANK, notebook("blank"))
    for attack in ATTACKS:
        room.hand_in(attack.name, attacked(attack))
    instructor.collect(LESSON, course_dir=room.course, overrides=room.overrides)
    attackers = {a.name for a in ATTACKS}
    before = room.snapshot(skip_students=attackers | {HONEST_BLANK})
    t = time.monotonic()
    results = room.autograde()
    timings[f"round 2 autograde ({len(ATTACKS) + 1} submissions)"] = time.monotonic() - t
    time.sleep(SETTLE_SECONDS)

    def check_class(when: str) -> None:
        """Honest students' grades, the instructor's manual grade, files, processes, drops."""
        now = room.grades(HONEST_FULL)
        if now != honest_full_grades:
            changed = {k: (honest_full_grades[k], v) for k, v in now.items() if honest_full_grades.get(k) != v}
            problems.append(f"{when}: {HONEST_FULL}'s grades changed (cell: (score, auto, manual) before -> after): {changed}")
        blank_now = room.grades(HONEST_BLANK)
        if any(score for score, _, _ in blank_now.values()) or any(m is not None for _, _, m in blank_now.values()):
            problems.append(f"{when}: {HONEST_BLANK}'s grades changed: {blank_now}")
        for name, marker in markers.items():
            for pid, cmd in processes_with(marker).items():
                problems.append(f"{when}: attack '{name}' left process {pid} running: {cmd!r}")
        for path in sorted(room.root.rglob(f"*{run}*")) + sorted(Path("/tmp").glob(f"*{run}*")):
            owner = next((n for n, m in markers.items() if m in path.name), "?")
            problems.append(f"{when}: attack '{owner}' wrote {path}")

    # -- what the attackers earned --------------------------------------------------------------------
    def check_scores(when: str, students) -> None:
        for attack in ATTACKS:
            if attack.name not in students:
                continue
            honest = lesson.honest_scores(attack.base)
            try:
                got = room.grades(attack.name)
            except ValueError:
                problems.append(f"{when}: attack '{attack.name}' has no graded submission ({results.get(attack.name)})")
                continue
            for grade_id, (score, auto, manual) in got.items():
                extra = score - honest.get(grade_id, 0.0)
                if extra > 1e-9:
                    kind = " (a manual score)" if manual is not None else ""
                    problems.append(f"{when}: attack '{attack.name}' earned {extra:g} point(s) on {grade_id}{kind}")

    r2 = results
    assert r2[HONEST_FULL].status == "up to date", r2[HONEST_FULL]
    if r2[HONEST_BLANK].score != 0.0:
        problems.append(f"the blank lesson earned {r2[HONEST_BLANK].score} (want 0): {r2[HONEST_BLANK]}")
    check_scores("after grading", attackers)
    check_class("after grading")
    after = room.snapshot(skip_students=attackers | {HONEST_BLANK})
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            what = "appeared" if key not in before else "vanished" if key not in after else "changed"
            problems.append(f"after grading: {key} {what} (nbgrader's outputs aside, grading must not change files)")

    # -- the instructor regrades (nbgrader keeps manual scores) ---------------------------------------
    regraded = [HONEST_FULL, "gradebook-rewrite"]
    t = time.monotonic()
    again = room.autograde([s for s in regraded if s in attackers | {HONEST_FULL}], force=True)
    timings["round 3 autograde --force (2)"] = time.monotonic() - t
    if again[HONEST_FULL].score != lesson.auto_max + INSTRUCTOR_MANUAL:
        problems.append(
            f"after autograde --force: {HONEST_FULL} has {again[HONEST_FULL].score}, not "
            f"{lesson.auto_max + INSTRUCTOR_MANUAL} (full marks + the instructor's {INSTRUCTOR_MANUAL})")
    check_scores("after autograde --force", set(regraded))
    check_class("after autograde --force")

    # -- feedback ---------------------------------------------------------------------------------------
    t = time.monotonic()
    sent = {r.student: r for r in instructor.feedback(LESSON, course_dir=room.course, overrides=room.overrides)}
    timings["feedback"] = time.monotonic() - t
    for student in roster:
        r = sent.get(student)
        if r is None or r.status != "feedback":
            problems.append(f"feedback: {student} got none ({r})")
            continue
        feedback_dir = room.course / "feedback" / student / LESSON
        pages = sorted(feedback_dir.glob("*.html"))
        if not pages:
            problems.append(f"feedback: {student} has no HTML in {feedback_dir}")
            continue
        text = feedback_text(pages[0])
        attack = next((a for a in ATTACKS if a.name == student), None)
        own = attack.snippet(markers[student], student=student, **places) if attack else ""
        if attack and markers[student] not in text:
            problems.append(f"feedback: attack '{student}' got feedback that does not show its current submission")
        secrets_here = [("a hidden test", line) for line in lesson.hidden]
        secrets_here += [("the model answer", line) for line in lesson.model_essay]
        if attack is None or attack.base == "blank":
            if student != HONEST_FULL:
                secrets_here += [("the model answer", line) for line in lesson.model_code]
        for what, line in secrets_here:
            if line in text and line not in own:
                problems.append(f"feedback: attack '{student}' shows {what} in its feedback: {line!r}")
                break
        if student != HONEST_FULL and secret_token in text:
            problems.append(f"feedback: attack '{student}' shows {HONEST_FULL}'s work in its feedback")
    full_pages = sorted((room.course / "feedback" / HONEST_FULL / LESSON).glob("*.html"))
    if full_pages and "Traceback (most recent call last)" in feedback_text(full_pages[0]):
        problems.append(f"feedback: {HONEST_FULL}'s feedback (the model answers) shows a traceback")

    # -- export ------------------------------------------------------------------------------------------
    rows = exported(instructor.export(course_dir=room.course))
    scores = {student: float(row["score"]) for student, row in rows.items()}
    for attack in ATTACKS:  # a grading cut short is marked as such, where the export has the column
        status = rows.get(attack.name, {}).get("grading_status")
        if attack.klass.startswith("6") and status is not None and status.startswith("ok"):
            problems.append(f"export: attack '{attack.name}' killed its kernel, yet its grading reads {status!r}")
    want = {HONEST_FULL: lesson.auto_max + INSTRUCTOR_MANUAL, HONEST_BLANK: 0.0}
    want.update({a.name: sum(lesson.honest_scores(a.base).values()) for a in ATTACKS})
    for student, score in sorted(scores.items()):
        if student in want and score > want[student] + 1e-9:
            problems.append(f"export: attack '{student}' has {score:g} points, its honest part earns {want[student]:g}")
    for student in (HONEST_FULL, HONEST_BLANK):
        if scores.get(student) != want[student]:
            problems.append(f"export: {student} has {scores.get(student)}, want {want[student]}")
    check_class("after feedback and export")

    timings["total"] = time.monotonic() - started
    report = [f"timings (s): { {k: round(v, 1) for k, v in timings.items()} }"]
    report += [f"  {r.line().strip()}" for _, r in sorted(results.items())]
    print("\n".join(report))
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems) + "\n" + "\n".join(report)
