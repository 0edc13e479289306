"""The course as a student meets it: every lesson in JupyterLab, in a real (headless) Chromium.

For each lesson in ``course/solutions/`` (discovered, so later lessons join), the test opens the
notebook in JupyterLab, runs Run → Run All Cells from the menu, waits until the kernel is idle,
and then checks what a student would see:

- no error output (tracebacks, stderr) and no widget shown as text (``VBox(...)``);
- no output taller than the screen (a 1366×900 laptop screen; nothing over 800 px);
- every lesson widget is live: one control moved in the browser makes the status line show the
  kernel's new value, and the figure's pixels change;
- no browser console error, except the allow-listed ones of an offline machine.

Wrong answers typed into lesson 00 must put the check's message among the first lines of the
test cell's output. Screenshots go to ``tests/browser/artifacts/`` (git-ignored).

It is ONE test item on purpose: one JupyterLab and one Chromium, whichever pytest-xdist worker
runs it (``xdist_group`` is not honoured by pytest-xdist 3.8 on pytest 9). A problem in one lesson
is recorded and the next lesson still runs; the failure lists every problem, lesson by lesson.
``EXPRLIB_BROWSER_LESSONS=00-welcome,02-linear-regions`` runs only those lessons.

Widget contract (exprlib.widgets): the status line has CSS class ``exprlib-status`` and shows
``name = value`` for the controls and the result ("computing" while busy); the figure is an
``img.exprlib-figure``; every control has class ``exprlib-control``.
"""

from __future__ import annotations

import os
import re
import time

import nbformat
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAX_HEIGHT = 800  # px: controls, numbers and figure must fit a laptop screen together
RUN_ALL_TIMEOUT = 180  # s: a lesson runs in well under a minute on 2 cores; generous for a loaded machine
WIDGET_TIMEOUT = 30  # s: a control change answers in under a second; generous for a loaded machine
WIDGET_AS_TEXT = re.compile(r"\b(VBox|HBox|Box|GridBox|Image|Output|Label|HTML|IntSlider|FloatSlider|Dropdown|\w+Widget)\(|Image\(value=")
WIDGET_VIEW = ".jp-OutputArea-output:has(.jupyter-widgets)"  # a live ipywidgets view
CELL_OF = "xpath=ancestor::div[contains(concat(' ', @class, ' '), ' jp-Cell ')][1]"  # the cell around an element
WELCOME = "00-welcome"  # the lesson where a wrong answer is typed
PAIR = re.compile(r"([A-Za-z_][\w ]*?)\s*=\s*([^\s,;:()]+)")


def open_notebook(page, lab, relpath: str) -> None:
    page.goto(lab.notebook_url(relpath))
    page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for()
    # The kernel is started and connected when the toolbar's kernel indicator says idle.
    wait_kernel_idle(page, lab, timeout=RUN_ALL_TIMEOUT)


