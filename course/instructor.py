"""Instructor commands for the exprlib course: nbgrader's pipeline, made safe to run on a class.

    python3 course.py generate [LESSON ...]        # solutions/ -> lessons/ (byte-stable; commit it)
    python3 course.py check [LESSON ...]           # lessons match solutions, no leaks, lesson shape
    python3 course.py release LESSON [--force]     # fill the gradebook, put the lesson in the exchange
    python3 course.py students FILE.csv | ID ...   # the class list (so "no submission" is reported)
    python3 course.py collect LESSON               # exchange -> course/submitted/
    python3 course.py autograde LESSON [--force] [--unsandboxed]
                                                   # ONE STUDENT AT A TIME, each result reported
    python3 course.py feedback LESSON              # HTML feedback (hidden tests stripped) -> exchange
    python3 course.py export [--to FILE]           # grades CSV (default course/grades.csv)
    python3 course.py reset-manual LESSON STUDENT ...  # clear manual grades and comments

nbgrader 0.9.6 traps this module designs around:
nbgrader's Python API does not read ``course/nbgrader_config.py`` (:func:`load_config` does);
a batch autograde can stop at one malformed submission and skip everyone after it (we grade
one student at a time and report each); the gradebook is created by running ``alembic`` from
PATH (we put this interpreter's ``bin/`` first); the gradebook is filled by
``generate_assignment`` (autograde fills it first when it is empty, e.g. on a fresh clone).

The ``lint_*`` functions are the static lesson checks (used by ``check`` and the test suite);
:func:`run_wrong_answers` executes a solution notebook once and injects plausible wrong answers.
Grading guards against the obvious tricks (edited, deleted or re-labelled test cells), not against
a determined attacker: a student's code runs in the grading kernel.
"""

from __future__ import annotations

import argparse
import copy
import csv
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import warnings
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
from nbformat import NotebookNode
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

if TYPE_CHECKING:  # nbgrader is imported lazily: the static checks do not need it
    from nbgrader.apps import NbGraderAPI

__all__ = [
    "COURSE_DIR",
    "CONFIG_FILE",
    "GradingError",
    "StudentResult",
    "CellGrade",
    "WrongAnswerResult",
    "load_config",
    "nbgrader_api",
    "list_lessons",
    "generate",
    "release",
    "add_students",
    "collect",
    "autograde",
    "grades",
    "feedback",
    "export",
    "grading_status",
    "reset_manual",
    "lint_notebook",
    "lint_structure",
    "lint_cells",
    "lint_manual_answers",
    "lint_release",
    "drift",
    "check",
    "run_wrong_answers",
    "main",
]

COURSE_DIR = Path(__file__).resolve().parent
CONFIG_FILE = "nbgrader_config.py"
LOG = logging.getLogger("exprlib.instructor")

# Files that never belong in a lesson folder (nbgrader's own ignore list, plus editor litter).
IGNORED = (".ipynb_checkpoints", "*.pyc", "__pycache__", ".DS_Store")

# nbgrader's region delimiters (its defaults; nbgrader_config.py keeps them).
SOLUTION = ("BEGIN SOLUTION", "END SOLUTION")
HIDDEN_TESTS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
MARK_SCHEME = ("BEGIN MARK SCHEME", "END MARK SCHEME")
DELIMITERS = SOLUTION + HIDDEN_TESTS + MARK_SCHEME

# A solution line shorter than this may legitimately occur elsewhere in a lesson (``return x``,
# ``pass``); longer ones appearing anywhere in the release are a leak. Within the answer cell
# itself every solution line counts.
MIN_LEAK_LINE = 12

# Errors a BLANK lesson may raise outside its test cells: the stubs and what calls them.
BLANK_ALLOWED_ERRORS = frozenset({"NotImplementedError"})

# nbgrader reports a cell interrupted at ExecutePreprocessor.timeout under this name.
TIMEOUT_ERROR = "CellTimeoutError"

ARXIV_ID = re.compile(
    r"(?:arXiv:\s*|arxiv\.org/(?:abs|pdf)/)(?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?", re.I
)
DURATION = re.compile(r"\b\d+(?:\s*(?:-|–|to)\s*\d+)?\s*(?:min(?:ute)?s?|h|hrs?|hours?)\b", re.I)
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
BOLD_LABEL = re.compile(r"^\s*(?:[-*]\s+)?\*\*(.+?)\*\*")


class GradingError(RuntimeError):
    """An nbgrader step failed; the message carries nbgrader's own log and traceback."""


@dataclass(frozen=True)
class StudentResult:
    """What happened to one student's submission in one step.

    ``status`` is one of ``"graded"``, ``"incomplete"`` (graded, but the kernel died or time ran
    out: 0 for what did not run; see ``detail``), ``"up to date"`` (already graded, not forced),
    ``"failed"`` (nbgrader could not grade it: 0 on every autograded cell; see ``detail``),
    ``"no submission"``, ``"feedback"`` (feedback generated and, if asked, released).
    """

    student: str
    status: str
    score: float | None = None
    max_score: float | None = None
    manual_pending: float = 0.0
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def line(self) -> str:
        score = "-" if self.score is None else f"{self.score:g} / {self.max_score:g}"
        text = f"  {self.student:<16} {self.status:<14} {score:<12}"
        notes = []
        if self.manual_pending:
            notes.append(f"{self.manual_pending:g} points wait for manual grading")
        if self.detail:
            notes.append(self.detail)
        return (text + "  " + "; ".join(notes)).rstrip()


@dataclass(frozen=True)
class CellGrade:
    """The gradebook's record of one graded cell of one submission."""

    auto_score: float | None
    manual_score: float | None
    score: float
    max_score: float
    needs_manual_grade: bool
    cell_type: str


@dataclass
class WrongAnswerResult:
    """Outcome of one injected wrong answer: ``ok`` when every named test cell failed with the hint."""

    index: int
    cell: str
    hint: str
    messages: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --------------------------------------------------------------------------------------------
# configuration and nbgrader access
# --------------------------------------------------------------------------------------------


def _put_interpreter_bin_on_path() -> None:
    # nbgrader creates a gradebook by running `alembic` from PATH; a venv's python started
    # without its bin/ on PATH would find no alembic (or another environment's).
    bin_dir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if not parts or parts[0] != bin_dir:
        os.environ["PATH"] = os.pathsep.join([bin_dir] + [p for p in parts if p and p != bin_dir])


def _course_dir(course_dir: str | os.PathLike) -> Path:
    if not isinstance(course_dir, (str, os.PathLike)):
        raise TypeError(f"course_dir must be a path, got {type(course_dir).__name__}")
    path = Path(course_dir).resolve()
    if not (path / CONFIG_FILE).is_file():
        raise ValueError(
            f"course_dir: {str(path)!r} has no {CONFIG_FILE}; expected the course/ folder "
            f"(or a copy of it with {CONFIG_FILE})"
        )
    return path


def load_config(course_dir: str | os.PathLike = COURSE_DIR, *, overrides: Mapping | None = None) -> Config:
    """Load ``<course_dir>/nbgrader_config.py`` explicitly, as nbgrader's API does not.

    Parameters
    ----------
    course_dir : path
        The course folder holding ``nbgrader_config.py``; a copy of the file in another folder
        makes that folder the course root (its ``CourseDirectory.root`` is the file's folder).
    overrides : mapping, optional
        Extra configuration merged on top, e.g. ``{"Execute": {"timeout": 5}}``.

    Returns
    -------
    traitlets.config.Config
        The merged configuration.

    Raises
    ------
    ValueError
        If ``course_dir`` has no ``nbgrader_config.py``.
    TypeError
        If ``overrides`` is not a mapping.

    Examples
    --------
    >>> cfg = load_config()
    >>> cfg.CourseDirectory.source_directory, cfg.CourseDirectory.release_directory
    ('solutions', 'lessons')
    >>> cfg.OverwriteCells.add_missing_cells
    True
    """
    path = _course_dir(course_dir)
    if overrides is not None and not isinstance(overrides, Mapping):
        raise TypeError(f"overrides must be a mapping such as {{'Execute': {{'timeout': 5}}}}, got {overrides!r}")
    _put_interpreter_bin_on_path()
    config = PyFileConfigLoader(CONFIG_FILE, path=str(path)).load_config()
    if overrides:
        config.merge(Config(copy.deepcopy(dict(overrides))))
    return config


def nbgrader_api(course_dir: str | os.PathLike = COURSE_DIR, *, overrides: Mapping | None = None) -> NbGraderAPI:
    """An ``nbgrader.apps.NbGraderAPI`` configured from the course's ``nbgrader_config.py``.

    Parameters
    ----------
    course_dir : path
        The course folder (see :func:`load_config`).
    overrides : mapping, optional
        Extra configuration merged on top of the file's.

    Returns
    -------
    nbgrader.apps.NbGraderAPI

    Examples
    --------
    >>> api = nbgrader_api()  # doctest: +SKIP
    >>> api.coursedir.course_id  # doctest: +SKIP
    'exprlib'
    """
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = load_config(course_dir, overrides=overrides)
    root = Path(config.CourseDirectory.root)
    exchange = Path(config.Exchange.root)
    # The course's own local exchange is made on demand; a shared one (JupyterHub) is the
    # administrator's to create with the right permissions, so it is never created here.
    if root in exchange.parents:
        exchange.mkdir(parents=True, exist_ok=True)
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def _checked(result: Mapping, what: str) -> str:
    if not result.get("success"):
        raise GradingError(f"{what} failed:\n{result.get('log', '')}\n{result.get('error', '')}".rstrip())
    return result.get("log", "")


EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Interrupt))(?::\s.*)?$")
GENERIC_ERRORS = ("Please see the", "There was an error processing", "Traceback (most recent call last)")


def _failure_reason(result: Mapping) -> str:
    """The informative line of a failed nbgrader run (its own summary line says only "see above")."""
    lines = [line.strip() for line in (result.get("log") or "").splitlines()]
    raised = [line for line in lines if EXCEPTION_LINE.match(line) and "NbGraderException" not in line]
    if raised:
        return raised[-1][:300]
    errors = [
        line[len("[ERROR] ") :]
        for line in lines
        if line.startswith("[ERROR]") and not any(g in line for g in GENERIC_ERRORS)
    ]
    if errors:
        return errors[0][:300]
    tail = (result.get("error") or "").strip().splitlines()
    return tail[-1].strip()[:300] if tail else "nbgrader failed without a message"


def list_lessons(course_dir: str | os.PathLike = COURSE_DIR) -> list[str]:
    """The lessons of a course: every ``solutions/<lesson>/<lesson>.ipynb``, sorted by name.

    Parameters
    ----------
    course_dir : path
        The course folder.

    Returns
    -------
    list of str

    Raises
    ------
    ValueError
        If a folder under ``solutions/`` lacks the notebook named after it (one folder per
        lesson, holding ``<lesson>.ipynb``).

    Examples
    --------
    >>> import tempfile, pathlib, shutil
    >>> tmp = pathlib.Path(tempfile.mkdtemp()); _ = shutil.copy(COURSE_DIR / CONFIG_FILE, tmp)
    >>> list_lessons(tmp)
    []
    >>> (tmp / "solutions" / "01-a").mkdir(parents=True); _ = (tmp / "solutions/01-a/01-a.ipynb").write_text("{}")
    >>> list_lessons(tmp)
    ['01-a']
    """
    root = _course_dir(course_dir) / "solutions"
    if not root.is_dir():
        return []
    lessons = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if folder.name.startswith((".", "_")):
            continue
        if not (folder / f"{folder.name}.ipynb").is_file():
            raise ValueError(
                f"solutions/{folder.name}/ has no {folder.name}.ipynb; each lesson folder holds the "
                f"notebook named after it"
            )
        lessons.append(folder.name)
    return lessons


def _select(lessons: str | Iterable[str] | None, available: Sequence[str]) -> list[str]:
    if lessons is None:
        return list(available)
    if isinstance(lessons, str):
        lessons = [lessons]
    chosen = list(lessons)
    for name in chosen:
        if not isinstance(name, str):
            raise TypeError(f"lessons must be lesson names (str), got {name!r}")
        if name not in available:
            raise ValueError(f"lessons: no lesson {name!r} in solutions/; expected one of {list(available)}")
    return chosen


def _run_converter(converter, config: Config, *, assignment_id: str, student_id: str = ".") -> str:
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment_id
    coursedir.student_id = student_id
    app = converter(coursedir=coursedir, config=config)
    app.log.setLevel(logging.INFO)
    return _checked(capture_log(app), f"nbgrader {converter.__name__} {assignment_id}")


def _files(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------------------------
# the commands
# --------------------------------------------------------------------------------------------


def generate(
    lessons: str | Iterable[str] | None = None,
    *,
    course_dir: str | os.PathLike = COURSE_DIR,
    out_dir: str | os.PathLike | None = None,
) -> list[Path]:
    """Regenerate lessons (nbgrader RELEASE) from ``solutions/`` (nbgrader SOURCE).

    Solutions and hidden tests are stripped, outputs, execution counts and widget state cleared.
    The output is byte-identical run to run, so the committed ``lessons/`` can be checked for
    drift. No gradebook is touched (generation runs in a scratch folder without a database).

    Parameters
    ----------
    lessons : str or iterable of str, optional
        Lesson names; all lessons by default, in which case lesson folders in ``out_dir`` that
        no longer have a solution are removed.
    course_dir : path
        The course folder.
    out_dir : path, optional
        Where the lesson folders go (default ``<course_dir>/lessons``).

    Returns
    -------
    list of pathlib.Path
        The files written, sorted.

    Raises
    ------
    ValueError
        For an unknown lesson name.
    GradingError
        If nbgrader refuses a notebook (e.g. a solution region outside a solution cell).

    Examples
    --------
    >>> written = generate()  # doctest: +SKIP
    >>> written[0].relative_to(COURSE_DIR).as_posix()  # doctest: +SKIP
    'lessons/00-welcome/00-welcome.ipynb'
    """
    from nbgrader.converters import GenerateAssignment

    course = _course_dir(course_dir)
    available = list_lessons(course)
    chosen = _select(lessons, available)
    out = course / "lessons" if out_dir is None else Path(out_dir)
    with tempfile.TemporaryDirectory(prefix="exprlib-generate-") as scratch:
        scratch = Path(scratch)
        for lesson in chosen:
            shutil.copytree(
                course / "solutions" / lesson, scratch / "solutions" / lesson, ignore=shutil.ignore_patterns(*IGNORED)
            )
        config = load_config(
            course,
            overrides={
                "CourseDirectory": {"root": str(scratch)},
                "GenerateAssignment": {"no_database": True, "force": True},
                "SaveCells": {"enabled": False},
            },
        )
        for lesson in chosen:
            _run_converter(GenerateAssignment, config, assignment_id=lesson)
        written = []
        out.mkdir(parents=True, exist_ok=True)
        for lesson in chosen:
            dest = out / lesson
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(scratch / "lessons" / lesson, dest)
            written += [p for p in dest.rglob("*") if p.is_file()]
    if lessons is None:
        for stale in sorted(p for p in out.iterdir() if p.is_dir() and p.name not in available):
            shutil.rmtree(stale)
    return sorted(written)


def release(
    lesson: str, *, course_dir: str | os.PathLike = COURSE_DIR, force: bool = False, overrides: Mapping | None = None
) -> list[str]:
    """Fill the gradebook from the solution and put the lesson into the exchange for students.

    Runs nbgrader ``generate_assignment`` (which records the graded cells, their points and
    checksums in ``gradebook.db``, and rewrites ``lessons/<lesson>``) then ``release_assignment``.

    Parameters
    ----------
    lesson : str
        The lesson name.
    course_dir : path
        The course folder.
    force : bool
        Replace a lesson already in the exchange.
    overrides : mapping, optional
        Extra nbgrader configuration.

    Returns
    -------
    list of str
        Notes for the instructor (e.g. that ``lessons/<lesson>`` changed and needs committing).

    Raises
    ------
    ValueError
        For an unknown lesson.
    GradingError
        If nbgrader fails (e.g. the lesson is already released and ``force`` is False).

    Examples
    --------
    >>> release("00-welcome")  # doctest: +SKIP
    []
    """
    course = _course_dir(course_dir)
    (lesson,) = _select(lesson, list_lessons(course))
    extra = {"ExchangeReleaseAssignment": {"force": bool(force)}}
    api = nbgrader_api(course, overrides=_merged(overrides, extra))
    target = course / "lessons" / lesson
    before = _files(target)
    _checked(api.generate_assignment(lesson, force=True, create=True), f"generate_assignment {lesson}")
    notes = []
    if before and _files(target) != before:
        notes.append(f"lessons/{lesson} changed (solutions were edited since `generate`): commit it")
    _checked(api.release_assignment(lesson), f"release_assignment {lesson}")
    return notes


def _merged(overrides: Mapping | None, extra: Mapping) -> dict:
    merged = {k: dict(v) for k, v in (overrides or {}).items()}
    for section, values in extra.items():
        merged.setdefault(section, {}).update(values)
    return merged


def add_students(
    students: Iterable[str | Mapping[str, str]], *, course_dir: str | os.PathLike = COURSE_DIR
) -> list[str]:
    """Add students to the gradebook, so that one who submits nothing is reported (and exported as 0).

    Parameters
    ----------
    students : iterable of str or mapping
        Student ids, or rows with ``id`` and optionally ``first_name``, ``last_name``, ``email``
        (the columns of nbgrader's own student CSV).
    course_dir : path
        The course folder.

    Returns
    -------
    list of str
        The ids added or updated.

    Raises
    ------
    ValueError
        For an empty id or one containing ``+`` or ``*`` (nbgrader's exchange separators).

    Examples
    --------
    >>> add_students(["ada", {"id": "ben", "first_name": "Ben"}])  # doctest: +SKIP
    ['ada', 'ben']
    """
    from nbgrader.api import Gradebook
    from nbgrader.coursedir import CourseDirectory

    rows = []
    for item in students:
        row = {"id": item} if isinstance(item, str) else dict(item)
        sid = str(row.pop("id", "")).strip()
        if not sid or "+" in sid or "*" in sid:
            raise ValueError(f"students: bad student id {sid!r}; expected a non-empty id without '+' or '*'")
        rows.append((sid, {k: v for k, v in row.items() if k in ("first_name", "last_name", "email") and v}))
    config = load_config(course_dir)
    with Gradebook(CourseDirectory(config=config).db_url, config.CourseDirectory.course_id) as gb:
        for sid, extra in rows:
            gb.update_or_create_student(sid, **extra)
    return [sid for sid, _ in rows]


def _submitted(course: Path, lesson: str, config: Config) -> list[str]:
    folder = course / config.CourseDirectory.get("submitted_directory", "submitted")
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / lesson).is_dir())


