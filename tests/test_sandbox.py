"""The grading sandbox itself (course/sandbox.py), one property per test, with no notebook involved.

Each test runs a few lines of Python inside the bubblewrap command the grader starts a kernel
with, and checks what it can and cannot do. The end-to-end attacks on real lessons are in
tests/test_grading_attacks.py.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "course"))
import sandbox  # noqa: E402  (course/sandbox.py)

pytestmark = pytest.mark.skipif(
    sandbox.problem() is not None and os.environ.get("CI") != "true",
    reason=f"no grading sandbox here: {sandbox.problem()}",
)


def test_the_sandbox_runs_here():
    # Under CI=true a missing bubblewrap fails here instead of skipping: grading would refuse.
    assert sandbox.problem() is None, sandbox.problem()


@pytest.fixture
def box(tmp_path):
    folder = Path(tempfile.mkdtemp(prefix="exprlib-test-sandbox-"))
    os.chmod(folder, 0o700)
    sb = sandbox.Sandbox(folder / "work", folder / "run", sandbox.Limits(memory_bytes=2 * 2**30, processes=64))
    sb.prepare()
    yield sb
    subprocess.run(["rm", "-rf", str(folder)], check=False)


def run_inside(box: sandbox.Sandbox, code: str, *, timeout: float = 60) -> subprocess.CompletedProcess:
    argv = box.wrap([sys.executable, "-c", textwrap.dedent(code)])
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout)


def lines(run: subprocess.CompletedProcess) -> list[str]:
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout.split()


def test_nothing_of_the_course_or_the_repository_is_visible(box):
    course, repo = ROOT / "course", ROOT
    out = lines(run_inside(box, f"""
        import os, exprlib, torch  # the library and the venv are there
        print(os.path.exists({str(course / 'solutions')!r}), os.path.exists({str(course / 'nbgrader_config.py')!r}))
        print(sorted(os.listdir({str(repo)!r})) if os.path.isdir({str(repo)!r}) else [])
        print(len(os.listdir('/root')) if os.path.isdir('/root') else 0)
    """))
    assert out[:2] == ["False", "False"], "solutions or the course config is visible"
    visible = " ".join(out[2:-1])
    assert "course" not in visible and "tests" not in visible and ".git" not in visible


def test_runs_without_the_graders_rights(box):
    out = lines(run_inside(box, """
        import os
        print(os.getuid(), os.geteuid())
        print(open('/proc/self/status').read().split('CapEff:')[1].split()[0])
        try:
            os.kill(1, 9); print('killed-pid-1')
        except OSError:
            print('no-kill')
    """))
    if os.geteuid() == 0:
        assert out[0] == out[1] == str(box.uid) and box.uid in sandbox.SANDBOX_UIDS, "a root grader's kernel runs as a user of its own"
    assert out[2] == "0000000000000000", "the kernel must have no capabilities"
    assert out[3] == "no-kill"


def test_system_venv_and_library_are_read_only(box):
    import exprlib

    out = lines(run_inside(box, f"""
        import os
        for path in ({str(Path(exprlib.__file__).parent / 'x.py')!r}, {str(Path(sys.prefix) / 'x')!r}, '/usr/x', '/etc/x'):
            try:
                open(path, 'w').write('x'); print('wrote', path)
            except OSError:
                print('refused')
        open('answer.txt', 'w').write('ok'); print(open('answer.txt').read())
    """))
    assert out == ["refused"] * 4 + ["ok"], out


def test_no_network_not_even_the_graders_loopback(box):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    try:
        out = lines(run_inside(box, f"""
            import socket
            for host in ('127.0.0.1', 'pypi.org'):
                try:
                    socket.create_connection((host, {port if True else 443}), timeout=3); print('reached', host)
                except OSError:
                    print('unreachable')
        """))
    finally:
        server.close()
    assert out == ["unreachable", "unreachable"], out


def test_tmp_is_private(box):
    marker = Path(tempfile.gettempdir()) / f"exprlib-visible-{uuid.uuid4().hex}"
    marker.write_text("grader's")
    try:
        out = lines(run_inside(box, f"""
            import os
            print(os.path.exists({str(marker)!r}), len(os.listdir('/tmp')))
            open('/tmp/left-behind', 'w').write('x')
        """))
    finally:
        marker.unlink()
    assert out[0] == "False"
    assert not (Path(tempfile.gettempdir()) / "left-behind").exists()


def test_memory_and_processes_are_limited(box):
    out = lines(run_inside(box, """
        import os
        try:
            block = bytearray(4 * 2**30); print('allocated')
        except MemoryError:
            print('memory-refused')
        children = []
        try:
            for _ in range(200):
                pid = os.fork()
                if pid == 0:
                    import time; time.sleep(30); os._exit(0)
                children.append(pid)
            print('forked-all')
        except OSError:
            print('fork-refused', len(children) < 200)
        for pid in children:
            os.kill(pid, 9)
    """))
    assert out[0] == "memory-refused"
    assert out[1:] == ["fork-refused", "True"], out


def test_the_whole_process_tree_dies_with_the_sandbox(box):
    marker = f"exprlib-orphan-{uuid.uuid4().hex}"
    code = textwrap.dedent(f"""
        import os, subprocess, sys, time
        # a double-forked, setsid'd child, as a student would detach it
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(120)', {marker!r}])
            os._exit(0)
        print('started', flush=True)
        time.sleep(120)
    """)
    process = subprocess.Popen(box.wrap([sys.executable, "-c", code]), stdout=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        assert process.stdout.readline().strip() == "started"
        time.sleep(0.5)
        assert _processes_with(marker), "the detached child should be running while the sandbox is"
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # what the grader does when grading ends
        process.wait(timeout=10)
    deadline = time.monotonic() + 5
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _processes_with(marker), "a process outlived its sandbox"


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def test_grading_refuses_without_the_sandbox_unless_told(monkeypatch):
    from nbformat.v4 import new_notebook
    from traitlets.config import Config

    monkeypatch.setitem(sandbox._problem_cache, "result", "bubblewrap is not installed")
    with pytest.raises(RuntimeError, match="refusing to grade without the sandbox.*--unsandboxed"):
        sandbox.GradeInSandbox().preprocess(new_notebook(), {"metadata": {"path": "."}})
    opted_out = sandbox.GradeInSandbox(config=Config({"GradeInSandbox": {"sandbox": "none"}}))
    assert opted_out.sandbox == "none"


# ---------------------------------------------------------------------------------------------
# the preprocessor on a small notebook: what did not run gets 0, whatever stopped it
# ---------------------------------------------------------------------------------------------


def _notebook(*cells: tuple[str, str | None]):
    """Code cells (source, grade_id): a grade_id makes the cell an autograded test worth 1 point."""
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    for source, grade_id in cells:
        cell = new_code_cell(source)
        if grade_id:
            cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": grade_id, "points": 1,
                                         "locked": True, "schema_version": 3}
        nb.cells.append(cell)
    return nb


def _grade(nb, tmp_path, **config):
    from traitlets.config import Config

    folder = tmp_path / "submission"
    folder.mkdir()
    pp = sandbox.GradeInSandbox(config=Config({"GradeInSandbox": config}))
    nb, _ = pp.preprocess(nb, {"metadata": {"path": str(folder)}, "unique_key": "lesson"})
    report = __import__("json").loads((folder / f"lesson{sandbox.REPORT_SUFFIX}").read_text())
    verdicts = {c.metadata["nbgrader"]["grade_id"]: [o.get("evalue") or o.get("text") for o in c.outputs]
                for c in nb.cells if sandbox.is_test_cell(c)}
    return verdicts, report


SQUARE = "def square(x):\n    return x * x"


def test_a_test_cell_is_judged_in_the_grader_and_never_seen_by_the_kernel(tmp_path):
    # The kernel records every cell it is sent and prints them at the end: no test source among them.
    nb = _notebook(
        (SQUARE, None),
        ("seen = []\nget_ipython().input_transformers_post.append(lambda lines: seen.extend(lines) or lines)", None),
        ("assert square(3) == 9, 'square(3) is wrong'\nprint('✓ square is right')\nprint('hidden detail')", "right"),
        ("assert square(2) == 5, 'square(2) is wrong'", "wrong"),
        ("print(''.join(seen))", None),
    )
    verdicts, report = _grade(nb, tmp_path, total_timeout=600)
    assert verdicts == {"right": ["✓ square is right\n"], "wrong": ["square(2) is wrong"]}
    assert report["status"] == "complete" and report["not_run"] == []
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert "exprlib_bridge" in printed and "hidden detail" not in printed and "is wrong" not in printed


def test_an_input_transformer_that_rewrites_everything_only_breaks_its_own_answers(tmp_path):
    verdicts, _ = _grade(_notebook(
        (SQUARE, None),
        ("get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])", None),
        ("assert square(3) == 9, 'square(3) is wrong'", "right"),
    ), tmp_path)
    assert verdicts["right"] and "did not answer the grader" in verdicts["right"][0]


def test_a_dead_kernel_gives_zero_for_every_test_that_did_not_run(tmp_path):
    verdicts, report = _grade(_notebook(
        (SQUARE, None),
        ("assert square(3) == 9", "before"),
        ("import os; os._exit(0)", None),
        ("assert square(3) == 9", "after"),
    ), tmp_path)
    assert verdicts["before"] == [] and "not graded" in verdicts["after"][0]
    assert report["status"] == "incomplete" and report["not_run"] == ["after"]
    assert "kernel died" in report["reason"]


def test_a_student_function_that_never_returns_costs_one_test(tmp_path):
    verdicts, report = _grade(_notebook(
        ("def slow(x):\n    while True:\n        pass", None),
        (SQUARE, None),
        ("assert slow(1) == 1", "loops"),
        ("assert square(3) == 9", "next"),
    ), tmp_path, timeout=3)
    assert "did not finish within" in verdicts["loops"][0]
    assert verdicts["next"] == [] and report["status"] == "complete"


def test_past_the_total_time_limit_nothing_more_is_graded(tmp_path):
    verdicts, report = _grade(_notebook(
        (SQUARE, None),
        ("import time; time.sleep(3)", None),
        ("assert square(3) == 9", "late"),
    ), tmp_path, total_timeout=2)
    assert "not graded" in verdicts["late"][0] and "total time limit" in report["reason"]
    assert report["status"] == "incomplete"


def test_only_what_programs_need_of_etc_is_visible(box):
    out = lines(run_inside(box, """
        import os
        print(sorted(os.listdir('/etc')) == sorted(set(os.listdir('/etc'))), os.path.exists('/etc/shadow'),
              os.path.exists('/etc/hostname'), os.path.exists('/opt'), os.path.exists('/srv'))
    """))
    assert out == ["True", "False", "False", "False", "False"], out


def test_grading_refuses_a_course_folder_the_sandbox_would_show():
    with pytest.raises(RuntimeError, match="move the course folder"):
        sandbox._refuse_if_exposed([Path(sys.prefix) / "course"])
    sandbox._refuse_if_exposed([ROOT / "course"])  # the repository's own layout is fine


def test_an_error_message_from_student_code_is_quoted_short():
    message = "first line " + "x" * 500 + "\nsecond line with the hidden inputs"
    try:
        sandbox._reraise({"type": "ValueError", "builtin": True, "message": message, "where": "line 2, in f"}, "f")
    except ValueError as err:
        assert len(str(err)) <= sandbox.STUDENT_MESSAGE_CHARS and "second line" not in str(err)
        assert err.exprlib_where == "line 2, in f"
    else:
        pytest.fail("_reraise must raise")