def wait_kernel_idle(page, lab, timeout: float) -> None:
    """Wait until every kernel is idle on the server and no cell is queued or running in the page."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dialog = page.locator(".jp-Dialog")
        if dialog.count():  # e.g. "Select Kernel" for a notebook without a kernelspec: no student should see one
            raise AssertionError(f"JupyterLab shows a dialog: {' '.join(dialog.first.inner_text().split())[:200]!r}")
        kernels = lab.api("/api/kernels")
        busy_cells = page.locator(".jp-Notebook .jp-InputPrompt", has_text="[*]").count()
        if kernels and all(k["execution_state"] == "idle" for k in kernels) and busy_cells == 0:
            return
        time.sleep(0.5)
    raise AssertionError(f"kernel still busy after {timeout} s")


def run_all_cells(page, lab) -> list[str]:
    """Run → Run All Cells, as a student does; wait for the kernel; name the cells left unrun."""
    prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt")
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    # Run All queues every cell at once ([*]); then the kernel works through them.
    page.wait_for_function(
        "() => /\\[[*\\d]+\\]/.test(document.querySelector('.jp-Notebook .jp-CodeCell .jp-InputPrompt').textContent)",
        timeout=30_000,
    )
    wait_kernel_idle(page, lab, timeout=RUN_ALL_TIMEOUT)
    # An error stops Run All: the cells after it keep an empty prompt.
    return [
        f"cell {cell_label(prompt.locator(CELL_OF))!r} never ran (Run All stopped at an error above it?)"
        for prompt in prompts.all()
        if not re.search(r"\[\d+\]", prompt.inner_text())
    ]


def run_cell(page, lab, cell) -> None:
    """Run one cell (Ctrl+Enter in its editor) and wait until it has a new execution count."""
    prompt = cell.locator(".jp-InputPrompt")
    before = prompt.inner_text()
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+Enter")
    deadline = time.monotonic() + WIDGET_TIMEOUT
    while not ((now := prompt.inner_text()) != before and re.search(r"\[\d+\]", now)):
        if time.monotonic() > deadline:
            raise AssertionError(f"cell {cell_label(cell)!r} did not run in {WIDGET_TIMEOUT} s (prompt {now!r})")
        time.sleep(0.2)
    wait_kernel_idle(page, lab, timeout=WIDGET_TIMEOUT)


def cell_label(cell) -> str:
    """A short name for a cell in failure messages: its first source line."""
    text = cell.locator(".jp-InputArea-editor").inner_text().strip().splitlines()
    return text[0][:80] if text else "(empty cell)"


def check_lesson(page, lab, lesson: str, artifacts) -> list[str]:
    """Run one lesson in the page; return what a student would find wrong with it."""
    open_notebook(page, lab, f"{lesson}/{lesson}.ipynb")
    problems = run_all_cells(page, lab)
    page.screenshot(path=artifacts / f"{lesson}-top.png")

    # One look at every output (cells stay laid out off screen: windowing is off in these tests).
    outputs = page.eval_on_selector_all(
        ".jp-OutputArea-output",
        """els => els.map(e => {
            const cell = e.closest('.jp-Cell');
            const source = cell ? cell.querySelector('.jp-InputArea-editor').innerText.trim() : '';
            return {mime: e.dataset.mimeType || '', text: e.innerText, height: e.getBoundingClientRect().height,
                    cell: source.split('\\n')[0].slice(0, 80)};
        })""",
    )
    for i, out in enumerate(outputs):
        # Errors: tracebacks and anything else written to stderr (warnings included: students see them).
        if out["mime"] == "application/vnd.jupyter.stderr":
            problems.append(f"error output in cell {out['cell']!r}: {out['text'][:400]}")
        # A widget shown as its repr means the widget manager never rendered it.
        if out["mime"] in ("text/plain", "application/vnd.jupyter.stdout") and WIDGET_AS_TEXT.search(out["text"]):
            problems.append(f"a widget shown as text instead of a live control in cell {out['cell']!r}: {out['text'][:200]!r}")
        # Nothing taller than the screen: each output, a whole widget included.
        if out["height"] > MAX_HEIGHT:
            element = page.locator(".jp-OutputArea-output").nth(i)
            element.scroll_into_view_if_needed()
            element.screenshot(path=artifacts / f"{lesson}-too-tall-{i}.png")
            problems.append(f"output of cell {out['cell']!r} is {out['height']:.0f} px tall (> {MAX_HEIGHT})")

    # Crisp figures: no image is shown larger than it was drawn (a stretched PNG is blurry).
    for img in page.eval_on_selector_all(
        ".jp-OutputArea-output img",
        "els => els.map(e => ({w: e.getBoundingClientRect().width, n: e.naturalWidth, cls: e.className}))",
    ):
        if img["n"] and img["w"] > img["n"] * 1.02:
            problems.append(f"a figure ({img['cls'] or 'png output'}) is drawn {img['n']} px wide but shown {img['w']:.0f} px: blurry")

    # Every lesson widget: move one control, see the kernel's answer in the status line and figure.
    for i, widget in enumerate(page.locator(WIDGET_VIEW).all()):
        widget.scroll_into_view_if_needed()
        widget.screenshot(path=artifacts / f"{lesson}-widget-{i}-before.png")
        (artifacts / f"{lesson}-widget-{i}.html").write_text(widget.inner_html())
        if widget.locator(".exprlib-status").count() == 0:
            problems.append(f"{lesson} widget {i} has no status line (.exprlib-status): not a lesson widget?")
            continue
        problems += move_one_control(page, widget, f"{lesson} widget {i}")
        widget.screenshot(path=artifacts / f"{lesson}-widget-{i}-after.png")
        widget.evaluate("e => e.scrollIntoView({block: 'start'})")  # the student's screen, widget at the top
        page.screenshot(path=artifacts / f"{lesson}-widget-{i}-screen.png")
    page.screenshot(path=artifacts / f"{lesson}-end.png")

    # Offline and quiet: no pop-up asking to fetch Jupyter news (course.py disables it).
    if page.get_by_text("official Jupyter news").count():
        problems.append("JupyterLab asks about fetching Jupyter news (course.py's page_config should disable it)")
    return problems


def _pairs(text: str) -> dict[str, str]:
    return {k.strip(): v for k, v in PAIR.findall(text)}


def _same_value(shown: str, wanted: str) -> bool:
    shown, wanted = shown.replace("\u2212", "-"), wanted.replace("\u2212", "-")  # d3 readouts write a Unicode minus
    try:
        return abs(float(shown) - float(wanted)) <= 1e-9 * max(1.0, abs(float(wanted)))
    except ValueError:
        return shown.strip("'\"") == wanted.strip("'\"")


def move_one_control(page, widget, label: str) -> list[str]:
    """Move the widget's first slider one step (or pick another dropdown option); check the answer."""
    status = widget.locator(".exprlib-status").first
    figure = widget.locator("img.exprlib-figure").first
    controls = widget.locator(".exprlib-control")
    if controls.count() == 0:
        return [f"{label}: no .exprlib-control"]
    if figure.count() == 0:
        return [f"{label}: no img.exprlib-figure"]
    before_status = status.inner_text()
    before_pixels = figure.screenshot()

    sliders = widget.locator(".exprlib-control .noUi-handle, .exprlib-control.widget-slider .noUi-handle")
    if sliders.count():
        handle = sliders.first
        control = handle.locator("xpath=ancestor::*[contains(@class, 'exprlib-control')][1]")
        readout = control.locator(".widget-readout")
        old = readout.inner_text().strip()
        handle.focus()
        handle.press("ArrowRight")
        new = readout.inner_text().strip()
        if new == old:  # already at its maximum: go the other way
            handle.press("ArrowLeft")
            handle.press("ArrowLeft")
            new = readout.inner_text().strip()
        if new == old:
            return [f"{label}: the slider did not move with the arrow keys"]
    else:
        select = widget.locator(".exprlib-control select").first
        options = select.locator("option").all_inner_texts()
        old = select.input_value()
        new = next(o for o in options if o != old)
        select.select_option(label=new)

    deadline = time.monotonic() + WIDGET_TIMEOUT
    while True:
        text = status.inner_text()
        pairs, old_pairs = _pairs(text), _pairs(before_status)
        changed = {k: v for k, v in pairs.items() if old_pairs.get(k) != v}
        answered = "computing" not in text.lower() and any(_same_value(v, new) for v in changed.values())
        if answered:
            break
        if time.monotonic() > deadline:
            return [f"{label}: after moving a control to {new!r}, the status line still says {text!r} (was {before_status!r})"]
        time.sleep(0.2)
    deadline = time.monotonic() + WIDGET_TIMEOUT
    while figure.screenshot() == before_pixels:
        if time.monotonic() > deadline:
            return [f"{label}: the figure's pixels did not change after the status line said {text!r}"]
        time.sleep(0.2)
    return []