def collect(
    lesson: str, *, course_dir: str | os.PathLike = COURSE_DIR, overrides: Mapping | None = None
) -> list[str]:
    """Copy students' submissions of a lesson from the exchange into ``submitted/``.

    A student's newest submission replaces the one collected before; older submissions stay in
    the exchange untouched.

    Parameters
    ----------
    lesson : str
        The lesson name.
    course_dir : path
        The course folder.
    overrides : mapping, optional
        Extra nbgrader configuration.

    Returns
    -------
    list of str
        Every student with a collected submission of this lesson.

    Examples
    --------
    >>> collect("00-welcome")  # doctest: +SKIP
    ['ada', 'ben']
    """
    course = _course_dir(course_dir)
    api = nbgrader_api(course, overrides=overrides)
    _checked(api.collect(lesson, update=True), f"collect {lesson}")
    return _submitted(course, lesson, api.config)


def _ensure_in_gradebook(api, lesson: str) -> list[str]:
    from nbgrader.api import MissingEntry

    with api.gradebook as gb:
        try:
            if gb.find_assignment(lesson).notebooks:
                return []
        except MissingEntry:
            pass
    _checked(api.generate_assignment(lesson, force=True, create=True), f"generate_assignment {lesson}")
    return [f"the gradebook had no record of {lesson}: filled it from solutions/ (nbgrader generate_assignment)"]


def grades(lesson: str, student: str, *, course_dir: str | os.PathLike = COURSE_DIR) -> dict[str, CellGrade]:
    """The gradebook's per-cell grades of one student's submission, keyed by ``grade_id``.

    Parameters
    ----------
    lesson, student : str
        Which submission.
    course_dir : path
        The course folder.

    Returns
    -------
    dict of str to CellGrade

    Raises
    ------
    ValueError
        If the gradebook has no such submission.

    Examples
    --------
    >>> grades("00-welcome", "ada")["test_relu_values"].score  # doctest: +SKIP
    2.0
    """
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.coursedir import CourseDirectory

    config = load_config(course_dir)
    with Gradebook(CourseDirectory(config=config).db_url, config.CourseDirectory.course_id) as gb:
        try:
            submission = gb.find_submission(lesson, student)
        except MissingEntry:
            raise ValueError(f"no graded submission of lesson {lesson!r} by student {student!r}") from None
        return {
            g.name: CellGrade(
                auto_score=g.auto_score,
                manual_score=g.manual_score,
                score=float(g.score),
                max_score=float(g.max_score),
                needs_manual_grade=bool(g.needs_manual_grade),
                cell_type=g.cell_type,
            )
            for nb in submission.notebooks
            for g in nb.grades
        }


def _pending_points(submission) -> float:
    """Points of graded cells that wait for a person (needs a manual grade, none given yet)."""
    return sum(
        float(g.max_score)
        for nb in submission.notebooks
        for g in nb.grades
        if g.needs_manual_grade and g.manual_score is None
    ) + 0.0


def _score(api, lesson: str, student: str) -> tuple[float, float, float]:
    with api.gradebook as gb:
        submission = gb.find_submission(lesson, student)
        return float(submission.score), float(submission.max_score), _pending_points(submission)


def _timeouts(course: Path, lesson: str, student: str) -> int:
    count = 0
    for path in sorted((course / "autograded" / student / lesson).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        count += sum(
            1
            for cell in nb.cells
            for out in cell.get("outputs", [])
            if out.get("output_type") == "error" and out.get("ename") == TIMEOUT_ERROR
        )
    return count


# --------------------------------------------------------------------------------------------
# grading status: what the last grading of each submission came to
# --------------------------------------------------------------------------------------------

# The runtime record of every grading (git-ignored), keyed lesson -> student:
# {"status": "ok" | "failed" | "incomplete", "reason": str, "timestamp": ISO time of the grading, ...}.
STATUS_FILE = "grading-status.json"
# What reset_manual cleared, one JSON line per reset (git-ignored): a reset can be undone by hand.
RESETS_FILE = "manual-resets.jsonl"
# The grader's per-notebook verdict, written next to the autograded notebook.
VERDICT_SUFFIX = ".grading.json"
# Statuses that flag the submission in the gradebook (SubmittedNotebook.flagged).
FLAGGED_STATUSES = ("failed", "incomplete")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _read_status(course: Path) -> dict:
    path = course / STATUS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        # Never lose it: set the unreadable file aside and start a fresh record.
        aside = path.with_name(f"{path.name}.unreadable-{datetime.now().strftime('%Y%m%d-%H%M%S')}")
        os.replace(path, aside)
        LOG.warning(f"{path.name} was unreadable ({exc}); kept as {aside.name}, starting a new one")
        return {}
    return data if isinstance(data, dict) else {}


def _write_status(course: Path, lesson: str, student: str, entry: Mapping) -> None:
    data = _read_status(course)
    data.setdefault(lesson, {})[student] = dict(entry)
    path = course / STATUS_FILE
    scratch = path.with_name(path.name + ".tmp")
    scratch.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(scratch, path)


def grading_status(
    lesson: str | None = None, student: str | None = None, *, course_dir: str | os.PathLike = COURSE_DIR
) -> dict:
    """What the last grading of each submission came to (the record ``autograde`` keeps).

    Parameters
    ----------
    lesson : str, optional
        Only this lesson.
    student : str, optional
        Only this student (needs ``lesson``).
    course_dir : path
        The course folder.

    Returns
    -------
    dict
        ``{lesson: {student: entry}}``; with ``lesson``, ``{student: entry}``; with both, the
        entry (``{}`` when there is none). An entry has ``status`` (``"ok"``, ``"failed"`` or
        ``"incomplete"``), ``reason`` and ``timestamp`` (when it was graded), and, from the
        grader's verdict, ``not_run`` and ``sandbox``.

    Raises
    ------
    TypeError
        If ``lesson`` or ``student`` is not a string.
    ValueError
        If ``student`` is given without ``lesson``.

    Examples
    --------
    >>> grading_status("00-welcome", "ada")["status"]  # doctest: +SKIP
    'ok'
    """
    for name, value in (("lesson", lesson), ("student", student)):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name} must be a str, got {value!r}")
    if student is not None and lesson is None:
        raise ValueError("student: give the lesson too, e.g. grading_status('00-welcome', 'ada')")
    data = _read_status(_course_dir(course_dir))
    if lesson is None:
        return data
    by_student = data.get(lesson, {})
    return by_student if student is None else dict(by_student.get(student, {}))


def _status_text(entry: Mapping) -> str:
    status = entry.get("status", "ok")
    return status if status == "ok" else f"{status}: {entry.get('reason') or 'no reason recorded'}"


def _verdicts(course: Path, lesson: str, student: str) -> list[dict]:
    """The grader's ``<notebook>.grading.json`` files of one graded submission."""
    found = []
    for path in sorted((course / "autograded" / student / lesson).glob(f"*{VERDICT_SUFFIX}")):
        try:
            verdict = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(verdict, dict):
                raise ValueError("not a JSON object")
        except (OSError, ValueError) as exc:
            verdict = {"status": "incomplete", "reason": f"the grader's verdict {path.name} is unreadable ({exc})"}
        verdict["notebook"] = path.name[: -len(VERDICT_SUFFIX)]
        found.append(verdict)
    return found


def _set_flag(api, lesson: str, student: str, flagged: bool) -> None:
    from nbgrader.api import MissingEntry

    with api.gradebook as gb:
        try:
            submission = gb.find_submission(lesson, student)
        except MissingEntry:
            return
        for nb in submission.notebooks:
            nb.flagged = flagged
        gb.db.commit()


def _is_autograded(grade) -> bool:
    """An autograder test cell (a code grade cell that is not also a solution cell)."""
    from nbgrader.api import GradeCell

    cell = grade.cell
    if not isinstance(cell, GradeCell) or cell.cell_type != "code":
        return False
    return cell.name not in {s.name for s in cell.notebook.solution_cells}


def _zero_autograded(api, course: Path, lesson: str, student: str) -> None:
    """After a failed grading: every autograded cell of the submission scores 0, and it is flagged.

    Manual grades are kept. The submission is created if the gradebook has none, with the
    submitted timestamp where one is readable.
    """
    try:
        submitted = course / api.coursedir.submitted_directory / student / lesson
        timestamp = api.coursedir.get_existing_timestamp(str(submitted))
    except Exception:  # an unreadable timestamp.txt must not keep an old score in place
        timestamp = None
    with api.gradebook as gb:
        gb.update_or_create_student(student)
        submission = gb.update_or_create_submission(lesson, student, **({"timestamp": timestamp} if timestamp else {}))
        for nb in submission.notebooks:
            for grade in nb.grades:
                if _is_autograded(grade):
                    grade.auto_score = 0.0
                    grade.needs_manual_grade = grade.manual_score is not None  # nbgrader's own rule
            nb.flagged = True
        gb.db.commit()


def _sandbox_module():
    """``course/sandbox.py``, beside this file: the grading sandbox and the grader's verdicts."""
    here = str(Path(__file__).resolve().parent)
    if here not in sys.path:
        sys.path.insert(0, here)
    import sandbox

    return sandbox


