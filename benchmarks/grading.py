"""What the grading sandbox costs per submission, beside the lesson's own runtime (issue 10).

For one lesson, the solution is submitted by N students and autograded three ways in the same
run, in a throwaway course folder:

- ``lesson``: the lesson's own runtime, the solution notebook executed top to bottom by nbclient
  in an ordinary kernel (no grading at all): the baseline;
- ``unsandboxed``: ``autograde`` with ``GradeInSandbox.sandbox = "none"`` (test cells judged in
  the grader, kernel unconfined);
- ``sandboxed``: ``autograde`` as a class is graded (bubblewrap, kernel as nobody, limits).

It prints seconds per submission (median over the students) and the ratios to the baseline; the
sandbox's own cost is ``sandboxed - unsandboxed``. Every submission must get full marks, or the
script exits 1.

Usage::

    .venv/bin/python benchmarks/grading.py                      # lesson 00, 3 students
    .venv/bin/python benchmarks/grading.py --lesson 02-linear-regions --students 2
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "course"))
import instructor  # noqa: E402  (course/instructor.py)
import sandbox  # noqa: E402  (course/sandbox.py)


def solved_release(lesson: str) -> nbformat.NotebookNode:
    """The released lesson with every answer cell filled in from the solution: a perfect submission."""
    release = nbformat.read(ROOT / "course" / "lessons" / lesson / f"{lesson}.ipynb", as_version=4)
    solution = nbformat.read(ROOT / "course" / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)
    answers = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in solution.cells}
    for cell in release.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            cell.source = "\n".join(line for line in answers[meta["grade_id"]].splitlines()
                                    if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)
    return release


def time_lesson(lesson: str) -> float:
    nb = nbformat.read(ROOT / "course" / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)
    folder = ROOT / "course" / "solutions" / lesson
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return time.perf_counter() - start


def time_grading(lesson: str, students: int, mode: str) -> tuple[list[float], list[float]]:
    """Seconds per submission and each submission's auto score, graded with ``sandbox = mode``."""
    with tempfile.TemporaryDirectory(prefix="exprlib-bench-grading-") as tmp:
        course = Path(tmp) / "course"
        (course / "solutions").mkdir(parents=True)
        shutil.copy(ROOT / "course" / "nbgrader_config.py", course)
        shutil.copytree(ROOT / "course" / "solutions" / lesson, course / "solutions" / lesson)
        overrides = {"GradeInSandbox": {"sandbox": mode}, "Exchange": {"root": str(Path(tmp) / "exchange")}}
        api = instructor.nbgrader_api(course, overrides=overrides)
        assert api.generate_assignment(lesson, force=True, create=True)["success"]
        submission = solved_release(lesson)
        names = [f"student{i}" for i in range(students)]
        for name in names:
            folder = course / "submitted" / name / lesson
            folder.mkdir(parents=True)
            nbformat.write(submission, folder / f"{lesson}.ipynb")
        seconds, scores = [], []
        for name in names:
            start = time.perf_counter()
            (result,) = instructor.autograde(lesson, name, course_dir=course, overrides=overrides)
            seconds.append(time.perf_counter() - start)
            grades = instructor.grades(lesson, name, course_dir=course)
            auto = [g for g in grades.values() if g.cell_type == "code"]
            scores.append(sum(g.score for g in auto) / sum(g.max_score for g in auto))
        return seconds, scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="00-welcome", help="lesson to grade (default 00-welcome)")
    parser.add_argument("--students", type=int, default=3, help="submissions per way of grading (default 3)")
    args = parser.parse_args(argv)
    if args.students < 1:
        parser.error("--students must be >= 1")
    if (reason := sandbox.problem()) is not None:
        print(f"no sandbox here: {reason}")
        return 1
    baseline = time_lesson(args.lesson)
    rows = [("lesson", [baseline], [1.0])]
    for mode, label in (("none", "unsandboxed"), ("bwrap", "sandboxed")):
        seconds, scores = time_grading(args.lesson, args.students, mode)
        rows.append((label, seconds, scores))
    print(f"{args.lesson}: {args.students} submissions per way, seconds per submission (median)")
    print(f"{'':<12} {'seconds':>8} {'x lesson':>9}  full marks")
    medians = {}
    for label, seconds, scores in rows:
        medians[label] = statistics.median(seconds)
        full = all(s == 1.0 for s in scores)
        print(f"{label:<12} {medians[label]:8.2f} {medians[label] / baseline:9.2f}  {'yes' if full else 'NO'}")
    cost = medians["sandboxed"] - medians["unsandboxed"]
    print(f"sandbox's own cost: {cost:+.2f} s per submission ({cost / baseline:+.0%} of the lesson's runtime)")
    return 0 if all(all(s == 1.0 for s in scores) for _, _, scores in rows[1:]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
