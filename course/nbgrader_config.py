"""nbgrader configuration for the exprlib course.

The nbgrader command line reads this file when run from ``course/``; nbgrader's Python API and
``Validator`` do NOT read it, so ``course/instructor.py`` (behind ``python3 course.py generate``,
``release``, ``collect``, ``autograde``, ``feedback``, ``export``) loads it explicitly.

Layout (the design card): ``solutions/<lesson>/<lesson>.ipynb`` is nbgrader's SOURCE,
``lessons/<lesson>/`` its RELEASE (generated, committed), one folder per lesson. Everything else
nbgrader writes here (gradebook.db, submitted/, autograded/, feedback/, exchange/, the log) is
runtime state and git-ignored.

Environment overrides, for running a real class:

- ``EXPRLIB_EXCHANGE`` -- the exchange folder shared with students (default ``course/exchange``;
  on JupyterHub use the folder every student's nbgrader config names, e.g. ``/srv/nbgrader/exchange``).
- ``EXPRLIB_COURSE_ID`` -- the course id (default ``exprlib``; on JupyterHub it must match the
  formgrader service / ``nbgrader-<course_id>`` group names).
"""

import os
import sys

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    ClearMarkScheme,
    ClearOutput,
    ClearSolutions,
    ComputeChecksums,
    GetGrades,
    IgnorePattern,
    IncludeHeaderFooter,
    InstantiateTests,
    LimitOutput,
    LockCells,
    NbGraderPreprocessor,
    SaveAutoGrades,
    SaveCells,
)

c = get_config()  # noqa: F821 -- injected by traitlets' config loader

HERE = os.path.dirname(os.path.abspath(__file__))


class StripWidgetState(NbGraderPreprocessor):
    """Drop notebook-level ipywidgets state (``metadata.widgets``).

    nbgrader copies notebook metadata into the release verbatim, so without this the instructor's
    saved widget views (plot images included) would ship inside every student notebook.
    """

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)
        return nb, resources


class ShortTestTracebacks(NbGraderPreprocessor):
    """In feedback, reduce each failed autograder-test cell's error to ``Name: message``.

    A full traceback quotes the failing lines of the test cell, hidden tests included; the
    assertion message (written for the student) is what feedback should carry. A check's own
    verdict (``exprlib.checks.WrongAnswer``/``ForbiddenError``) reads as in JupyterLab: ``✗ message``.
    """

    # A check's verdict, and the grader's own lines for a test that did not run or ran out of time.
    verdicts = ("WrongAnswer", "ForbiddenError", "NotGraded", "CellTimeoutError")

    def preprocess_cell(self, cell, resources, index):
        nbgrader = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and nbgrader.get("grade") and not nbgrader.get("solution"):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    name, message = output.get("ename", "Error"), output.get("evalue", "")
                    # A check's verdict is the whole story; any other error keeps its name.
                    verdict = name in self.verdicts and not message.startswith("✗")
                    named = message if message.startswith(f"{name}:") else f"{name}: {message}"
                    output["traceback"] = [f"✗ {message}" if verdict else named]
        return cell, resources


# --- where things live -------------------------------------------------------------------------
c.CourseDirectory.root = HERE
c.CourseDirectory.course_id = os.environ.get("EXPRLIB_COURSE_ID", "exprlib")
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "lessons"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".DS_Store"]
c.Exchange.root = os.environ.get("EXPRLIB_EXCHANGE", os.path.join(HERE, "exchange"))
c.NbGrader.logfile = os.path.join(HERE, ".nbgrader.log")

# --- making a lesson from a solution notebook --------------------------------------------------
# nbgrader's own list, plus StripWidgetState at the end. ClearOutput (already in the list) also
# drops the per-cell timing metadata JupyterLab records, so a saved notebook releases byte-stably.
c.GenerateAssignment.preprocessors = [
    IncludeHeaderFooter,
    InstantiateTests,
    LockCells,
    ClearSolutions,
    ClearOutput,
    CheckCellMetadata,
    ComputeChecksums,
    SaveCells,
    ClearHiddenTests,
    ClearMarkScheme,
    ComputeChecksums,
    CheckCellMetadata,
    StripWidgetState,
]
c.ClearOutputPreprocessor.remove_metadata_fields = {"collapsed", "scrolled", "execution", "ExecuteTime"}
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# --- autograding -------------------------------------------------------------------------------
# A lesson cell takes seconds; 120 s per cell leaves room for a slow shared machine, and an
# infinite loop costs one cell's timeout (the kernel is interrupted and grading goes on).
c.ExecutePreprocessor.timeout = 120
c.Execute.timeout = 120
c.Execute.startup_timeout = 120
# A student who edits or deletes a test cell gets it back (edited: restored from the gradebook;
# deleted: re-inserted) -- without add_missing_cells a deleted test cell is silently graded 0.
c.OverwriteCells.add_missing_cells = True
c.Autograde.create_student = True
# Each submission's kernel runs in a bubblewrap sandbox, and test cells never run in it: the
# grader runs them itself and calls the student's functions by plain-data messages (sandbox.py).
# nbgrader's own list, with GradeInSandbox in place of Execute. Opt out of the sandbox (never of
# grader-side verdicts) with c.GradeInSandbox.sandbox = "none" (`course.py autograde --unsandboxed`).


def _course_module(name):
    """course/<name>.py: beside this file, else in the course/ folder of the exprlib checkout.

    (A copy of this file elsewhere, as the tests make, still uses the repository's modules.)
    """
    import importlib.util

    if name in sys.modules:
        return sys.modules[name]
    places = [HERE]
    spec = importlib.util.find_spec("exprlib")
    if spec is not None and spec.origin:
        places.append(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(spec.origin))), "course"))
    for place in places:
        path = os.path.join(place, name + ".py")
        if os.path.isfile(path):
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[name]
                raise
            return module
    raise ImportError(f"{name}.py not found in {places}; it ships in the repository's course/ folder")


GradeInSandbox = _course_module("sandbox").GradeInSandbox

c.Autograde.autograde_preprocessors = [
    GradeInSandbox,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]

# --- feedback ----------------------------------------------------------------------------------
# nbgrader puts the hidden tests back into the graded notebook; the HTML feedback students get
# must not show them, neither as source nor inside tracebacks. A written answer nobody has graded
# yet shows "pending" (not a score of 0), the total says how many points are pending, and an
# incomplete grading (the kernel died, time ran out) says so: course/feedback_pending.py.

_pending = _course_module("feedback_pending")
c.GenerateFeedback.preprocessors = [
    GetGrades,
    _pending.MarkPendingGrades,
    ClearHiddenTests,
    ShortTestTracebacks,
    CSSHTMLHeaderPreprocessor,
]
c.GenerateFeedback.exporter_class = _pending.PendingFeedbackExporter