def _sandbox_problem() -> str | None:
    """``course/sandbox.py``'s ``problem()``: why grading cannot run in the sandbox here, or None."""
    return _sandbox_module().problem()


def _sandbox_setting(config: Config) -> str:
    section = config.get("GradeInSandbox")
    return str(section.get("sandbox", "bwrap")) if section is not None else "bwrap"


def autograde(
    lesson: str,
    students: str | Iterable[str] | None = None,
    *,
    course_dir: str | os.PathLike = COURSE_DIR,
    force: bool = False,
    overrides: Mapping | None = None,
    unsandboxed: bool = False,
) -> list[StudentResult]:
    """Autograde a lesson ONE STUDENT AT A TIME, so one broken submission cannot skip the others.

    Each submission in ``submitted/<student>/<lesson>/`` runs through nbgrader's autograder
    (edited test cells restored, deleted ones re-inserted, each cell limited to
    ``ExecutePreprocessor.timeout``), in the grading sandbox unless ``unsandboxed``. Manual
    grades already given are kept when regrading.

    Grades stay true: a submission nbgrader cannot grade at all gets 0 on every autograded cell
    (never the score of an older submission) and status ``"failed"``; one whose kernel died or
    ran out of time gets 0 for what did not run and status ``"incomplete"`` with the grader's
    reason. Both are flagged in the gradebook (``SubmittedNotebook.flagged``) and recorded in
    ``grading-status.json`` (see :func:`grading_status`); a later complete grading clears both.

    Parameters
    ----------
    lesson : str
        The lesson name.
    students : str or iterable of str, optional
        Only these students (default: everyone with a submission, plus a ``"no submission"``
        line for every student in the gradebook without one).
    course_dir : path
        The course folder.
    force : bool
        Regrade submissions already graded (default: only new or newer ones).
    overrides : mapping, optional
        Extra nbgrader configuration (e.g. a shorter ``Execute.timeout``).
    unsandboxed : bool
        Grade without the sandbox (``GradeInSandbox.sandbox = "none"``): students' code then
        runs with the instructor's rights. A warning is logged.

    Returns
    -------
    list of StudentResult
        One per student, in name order; ``status`` is ``"graded"``, ``"incomplete"``,
        ``"up to date"``, ``"failed"`` or ``"no submission"``.

    Raises
    ------
    ValueError
        For an unknown lesson.
    TypeError
        If ``unsandboxed`` is not a bool.
    GradingError
        If the sandbox cannot run here (bubblewrap missing or refused) and ``unsandboxed`` is
        False: nothing is graded.

    Examples
    --------
    >>> [r.status for r in autograde("00-welcome")]  # doctest: +SKIP
    ['graded', 'incomplete', 'no submission']
    """
    if not isinstance(unsandboxed, bool):
        raise TypeError(f"unsandboxed must be True or False, got {unsandboxed!r}")
    course = _course_dir(course_dir)
    (lesson,) = _select(lesson, list_lessons(course))
    if unsandboxed:
        overrides = _merged(overrides, {"GradeInSandbox": {"sandbox": "none"}})
        LOG.warning(
            "grading WITHOUT the sandbox (--unsandboxed): students' code runs with your rights and "
            "can read or change anything you can"
        )
    api = nbgrader_api(course, overrides=overrides)
    if not unsandboxed and _sandbox_setting(api.config) != "none":
        problem = _sandbox_problem()
        if problem:
            raise GradingError(
                f"cannot grade in the sandbox here: {problem}. Install bubblewrap "
                f"(`sudo apt-get install bubblewrap`), or grade without the sandbox with --unsandboxed "
                f"(autograde(..., unsandboxed=True)) if you trust every submission."
            )
    notes = _ensure_in_gradebook(api, lesson)
    submitted = _submitted(course, lesson, api.config)
    with api.gradebook as gb:
        roster = sorted(s.id for s in gb.students)
    if students is None:
        todo, absent = submitted, sorted(set(roster) - set(submitted))
    else:
        wanted = [students] if isinstance(students, str) else list(students)
        todo = [s for s in wanted if s in submitted]
        absent = [s for s in wanted if s not in submitted]
    results = []
    for student in todo:
        results.append(_autograde_one(api, course, lesson, student, force))
    results += [StudentResult(s, "no submission", detail="nothing collected") for s in absent]
    for note in notes:
        LOG.warning(note)
    return sorted(results, key=lambda r: r.student)


def _autograde_one(api, course: Path, lesson: str, student: str, force: bool) -> StudentResult:
    previous = _read_status(course).get(lesson, {}).get(student, {})
    try:
        outcome = api.autograde(lesson, student, force=force, create=True)
    except Exception as exc:  # nbgrader catches its own errors; this is the last line of defence
        outcome = {"success": False, "error": f"{type(exc).__name__}: {exc}"}
    if not outcome.get("success"):
        reason = _failure_reason(outcome)
        try:
            _zero_autograded(api, course, lesson, student)
        except Exception as exc:  # still report and record the failure
            reason += f" (and its autograded cells could not be set to 0: {type(exc).__name__}: {exc})"
        _write_status(course, lesson, student, {"status": "failed", "reason": reason, "timestamp": _now()})
        try:
            score, max_score, pending = _score(api, lesson, student)
        except Exception:
            return StudentResult(student, "failed", detail=reason)
        return StudentResult(student, "failed", score, max_score, pending, reason)
    score, max_score, pending = _score(api, lesson, student)
    if "Skipping existing assignment" in outcome.get("log", ""):
        detail = "" if previous.get("status", "ok") == "ok" else _status_text(previous)
        return StudentResult(student, "up to date", score, max_score, pending, detail)
    verdicts = _verdicts(course, lesson, student)
    unfinished = [v for v in verdicts if v.get("status", "complete") != "complete"]
    entry = {
        "timestamp": _now(),
        "not_run": sorted({str(g) for v in verdicts for g in (v.get("not_run") or [])}),
        "sandbox": ",".join(sorted({str(v["sandbox"]) for v in verdicts if v.get("sandbox")})),
    }
    notes = []
    if unfinished:
        reason = "; ".join(
            (f"{v['notebook']}: " if len(verdicts) > 1 else "") + str(v.get("reason") or "no reason recorded")
            for v in unfinished
        )
        _set_flag(api, lesson, student, True)
        _write_status(course, lesson, student, {**entry, "status": "incomplete", "reason": reason})
        status = "incomplete"
        notes.append(reason)
        if entry["not_run"]:
            notes.append(f"0 for {len(entry['not_run'])} test(s) that did not run")
    else:
        if previous.get("status") in FLAGGED_STATUSES:  # our flag; an instructor's own flag stays
            _set_flag(api, lesson, student, False)
        _write_status(course, lesson, student, {**entry, "status": "ok", "reason": ""})
        status = "graded"
    n_timeouts = _timeouts(course, lesson, student)
    if n_timeouts:
        notes.append(f"{n_timeouts} cell(s) ran past the time limit and were interrupted")
    return StudentResult(student, status, score, max_score, pending, "; ".join(notes))


def feedback(
    lesson: str,
    students: str | Iterable[str] | None = None,
    *,
    course_dir: str | os.PathLike = COURSE_DIR,
    release: bool = True,
    overrides: Mapping | None = None,
) -> list[StudentResult]:
    """Make HTML feedback for graded submissions (hidden tests stripped) and release it.

    No student is skipped silently: one whose grading failed, or who submitted but was not
    graded yet, gets a ``"failed"`` line saying why (and no feedback). A written answer nobody
    has graded yet shows "pending" in the feedback, not 0, and the total says how many points
    are pending; an incomplete grading says so at the top.

    Parameters
    ----------
    lesson : str
        The lesson name.
    students : str or iterable of str, optional
        Only these students (default: every one with a submission, a grading or a recorded
        failure).
    course_dir : path
        The course folder.
    release : bool
        Also put the feedback into the exchange, where students fetch it.
    overrides : mapping, optional
        Extra nbgrader configuration.

    Returns
    -------
    list of StudentResult
        One per student, in name order, status ``"feedback"`` (with the grading status in
        ``detail`` when it was incomplete) or ``"failed"``.

    Examples
    --------
    >>> [r.status for r in feedback("00-welcome")]  # doctest: +SKIP
    ['feedback', 'feedback']
    """
    course = _course_dir(course_dir)
    (lesson,) = _select(lesson, list_lessons(course))
    api = nbgrader_api(course, overrides=overrides)
    graded_root = course / "autograded"
    graded = sorted(p.name for p in graded_root.iterdir() if (p / lesson).is_dir()) if graded_root.is_dir() else []
    recorded = _read_status(course).get(lesson, {})
    if students is None:
        wanted = sorted(set(graded) | set(_submitted(course, lesson, api.config)) | set(recorded))
    else:
        wanted = [students] if isinstance(students, str) else list(students)
    results = []
    for student in wanted:
        entry = recorded.get(student, {})
        if entry.get("status") == "failed":
            results.append(StudentResult(student, "failed", detail=f"no feedback: {_status_text(entry)}"))
            continue
        if student not in graded:
            results.append(StudentResult(student, "failed", detail="not autograded yet"))
            continue
        try:
            outcome = api.generate_feedback(lesson, student, force=True)
            if outcome.get("success") and release:
                outcome = api.release_feedback(lesson, student)
        except Exception as exc:  # reported like nbgrader's own failures
            outcome = {"success": False, "error": f"{type(exc).__name__}: {exc}"}
        if not outcome.get("success"):
            results.append(StudentResult(student, "failed", detail=_failure_reason(outcome)))
            continue
        score, max_score, pending = _score(api, lesson, student)
        detail = _status_text(entry) if entry.get("status", "ok") != "ok" else ""
        results.append(StudentResult(student, "feedback", score, max_score, pending, detail))
    return sorted(results, key=lambda r: r.student)