# Wrong answers a student types into lesson 00: (solution cell's marker, test cell's marker, the
# wrong cell source made from the solution's, the check that grades it in this process).
FIRST_LINES = 3  # the check's message must be among the first lines of the test cell's output


def _wrong_sign(source: str) -> str:
    assert "patterns.append(z > 0)" in source, "lesson 00's activation_pattern_by_hand changed: update this test"
    return source.replace("patterns.append(z > 0)", "patterns.append(z >= 0)")


def _wrong_count(source: str) -> str:
    return "regions_3_lines = 8  # 2^3 sign patterns?\n"


WRONG_ANSWERS = [
    ("def activation_pattern_by_hand", "check_activation_pattern(activation_pattern_by_hand, depths=(1,))", _wrong_sign),
    ("regions_3_lines = None", "check_regions_of_lines(regions_3_lines", _wrong_count),
]


def _expected_message(lab, wrong_source: str, test_source: str) -> str:
    """The first line of the message the lesson's own check gives for this wrong answer (run here)."""
    namespace: dict = {}
    setup = nbformat.read(lab.solutions / WELCOME / f"{WELCOME}.ipynb", as_version=4)
    exec(next(c.source for c in setup.cells if c.cell_type == "code"), namespace)  # the lesson's imports
    exec(wrong_source, namespace)
    visible = test_source.split("### BEGIN HIDDEN TESTS")[0]
    try:
        exec(visible, namespace)
    except AssertionError as error:
        return str(error).splitlines()[0]
    raise AssertionError(f"the lesson's check accepts the wrong answer:\n{wrong_source}")