EXPORT_COLUMNS = (
    # nbgrader's own CSV export, column for column ...
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
    # ... and ours: points still waiting for a person, and how the last grading went.
    "manual_pending",
    "grading_status",
)


def export(
    *, course_dir: str | os.PathLike = COURSE_DIR, to: str | os.PathLike | None = None
) -> Path:
    """Write every student's score on every lesson to a CSV.

    nbgrader's CSV export columns (``assignment``, ``duedate``, ``timestamp``, ``student_id``,
    ``last_name``, ``first_name``, ``email``, ``raw_score``, ``late_submission_penalty``,
    ``score``, ``max_score``), then ``manual_pending`` (points of written answers and other
    manually graded cells nobody has graded yet; ``score`` counts them as 0) and
    ``grading_status``: ``ok``, ``failed: <reason>`` or ``incomplete: <reason>`` (the last
    grading of that submission), ``flagged: ...`` (flagged in the gradebook by hand), or
    ``no submission``. A student in the gradebook without a submission gets a score of 0.

    Parameters
    ----------
    course_dir : path
        The course folder.
    to : path, optional
        The CSV file (default ``<course_dir>/grades.csv``, git-ignored).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    TypeError
        If ``to`` is not a path.

    Examples
    --------
    >>> export().name  # doctest: +SKIP
    'grades.csv'
    """
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.coursedir import CourseDirectory

    course = _course_dir(course_dir)
    if to is not None and not isinstance(to, (str, os.PathLike)):
        raise TypeError(f"to must be a path, got {type(to).__name__}")
    config = load_config(course)
    target = course / "grades.csv" if to is None else Path(to)
    target.parent.mkdir(parents=True, exist_ok=True)
    recorded = _read_status(course)
    rows = []
    with Gradebook(CourseDirectory(config=config).db_url, config.CourseDirectory.course_id) as gb:
        for assignment in gb.assignments:
            for student in gb.students:
                row = {
                    "assignment": assignment.name,
                    "duedate": assignment.duedate,
                    "student_id": student.id,
                    "last_name": student.last_name,
                    "first_name": student.first_name,
                    "email": student.email,
                    "max_score": assignment.max_score,
                }
                try:
                    submission = gb.find_submission(assignment.name, student.id)
                except MissingEntry:
                    row.update(
                        timestamp="", raw_score=0.0, late_submission_penalty=0.0, score=0.0,
                        manual_pending=0.0, grading_status="no submission",
                    )
                else:
                    penalty = submission.late_submission_penalty
                    entry = recorded.get(assignment.name, {}).get(student.id)
                    if entry:
                        status = _status_text(entry)
                    elif any(nb.flagged for nb in submission.notebooks):
                        status = "flagged: in the gradebook"
                    else:
                        status = "ok"
                    row.update(
                        timestamp=submission.timestamp,
                        raw_score=submission.score,
                        late_submission_penalty=penalty,
                        score=max(0.0, submission.score - (penalty or 0.0)),
                        manual_pending=_pending_points(submission),
                        grading_status=status,
                    )
                rows.append({k: "" if v is None else str(v) for k, v in row.items()})
    scratch = target.with_name(target.name + ".tmp")
    with open(scratch, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    os.replace(scratch, target)
    return target


def reset_manual(
    lesson: str,
    students: str | Iterable[str],
    *,
    course_dir: str | os.PathLike = COURSE_DIR,
) -> dict[str, list[str]]:
    """Clear the manual grades and comments of students' submissions of a lesson.

    Every graded cell's ``manual_score`` and ``extra_credit`` become None and every
    ``manual_comment`` is cleared; a cell then needs a manual grade again exactly when the
    autograder could not score it (nbgrader's own rule: ``needs_manual_grade`` is True for every
    answered written response, False for autograded tests and unanswered stubs). What was
    cleared is appended, as one JSON line per student, to ``manual-resets.jsonl`` in the course
    folder, so nothing is lost. Nothing changes unless every student has a submission.

    Parameters
    ----------
    lesson : str
        The lesson name.
    students : str or iterable of str
        The students whose manual grading is reset.
    course_dir : path
        The course folder.

    Returns
    -------
    dict of str to list of str
        Per student, one line per thing cleared (e.g. ``"explain_depth: manual score 1.5
        cleared"``); an empty list when there was nothing to clear.

    Raises
    ------
    ValueError
        For an unknown lesson, no students, a student not in the gradebook, or one without a
        submission of the lesson.
    TypeError
        If a student id is not a string.

    Examples
    --------
    >>> reset_manual("00-welcome", ["ada"])  # doctest: +SKIP
    {'ada': ['explain_depth: manual score 1.5 cleared, needs manual grading again']}
    """
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.coursedir import CourseDirectory

    course = _course_dir(course_dir)
    (lesson,) = _select(lesson, list_lessons(course))
    chosen = [students] if isinstance(students, str) else list(students)
    if not chosen:
        raise ValueError("students: name at least one student")
    for sid in chosen:
        if not isinstance(sid, str):
            raise TypeError(f"students must be student ids (str), got {sid!r}")
    config = load_config(course)
    done: dict[str, list[str]] = {}
    with Gradebook(CourseDirectory(config=config).db_url, config.CourseDirectory.course_id) as gb:
        known = {s.id for s in gb.students}
        submissions = {}
        for sid in chosen:
            if sid not in known:
                raise ValueError(f"students: no student {sid!r} in the gradebook")
            try:
                submissions[sid] = gb.find_submission(lesson, sid)
            except MissingEntry:
                raise ValueError(f"students: {sid!r} has no submission of {lesson!r} in the gradebook") from None
        saved = []
        for sid, submission in submissions.items():
            lines, before = [], {}
            for nb in submission.notebooks:
                for grade in nb.grades:
                    name = grade.name if len(submission.notebooks) == 1 else f"{nb.name}/{grade.name}"
                    cleared = []
                    if grade.manual_score is not None:
                        cleared.append(f"manual score {grade.manual_score:g}")
                    if grade.extra_credit is not None:
                        cleared.append(f"extra credit {grade.extra_credit:g}")
                    needs = grade.auto_score is None
                    if cleared or grade.needs_manual_grade != needs:
                        before[name] = {
                            "manual_score": grade.manual_score,
                            "extra_credit": grade.extra_credit,
                            "needs_manual_grade": bool(grade.needs_manual_grade),
                        }
                        grade.manual_score = None
                        grade.extra_credit = None
                        grade.needs_manual_grade = needs
                        again = ", needs manual grading again" if needs else ""
                        lines.append(f"{name}: {' and '.join(cleared) or 'nothing'} cleared{again}")
                for comment in nb.comments:
                    if comment.manual_comment:
                        name = comment.name if len(submission.notebooks) == 1 else f"{nb.name}/{comment.name}"
                        before.setdefault(name, {})["manual_comment"] = comment.manual_comment
                        comment.manual_comment = None
                        lines.append(f"{name}: comment cleared")
            done[sid] = lines
            if before:
                saved.append({"timestamp": _now(), "lesson": lesson, "student": sid, "before": before})
        if saved:  # the record first: if it cannot be written, nothing is reset
            with open(course / RESETS_FILE, "a", encoding="utf-8") as fh:
                for record in saved:
                    fh.write(json.dumps(record, sort_keys=True) + "\n")
        gb.db.commit()
    return done


# --------------------------------------------------------------------------------------------
# static lesson checks
# --------------------------------------------------------------------------------------------


def _read(nb: NotebookNode | str | os.PathLike) -> NotebookNode:
    if isinstance(nb, (str, os.PathLike)):
        return nbformat.read(nb, as_version=4)
    if not isinstance(nb, Mapping) or "cells" not in nb:
        raise TypeError(f"expected a notebook (NotebookNode or path), got {type(nb).__name__}")
    return nb


def _nbg(cell: Mapping) -> Mapping:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _is_test(cell: Mapping) -> bool:
    return _sandbox_module().is_test_cell(cell)  # the grader's own definition of an autograded test


def _is_manual(cell: Mapping) -> bool:
    meta = _nbg(cell)
    return bool(meta.get("task")) or (bool(meta.get("grade")) and bool(meta.get("solution")))


def _is_exercise(cell: Mapping) -> bool:
    meta = _nbg(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("solution")) and not meta.get("grade")


def _region_lines(source: str, begin: str, end: str) -> list[str]:
    lines, inside = [], False
    for line in source.split("\n"):
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            lines.append(line)
    return lines


def _hidden_lines(cell: Mapping) -> list[str]:
    """The lines of a solution-notebook cell that nbgrader removes from the lesson."""
    source, meta = cell.get("source", ""), _nbg(cell)
    lines = []
    if meta.get("solution"):
        region = _region_lines(source, *SOLUTION)
        lines += region if SOLUTION[0] in source else source.split("\n")
    if meta.get("grade"):
        lines += _region_lines(source, *HIDDEN_TESTS)
    if meta.get("task"):
        lines += _region_lines(source, *MARK_SCHEME)
    return lines


def _labels(text: str) -> list[tuple[int, str]]:
    """(offset, lower-case label) for every markdown heading or bold label in ``text``."""
    found, offset = [], 0
    for line in text.split("\n"):
        match = HEADING.match(line) or BOLD_LABEL.match(line)
        if match:
            found.append((offset, match.group(1).strip().rstrip(":").lower()))
        offset += len(line) + 1
    return found


def lint_notebook(nb: NotebookNode | str | os.PathLike) -> list[str]:
    """Problems that make a notebook unfit to commit: outputs, execution counts, widget state.

    Parameters
    ----------
    nb : NotebookNode or path
        The notebook.

    Returns
    -------
    list of str
        One line per problem; empty when clean.

    Examples
    --------
    >>> from nbformat.v4 import new_notebook, new_code_cell
    >>> lint_notebook(new_notebook(cells=[new_code_cell("1 + 1")]))
    []
    >>> lint_notebook(new_notebook(cells=[new_code_cell("1 + 1", execution_count=3)]))
    ['cell 0 has an execution count (3)']
    """
    nb = _read(nb)
    problems = []
    if "widgets" in nb.get("metadata", {}):
        problems.append("notebook metadata carries widget state (metadata.widgets)")
    for i, cell in enumerate(nb.cells):
        if cell.get("outputs"):
            problems.append(f"cell {i} has outputs")
        if cell.get("execution_count") is not None:
            problems.append(f"cell {i} has an execution count ({cell['execution_count']})")
        if "widgets" in cell.get("metadata", {}):
            problems.append(f"cell {i} metadata carries widget state")
    return problems


def lint_structure(nb: NotebookNode | str | os.PathLike) -> list[str]:
    """Problems with a lesson's shape: how it opens and how it ends.

    A lesson opens (before its first code cell) with labels -- markdown headings or bold
    labels -- for learning objectives, prerequisites and an estimated time (with a duration such
    as "45 minutes"), and ends (after its last code cell) with a summary and references that
    cite at least one arXiv id.

    Parameters
    ----------
    nb : NotebookNode or path
        The solution notebook (or its lesson).

    Returns
    -------
    list of str
        One line per problem; empty when the shape is right.

    Examples
    --------
    >>> from nbformat.v4 import new_notebook, new_markdown_cell as md
    >>> head = md("## Learning objectives\\n- x\\n## Prerequisites\\n- y\\n**Estimated time:** 30 min")
    >>> tail = md("## Summary\\n- x\\n## References\\n- Montufar et al. 2014, arXiv:1402.1869")
    >>> lint_structure(new_notebook(cells=[head, tail]))
    []
    >>> lint_structure(new_notebook(cells=[tail]))[0]
    'the opening (markdown before the first code cell) has no learning objectives label'
    """
    nb = _read(nb)
    code_at = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    first = code_at[0] if code_at else len(nb.cells)
    last = code_at[-1] if code_at else -1
    opening = "\n".join(c.source for c in nb.cells[:first] if c.cell_type == "markdown")
    ending = "\n".join(c.source for c in nb.cells[last + 1 :] if c.cell_type == "markdown")
    problems = []
    labels = _labels(opening)
    for word, name in (("objective", "learning objectives"), ("prerequisite", "prerequisites")):
        if not any(word in label for _, label in labels):
            problems.append(f"the opening (markdown before the first code cell) has no {name} label")
    times = [at for at, label in labels if "time" in label]
    if not times:
        problems.append("the opening has no estimated time label")
    elif not any(DURATION.search(opening[at : at + 300]) for at in times):
        problems.append("the estimated time gives no duration (e.g. '45 minutes')")
    labels = _labels(ending)
    if not any("summary" in label for _, label in labels):
        problems.append("the ending (markdown after the last code cell) has no summary label")
    refs = [at for at, label in labels if "reference" in label]
    if not refs:
        problems.append("the ending has no references label")
    elif not ARXIV_ID.search(ending[refs[0] :]):
        problems.append("the references cite no arXiv id (e.g. arXiv:1402.1869)")
    return problems


def lint_cells(nb: NotebookNode | str | os.PathLike) -> list[str]:
    """Problems with a solution notebook's nbgrader cells.

    Checks: ``grade_id`` unique; autograder test cells locked, worth points and opening with a
    one-line docstring; every autograded code exercise followed by a test cell; and no test
    cell directly after a read-only cell (nbgrader 0.9.6 crashes re-inserting such a cell when
    a student deletes it).

    Parameters
    ----------
    nb : NotebookNode or path
        The solution notebook.

    Returns
    -------
    list of str
        One line per problem.

    Examples
    --------
    >>> from nbformat.v4 import new_notebook
    >>> lint_cells(new_notebook())
    []
    """
    nb = _read(nb)
    problems, seen = [], {}
    graded = [(i, c) for i, c in enumerate(nb.cells) if _nbg(c).get("grade_id")]
    for i, cell in graded:
        gid = _nbg(cell)["grade_id"]
        if gid in seen:
            problems.append(f"grade_id {gid!r} is used by cells {seen[gid]} and {i}")
        seen.setdefault(gid, i)
    for k, (i, cell) in enumerate(graded):
        meta, gid = _nbg(cell), _nbg(cell)["grade_id"]
        if _is_test(cell):
            if not meta.get("locked"):
                problems.append(f"test cell {gid!r} is not locked (read-only)")
            if not float(meta.get("points", 0) or 0) > 0:
                problems.append(f"test cell {gid!r} is worth no points")
            first = cell.source.lstrip().split("\n", 1)[0]
            if not re.match(r'^[rRuU]?("""|\'\'\').+\1\s*$', first):
                problems.append(f"test cell {gid!r} does not open with a one-line docstring")
            prev = graded[k - 1][1] if k else None
            if prev is not None and not (_nbg(prev).get("grade") or _nbg(prev).get("solution")):
                problems.append(
                    f"test cell {gid!r} follows the read-only cell {_nbg(prev)['grade_id']!r}: if a student "
                    f"deletes it, nbgrader 0.9.6 cannot re-insert it (put it after its exercise)"
                )
        if _is_exercise(cell):
            # Its tests are the test cells before the next exercise or manually graded answer.
            tests = []
            for _, other in graded[k + 1 :]:
                if _is_exercise(other) or _is_manual(other):
                    break
                tests += [other] if _is_test(other) else []
            if not tests:
                problems.append(f"code exercise {gid!r} has no autograder test cell after it")
    return problems


def lint_manual_answers(nb: NotebookNode | str | os.PathLike) -> list[str]:
    """Every manually graded answer carries a model answer and a rubric in the solution.

    Both must be in the part nbgrader strips from the lesson: the cell's ``BEGIN SOLUTION``
    region (or the whole cell when it has none), or a task cell's ``BEGIN MARK SCHEME`` region;
    they are recognised by the words "model answer" and "rubric".

    Parameters
    ----------
    nb : NotebookNode or path
        The solution notebook.

    Returns
    -------
    list of str
        One line per problem.

    Examples
    --------
    >>> from nbformat.v4 import new_notebook, new_markdown_cell
    >>> cell = new_markdown_cell("### BEGIN SOLUTION\\nModel answer: ...\\nRubric: ...\\n### END SOLUTION")
    >>> cell.metadata["nbgrader"] = dict(grade=True, solution=True, grade_id="why", points=1)
    >>> lint_manual_answers(new_notebook(cells=[cell]))
    []
    """
    nb = _read(nb)
    problems = []
    for cell in nb.cells:
        if not _is_manual(cell):
            continue
        hidden = "\n".join(_hidden_lines(cell)).lower()
        gid = _nbg(cell).get("grade_id")
        for phrase in ("model answer", "rubric"):
            if phrase not in hidden:
                problems.append(f"manually graded answer {gid!r} has no {phrase} in its hidden (solution) part")
    return problems


def lint_release(solution: NotebookNode | str | os.PathLike, lesson: NotebookNode | str | os.PathLike) -> list[str]:
    """Leaks from a solution notebook into its lesson: solutions, hidden tests, rubrics, delimiters.

    Parameters
    ----------
    solution : NotebookNode or path
        The solution notebook (nbgrader source).
    lesson : NotebookNode or path
        The lesson generated from it (nbgrader release).

    Returns
    -------
    list of str
        One line per leak.

    Examples
    --------
    >>> from nbformat.v4 import new_notebook, new_code_cell
    >>> src = new_code_cell("def f():\\n    ### BEGIN SOLUTION\\n    return 42 * 1000\\n    ### END SOLUTION")
    >>> src.metadata["nbgrader"] = dict(solution=True, grade=False, grade_id="f")
    >>> lint_release(new_notebook(cells=[src]), new_notebook(cells=[src]))[0]
    "lesson contains nbgrader's 'BEGIN SOLUTION' marker"
    """
    solution, lesson = _read(solution), _read(lesson)
    problems = []
    text = nbformat.writes(lesson)
    for marker in DELIMITERS:
        if marker in text:
            problems.append(f"lesson contains nbgrader's {marker!r} marker")
    lesson_by_id = {_nbg(c)["grade_id"]: c for c in lesson.cells if _nbg(c).get("grade_id")}
    all_lines = {line.strip() for c in lesson.cells for line in c.source.split("\n")}
    # A hidden line that the solution notebook also shows openly (e.g. a visible test repeated in
    # a hidden one) is no leak.
    shown = {line.strip() for c in solution.cells for line in _visible_lines(c)}
    for cell in solution.cells:
        hidden = [line.strip() for line in _hidden_lines(cell)]
        if not hidden:
            continue
        gid = _nbg(cell).get("grade_id")
        kept = {line.strip() for line in _visible_lines(cell)}
        twin = lesson_by_id.get(gid)
        own = {line.strip() for line in twin.source.split("\n")} if twin is not None else set()
        for line in hidden:
            if not line or line in kept or line in shown or line.startswith("#"):
                continue
            if line in own or (len(line) >= MIN_LEAK_LINE and line in all_lines):
                problems.append(f"lesson shows hidden content of cell {gid!r}: {line[:60]!r}")
    for cell in lesson.cells:
        if _is_manual(cell) and re.search(r"model answer|rubric", cell.source, re.I):
            problems.append(f"lesson cell {_nbg(cell).get('grade_id')!r} mentions a model answer or rubric")
    return problems


def _visible_lines(cell: Mapping) -> list[str]:
    """Lines of a solution-notebook cell that nbgrader keeps in the lesson."""
    source, meta = cell.get("source", ""), _nbg(cell)
    if meta.get("solution") and SOLUTION[0] not in source:
        return []
    hidden_regions = [SOLUTION] if meta.get("solution") else []
    if meta.get("grade"):
        hidden_regions.append(HIDDEN_TESTS)
    if meta.get("task"):
        hidden_regions.append(MARK_SCHEME)
    kept, inside = [], False
    for line in source.split("\n"):
        if any(begin in line for begin, _ in hidden_regions):
            inside = True
        elif any(end in line for _, end in hidden_regions):
            inside = False
        elif not inside:
            kept.append(line)
    return kept


def drift(lessons: str | Iterable[str] | None = None, *, course_dir: str | os.PathLike = COURSE_DIR) -> list[str]:
    """Differences between the committed ``lessons/`` and a fresh generation from ``solutions/``.

    Parameters
    ----------
    lessons : str or iterable of str, optional
        Lesson names (default: all, which also reports lesson folders without a solution).
    course_dir : path
        The course folder.

    Returns
    -------
    list of str
        One line per differing, missing or extra file; empty when in step.

    Examples
    --------
    >>> drift()  # doctest: +SKIP
    []
    """
    course = _course_dir(course_dir)
    chosen = _select(lessons, list_lessons(course))
    problems = []
    with tempfile.TemporaryDirectory(prefix="exprlib-drift-") as tmp:
        generate(chosen, course_dir=course, out_dir=tmp)
        for lesson in chosen:
            fresh, committed = _files(Path(tmp) / lesson), _files(course / "lessons" / lesson)
            for name in sorted(set(fresh) | set(committed)):
                where = f"lessons/{lesson}/{name}"
                if name not in committed:
                    problems.append(f"{where} is missing (run `python3 course.py generate`)")
                elif name not in fresh:
                    problems.append(f"{where} is not generated from solutions/ (run `python3 course.py generate`)")
                elif fresh[name] != committed[name]:
                    problems.append(f"{where} differs from a fresh generation (run `python3 course.py generate`)")
    if lessons is None and (course / "lessons").is_dir():
        for extra in sorted(p.name for p in (course / "lessons").iterdir() if p.is_dir() and p.name not in chosen):
            problems.append(f"lessons/{extra}/ has no solutions/{extra}/ (run `python3 course.py generate`)")
    return problems


def check(lessons: str | Iterable[str] | None = None, *, course_dir: str | os.PathLike = COURSE_DIR) -> list[str]:
    """All static checks for lessons (no kernel runs): drift, clean notebooks, shape, leaks.

    Parameters
    ----------
    lessons : str or iterable of str, optional
        Lesson names (default: all).
    course_dir : path
        The course folder.

    Returns
    -------
    list of str
        ``"<lesson>: <problem>"`` lines; empty when everything passes.

    Examples
    --------
    >>> check()  # doctest: +SKIP
    []
    """
    course = _course_dir(course_dir)
    chosen = _select(lessons, list_lessons(course))
    # drift lines start with "lessons/<lesson>/"
    problems = [f"{p.split('/')[1]}: {p}" for p in drift(lessons, course_dir=course)]
    for lesson in chosen:
        solution = course / "solutions" / lesson / f"{lesson}.ipynb"
        released = course / "lessons" / lesson / f"{lesson}.ipynb"
        found = [f"solution: {p}" for p in lint_notebook(solution)]
        found += lint_structure(solution) + lint_cells(solution) + lint_manual_answers(solution)
        if released.is_file():
            found += [f"lesson: {p}" for p in lint_notebook(released)] + lint_release(solution, released)
        problems += [f"{lesson}: {p}" for p in found]
    return problems


# --------------------------------------------------------------------------------------------
# wrong answers
# --------------------------------------------------------------------------------------------


@contextmanager
def _environ(**values: str):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _errors(cell: Mapping) -> list[str]:
    return [f"{o.get('ename')}: {o.get('evalue')}" for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def _validate_wrong_answers(nb: NotebookNode, wrong_answers: Sequence[Mapping]) -> list[tuple[int, int, list[int]]]:
    ids = {_nbg(c).get("grade_id"): i for i, c in enumerate(nb.cells) if _nbg(c).get("grade_id")}
    plan = []
    for n, entry in enumerate(wrong_answers):
        if not isinstance(entry, Mapping):
            raise TypeError(f"wrong_answers[{n}] must be a dict(cell=..., source=..., fails=[...], hint=...), got {entry!r}")
        missing = {"cell", "source", "fails", "hint"} - set(entry)
        if missing:
            raise ValueError(f"wrong_answers[{n}] lacks {sorted(missing)}; expected keys cell, source, fails, hint")
        cell, fails, hint = entry["cell"], entry["fails"], entry["hint"]
        if not isinstance(entry["source"], str) or not isinstance(hint, str) or not hint:
            raise ValueError(f"wrong_answers[{n}]: source and hint must be strings (hint non-empty), got {entry!r}")
        if isinstance(fails, str) or not fails:
            raise ValueError(f"wrong_answers[{n}]: fails must be a non-empty list of test grade_ids, got {fails!r}")
        if cell not in ids or not _is_exercise(nb.cells[ids[cell]]):
            raise ValueError(f"wrong_answers[{n}]: cell {cell!r} is not a code exercise (solution cell) of the notebook")
        targets = []
        for test in fails:
            if test not in ids or not _is_test(nb.cells[ids[test]]) or ids[test] <= ids[cell]:
                raise ValueError(
                    f"wrong_answers[{n}]: {test!r} is not an autograder test cell after {cell!r}"
                )
            targets.append(ids[test])
        plan.append((ids[cell], max(targets), targets))
    return plan


def run_wrong_answers(
    notebook: NotebookNode | str | os.PathLike,
    wrong_answers: Sequence[Mapping],
    *,
    timeout: int = 60,
    cwd: str | os.PathLike | None = None,
) -> tuple[list[str], list[WrongAnswerResult]]:
    """Inject plausible wrong answers into a solution notebook and check the tests catch them.

    The notebook runs once, top to bottom, in one kernel (with ``NBGRADER_EXECUTION=autograde``
    like the autograder). Then, for each entry, the exercise cell's source is replaced, the cells
    from there to the last named test cell are re-run, and every named test cell must fail with
    ``hint`` in its error message (``Name: message``, not the traceback, which quotes the test's
    source). The solution is then re-run over the same cells, which must pass again; if they
    do not, the kernel is restarted and the notebook replayed before the next entry.

    Parameters
    ----------
    notebook : NotebookNode or path
        The SOLUTION notebook (with its hidden tests).
    wrong_answers : sequence of dict
        Entries ``dict(cell=<exercise grade_id>, source=<code>, fails=[<test grade_id>, ...],
        hint=<substring of the failure message>)``.
    timeout : int
        Seconds per cell.
    cwd : path, optional
        Working folder of the kernel (default: the notebook's folder, or the current one).

    Returns
    -------
    baseline : list of str
        Errors of the unmodified solution run (should be empty).
    results : list of WrongAnswerResult
        One per entry, in order.

    Raises
    ------
    ValueError
        For a malformed entry, or one naming a cell that is not a code exercise / a test cell
        after it.

    Examples
    --------
    >>> baseline, results = run_wrong_answers("solutions/00-welcome/00-welcome.ipynb", [])  # doctest: +SKIP
    >>> baseline, results  # doctest: +SKIP
    ([], [])
    """
    from nbclient import NotebookClient

    if isinstance(notebook, (str, os.PathLike)) and cwd is None:
        cwd = Path(notebook).resolve().parent
    nb = copy.deepcopy(_read(notebook))
    plan = _validate_wrong_answers(nb, wrong_answers)
    cwd = Path.cwd() if cwd is None else Path(cwd)
    timeout_error = {
        "ename": TIMEOUT_ERROR,
        "evalue": f"cell ran past {timeout} s",
        "traceback": [f"{TIMEOUT_ERROR}: cell ran past {timeout} s"],
    }

    def run(client: NotebookClient, cells: Iterable[tuple[int, NotebookNode]]) -> dict[int, list[str]]:
        found = {}
        for i, cell in cells:
            if cell.cell_type != "code":
                continue
            work = copy.deepcopy(cell)
            client.execute_cell(work, i)
            found[i] = _errors(work)
        return found

    def fresh_client() -> NotebookClient:
        # nbclient stores every executed cell back into the notebook it was given: hand it a
        # copy, so that `nb` keeps the solution's sources for restoring.
        return NotebookClient(
            copy.deepcopy(nb),
            timeout=timeout,
            allow_errors=True,
            interrupt_on_timeout=True,
            error_on_timeout=timeout_error,
            kernel_name=nb.metadata.get("kernelspec", {}).get("name", "python3"),
            resources={"metadata": {"path": str(cwd)}},
        )

    results: list[WrongAnswerResult] = []
    baseline: list[str] = []
    with _environ(NBGRADER_EXECUTION="autograde"):
        pending = list(enumerate(zip(wrong_answers, plan)))
        first = True
        while first or pending:
            client = fresh_client()
            with client.setup_kernel():
                replay = run(client, enumerate(nb.cells))
                if first:
                    baseline = [f"cell {i}: {e}" for i, errs in replay.items() for e in errs]
                    first = False
                restart = False
                while pending and not restart:
                    n, (entry, (at, last, targets)) = pending.pop(0)
                    result = WrongAnswerResult(n, entry["cell"], entry["hint"])
                    wrong = copy.deepcopy(nb.cells[at])
                    wrong.source = entry["source"]
                    seen = run(client, [(at, wrong)] + [(i, nb.cells[i]) for i in range(at + 1, last + 1)])
                    for i in targets:
                        gid = _nbg(nb.cells[i])["grade_id"]
                        errs = seen.get(i, [])
                        result.messages[gid] = " | ".join(errs)
                        if not errs:
                            result.problems.append(f"test cell {gid!r} passed the wrong answer")
                        elif not any(entry["hint"] in e for e in errs):
                            result.problems.append(
                                f"test cell {gid!r} failed without the hint {entry['hint']!r}: {errs[0][:200]}"
                            )
                    results.append(result)
                    restored = run(client, [(i, nb.cells[i]) for i in range(at, last + 1)])
                    restart = any(restored.values())
    results.sort(key=lambda r: r.index)
    return baseline, results


# --------------------------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------------------------


def _setup_logging(verbose: bool, logfile: Path):
    """Route nbgrader's log to ``logfile`` (and the screen if verbose); returns an undo function."""
    # nbgrader logs through the "traitlets" logger; without a handler Python prints its warnings
    # (e.g. "checksum has changed" on every hidden-test cell, which is normal) to stderr. Keep
    # the full log in a file and show it only when asked.
    fmt = logging.Formatter("[%(asctime)s %(levelname)s] %(message)s")
    handlers: list[logging.Handler] = []
    try:
        handlers.append(logging.FileHandler(logfile))
    except OSError:
        pass
    if verbose:
        handlers.append(logging.StreamHandler())
    for handler in handlers:
        handler.setFormatter(fmt)
    nbgrader_log = logging.getLogger("traitlets")
    saved = [(log, log.handlers[:], log.propagate) for log in (nbgrader_log, LOG)]
    nbgrader_log.handlers[:] = handlers or [logging.NullHandler()]
    nbgrader_log.propagate = False
    note = logging.StreamHandler(sys.stdout)
    note.setFormatter(logging.Formatter("note: %(message)s"))
    LOG.handlers[:] = [note]
    LOG.propagate = False

    def undo() -> None:
        for handler in handlers:
            handler.close()
        for log, old_handlers, propagate in saved:
            log.handlers[:] = old_handlers
            log.propagate = propagate

    return undo


def _read_students(items: Sequence[str]) -> list[str | dict]:
    students: list[str | dict] = []
    for item in items:
        if item.endswith(".csv"):
            with open(item, newline="") as fh:
                students += [dict(row) for row in csv.DictReader(fh)]
        else:
            students.append(item)
    return students


def main(argv: Sequence[str] | None = None) -> int:
    """Run one instructor command (see the module docstring).

    Parameters
    ----------
    argv : sequence of str, optional
        The command line after the program name (default ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0 on success, 1 when a check fails, a submission could not be graded,
        or nbgrader refused a step (the message goes to stderr).

    Examples
    --------
    >>> main(["check", "--course-dir", "/nonexistent"])  # doctest: +SKIP
    1
    """
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--verbose", action="store_true", help="show nbgrader's log")
    common.add_argument("--course-dir", default=str(COURSE_DIR), help="the course folder (default: course/)")
    parser = argparse.ArgumentParser(prog="python3 course.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=text, description=text, parents=[common])

    p = command("generate", "regenerate course/lessons from course/solutions (commit the result)")
    p.add_argument("lessons", nargs="*", help="lesson names (default: all)")
    p = command("check", "static lesson checks: drift, clean notebooks, lesson shape, leaks")
    p.add_argument("lessons", nargs="*", help="lesson names (default: all)")
    p = command("release", "fill the gradebook and release a lesson to the exchange")
    p.add_argument("lesson")
    p.add_argument("--force", action="store_true", help="replace a lesson already in the exchange")
    p = command("students", "add students to the gradebook (ids, or a CSV with id,first_name,last_name,email)")
    p.add_argument("students", nargs="+")
    p = command("collect", "collect submissions from the exchange into course/submitted")
    p.add_argument("lesson")
    p = command("autograde", "autograde a lesson one student at a time and report each result")
    p.add_argument("lesson")
    p.add_argument("--student", action="append", help="only this student (repeatable)")
    p.add_argument("--force", action="store_true", help="regrade submissions already graded")
    p.add_argument(
        "--unsandboxed",
        action="store_true",
        help="grade WITHOUT the bubblewrap sandbox (students' code runs with your rights)",
    )
    p = command("feedback", "generate HTML feedback (hidden tests stripped) and release it")
    p.add_argument("lesson")
    p.add_argument("--student", action="append", help="only this student (repeatable)")
    p.add_argument("--no-release", action="store_true", help="generate only; do not release to the exchange")
    p = command("export", "export every student's grades to a CSV file")
    p.add_argument("--to", help="CSV file (default course/grades.csv)")
    p = command("reset-manual", "clear the manual grades and comments of students' submissions of a lesson")
    p.add_argument("lesson")
    p.add_argument("students", nargs="+", metavar="student")
    args = parser.parse_args(argv)
    try:
        course = _course_dir(args.course_dir)
    except (TypeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    undo_logging = _setup_logging(args.verbose, course / ".nbgrader.log")
    try:
        with warnings.catch_warnings():
            # SQLAlchemy warns about nbgrader's session handling on every autograde; harmless.
            warnings.filterwarnings("ignore", message=".*not in session.*")
            return _command(args, course)
    except (GradingError, ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        undo_logging()


def _command(args: argparse.Namespace, course: Path) -> int:
    """Run the parsed command; nbgrader failures raise GradingError."""
    if args.command == "generate":
        written = generate(args.lessons or None, course_dir=course)
        print(f"generated {len(written)} file(s) in {course / 'lessons'}")
        for path in written:
            print(f"  {path.relative_to(course).as_posix()}")
        return 0
    if args.command == "check":
        problems = check(args.lessons or None, course_dir=course)
        for line in problems:
            print(line)
        print("all lesson checks pass" if not problems else f"{len(problems)} problem(s)")
        return 1 if problems else 0
    if args.command == "release":
        for note in release(args.lesson, course_dir=course, force=args.force):
            print(f"note: {note}")
        print(f"released {args.lesson} to the exchange")
        return 0
    if args.command == "students":
        added = add_students(_read_students(args.students), course_dir=course)
        print(f"{len(added)} student(s) in the gradebook: {', '.join(added)}")
        return 0
    if args.command == "collect":
        students = collect(args.lesson, course_dir=course)
        print(f"{len(students)} submission(s) of {args.lesson} collected: {', '.join(students)}")
        return 0
    if args.command == "autograde":
        print(f"autograding {args.lesson}, one student at a time ...", flush=True)
        results = autograde(
            args.lesson, args.student, course_dir=course, force=args.force, unsandboxed=args.unsandboxed
        )
        for r in results:
            print(r.line())
        incomplete = [r.student for r in results if r.status == "incomplete"]
        if incomplete:
            print(f"{len(incomplete)} grading(s) incomplete, 0 for what did not run, flagged in the "
                  f"gradebook: {', '.join(incomplete)}")
        failed = [r.student for r in results if not r.ok]
        if failed:
            print(f"{len(failed)} submission(s) could not be graded (0 on every autograded cell, flagged "
                  f"in the gradebook): {', '.join(failed)} (see {course / '.nbgrader.log'} or rerun with --verbose)")
        return 1 if failed else 0
    if args.command == "feedback":
        results = feedback(args.lesson, args.student, course_dir=course, release=not args.no_release)
        for r in results:
            print(r.line())
        return 1 if any(not r.ok for r in results) else 0
    if args.command == "export":
        print(f"grades written to {export(course_dir=course, to=args.to)}")
        return 0
    if args.command == "reset-manual":
        done = reset_manual(args.lesson, args.students, course_dir=course)
        for student, lines in done.items():
            print(f"  {student}: " + ("nothing to reset" if not lines else f"{len(lines)} reset"))
            for line in lines:
                print(f"    {line}")
        print(f"what was reset is kept in {course / RESETS_FILE}")
        return 0
    return 2  # pragma: no cover -- argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