def _cell(page, marker: str):
    """The one code cell whose source contains ``marker``, by position (it stays put while edited)."""
    cells = page.locator(".jp-Notebook .jp-CodeCell")
    found = [i for i, text in enumerate(cells.locator(".jp-InputArea-editor").all_inner_texts()) if marker in text]
    assert len(found) == 1, f"no single code cell contains {marker!r} in lesson {WELCOME}: update this test"
    return cells.nth(found[0])


def type_wrong_answers(page, lab, artifacts) -> list[str]:
    """In lesson 00, already run: type each wrong answer, run it and its check cell, read the output."""
    source = nbformat.read(lab.solutions / WELCOME / f"{WELCOME}.ipynb", as_version=4)
    problems = []
    for i, (solution_marker, test_marker, make_wrong) in enumerate(WRONG_ANSWERS):
        solution = next(c.source for c in source.cells if solution_marker in c.source)
        test = next(c.source for c in source.cells if test_marker in c.source)
        wrong = make_wrong(solution)
        expected = _expected_message(lab, wrong, test)

        # Type the wrong answer over the solution and run it, then run the check cell.
        answer = _cell(page, solution_marker)
        answer.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(wrong)  # as pasted: no auto-indent or bracket closing
        run_cell(page, lab, answer)
        check = _cell(page, test_marker)
        run_cell(page, lab, check)
        check.scroll_into_view_if_needed()
        check.screenshot(path=artifacts / f"{WELCOME}-wrong-answer-{i}.png")

        output = check.locator(".jp-OutputArea-output").all_inner_texts()
        lines = [line for text in output for line in text.splitlines() if line.strip()]
        if not lines:
            problems.append(f"the wrong answer {wrong.strip().splitlines()[-1]!r} got no message at all")
        elif not any(expected in line for line in lines[:FIRST_LINES]):
            where = next((n for n, line in enumerate(lines) if expected in line), None)
            problems.append(
                f"the check's message {expected!r} is "
                + (f"line {where + 1} of {len(lines)}" if where is not None else "missing")
                + f" of the output; the first lines are {lines[:FIRST_LINES]!r}"
            )
    return problems


def selected_lessons(lab) -> list[str]:
    found = lab.lessons
    wanted = [name for name in os.environ.get("EXPRLIB_BROWSER_LESSONS", "").split(",") if name]
    return [name for name in found if name in wanted] if wanted else found


def test_every_lesson_in_a_real_browser(new_page, lab, artifacts):
    names = selected_lessons(lab)
    if not names:
        pytest.skip("no lesson in course/solutions/ yet")
    report = {}
    for lesson in names:
        started = time.monotonic()
        page = new_page(lesson)
        try:
            problems = check_lesson(page, lab, lesson, artifacts)
            if lesson == WELCOME:
                problems += type_wrong_answers(page, lab, artifacts)
        except Exception as error:  # a hang or a missing element: record it, go on with the next lesson
            page.screenshot(path=artifacts / f"{lesson}-failed.png")
            problems = [f"stopped: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"]
        finally:
            problems += [f"browser console: {e}" for e in page.console.errors]
            page.close()
            lab.shutdown_kernels()
        report[lesson] = problems
        with (artifacts / "timings.txt").open("a") as log:
            log.write(f"{lesson}: {time.monotonic() - started:.1f} s, {len(problems)} problem(s)\n")
    failures = [f"{lesson}:\n  " + "\n  ".join(problems) for lesson, problems in report.items() if problems]
    assert failures == [], "\n".join(failures)
