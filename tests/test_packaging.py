"""The set-up stays honest: pip path, conda path and CI ask for the same things."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import course  # noqa: E402  (the stdlib-only entry point)


def _pyproject_requirements() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + project["optional-dependencies"]["test"]
    return {canonicalize_name(r.name): r for r in map(Requirement, reqs)}


def _environment_yml_names() -> set[str]:
    names = set()
    for line in (ROOT / "environment.yml").read_text().splitlines():
        item = re.match(r"^\s*-\s+([A-Za-z0-9_.\-]+)", line)
        if item and not line.strip().startswith("- -"):
            names.add(canonicalize_name(item.group(1)))
    return names - {"python", "pip", "conda-forge"}


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    assert _environment_yml_names() == set(_pyproject_requirements())


def test_environment_yml_takes_torch_from_pip():
    text = (ROOT / "environment.yml").read_text()
    pip_section = text.split("- pip:")[1]
    assert re.search(r"^\s*- torch", pip_section, re.M)


def test_requirements_pin_every_dependency_within_its_range():
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version.strip()
    for name, req in _pyproject_requirements().items():
        assert name in pins, f"{name} is not pinned in requirements.txt"
        assert req.specifier.contains(pins[name], prereleases=True), f"{name}=={pins[name]} violates {req}"
    # An unpinned or newer torch would pull a multi-GB CUDA build.
    assert pins["torch"] == "2.13.0"


def _readme_command(label: str) -> str:
    readme = (ROOT / "README.md").read_text()
    match = re.search(rf"^(python3 course\.py {label})\b.*$", readme, re.M)
    assert match, f"README has no `python3 course.py {label}` command"
    return match.group(1)


def test_ci_runs_exactly_the_readme_test_command():
    ci_commands = [l for l in (ROOT / ".ci/run").read_text().splitlines() if l and not l.startswith(("#", "set ", "cd "))]
    # Set-up first (Chromium for tests/browser, bubblewrap for the grading sandbox), then the
    # README's command, and nothing else.
    assert ci_commands == ['export CI="${CI:-true}"', ".ci/install-chromium", ".ci/install-bubblewrap",
                           _readme_command("test")]
    _readme_command("open")


def test_ci_chromium_install_is_a_no_op_when_chromium_is_there(tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    done = subprocess.run([str(ROOT / ".ci/install-chromium")], env={"EXPRLIB_CHROMIUM": str(fake), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "")


def test_ci_bubblewrap_install_is_a_no_op_when_bwrap_is_there(tmp_path):
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    done = subprocess.run([str(ROOT / ".ci/install-bubblewrap")], env={"PATH": f"{tmp_path}:/usr/bin:/bin"},
                          capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "")


def test_ctrl_c_waits_for_the_child_instead_of_a_traceback():
    """Ctrl+C reaches JupyterLab from the terminal; course.py waits for it to stop, quietly."""
    code = (
        "import course, os, signal, sys, threading\n"
        "threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()\n"
        "sys.exit(course.run_foreground([sys.executable, '-c', 'import time; time.sleep(1.5); raise SystemExit(3)']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (3, "")


def test_copy_lessons_never_overwrites_student_work(tmp_path):
    src, dst = tmp_path / "lessons", tmp_path / "workspace"
    (src / "01-a").mkdir(parents=True)
    (src / "01-a" / "01-a.ipynb").write_text("release v1")
    assert course.copy_lessons(src, dst) == [dst / "01-a" / "01-a.ipynb"]
    (dst / "01-a" / "01-a.ipynb").write_text("my answers")
    (src / "01-a" / "01-a.ipynb").write_text("release v2")
    (src / "02-b").mkdir()
    (src / "02-b" / "02-b.ipynb").write_text("new lesson")
    assert course.copy_lessons(src, dst) == [dst / "02-b" / "02-b.ipynb"]
    assert (dst / "01-a" / "01-a.ipynb").read_text() == "my answers"


def test_workspace_and_venv_are_git_ignored():
    ignored = subprocess.run(
        ["git", "check-ignore", "workspace/x.ipynb", ".venv/bin/python"], cwd=ROOT, capture_output=True, text=True
    ).stdout.split()
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    assert ignored == ["workspace/x.ipynb", ".venv/bin/python"]


def test_self_study_lab_hides_nbgrader_instructor_tools(tmp_path):
    import json

    course.write_self_study_config(tmp_path)
    lab = json.loads((tmp_path / "etc/jupyter/labconfig/page_config.json").read_text())
    server = json.loads((tmp_path / "etc/jupyter/jupyter_server_config.d/zz-exprlib-self-study.json").read_text())
    assert lab["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True
    assert "@jupyter/nbgrader:validate-assignment" not in lab["disabledExtensions"]
    assert lab["disabledExtensions"]["@jupyterlab/apputils-extension:announcements"] is True  # no news pop-up
    assert server["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.formgrader"] is False


def _fake_open(tmp_path, monkeypatch, *, root: bool) -> list:
    """Point course.py at a temporary lessons/workspace pair and record instead of running."""
    calls = []
    monkeypatch.setattr(course, "ensure_venv", lambda: calls.append("ensure_venv"))
    monkeypatch.setattr(course, "write_self_study_config", lambda: calls.append("config"))
    monkeypatch.setattr(course, "LESSONS", tmp_path / "lessons")
    monkeypatch.setattr(course, "WORKSPACE", tmp_path / "workspace")
    monkeypatch.setattr(course, "is_root", lambda: root)
    monkeypatch.setattr(course, "run_foreground", lambda cmd, **kw: calls.append(cmd) or 0)
    (tmp_path / "lessons" / "00-a").mkdir(parents=True)
    (tmp_path / "lessons" / "00-a" / "00-a.ipynb").write_text("{}")
    return calls


def test_open_without_venv_uses_this_python_and_still_protects_work(tmp_path, monkeypatch):
    calls = _fake_open(tmp_path, monkeypatch, root=False)
    assert course.main(["open", "--no-venv", "--port", "8890"]) == 0
    workspace = f"--notebook-dir={tmp_path / 'workspace'}"
    assert calls == [[sys.executable, "-m", "jupyterlab", workspace, *course.QUIET_LAB_ARGS, "--port", "8890"]]
    assert (tmp_path / "workspace" / "00-a" / "00-a.ipynb").read_text() == "{}"
    calls.clear()
    assert course.main(["open"]) == 0
    assert calls[:2] == ["ensure_venv", "config"] and calls[2][1:] == ["lab", workspace, *course.QUIET_LAB_ARGS]


def test_open_help_prints_our_options_and_touches_nothing(tmp_path, monkeypatch, capsys):
    calls = _fake_open(tmp_path, monkeypatch, root=True)
    for flag in ("--help", "-h"):
        assert course.main(["open", flag]) == 0
        out = capsys.readouterr().out
        assert out.startswith("usage: python3 course.py open")
        assert "--no-venv" in out and "--" in out and "jupyter lab" in out
    assert calls == [] and not (tmp_path / "workspace").exists()
    # After `--`, even --help belongs to JupyterLab.
    assert course.main(["open", "--no-venv", "--", "--help"]) == 0
    assert calls[-1][-1] == "--help"


def test_open_as_root_passes_allow_root_and_says_so(tmp_path, monkeypatch, capsys):
    calls = _fake_open(tmp_path, monkeypatch, root=True)
    assert course.main(["open", "--no-venv"]) == 0
    assert calls[-1].count("--allow-root") == 1
    assert course.ROOT_NOTE in capsys.readouterr().out.splitlines()
    # Asked for explicitly: passed once, no note.
    assert course.main(["open", "--no-venv", "--allow-root"]) == 0
    assert calls[-1].count("--allow-root") == 1
    assert course.ROOT_NOTE not in capsys.readouterr().out


def test_lab_command_is_root_aware_and_quiet_offline(tmp_path):
    cmd, _ = course.lab_command(["--no-browser"], use_venv=False, workspace=tmp_path, root=False)
    assert "--allow-root" not in cmd and cmd[-1] == "--no-browser"
    cmd, env = course.lab_command([], use_venv=True, workspace=tmp_path, root=True)
    assert cmd[0] == str(course.venv_bin("jupyter")) and "--allow-root" in cmd
    assert env["VIRTUAL_ENV"] == str(course.VENV)
    for arg in ("--LabApp.news_url=None", "--LabApp.extension_manager=readonly"):
        assert arg in cmd


def test_quiet_lab_args_are_real_jupyterlab_settings():
    """Every offline setting names a trait this JupyterLab has (a typo would be silently ignored)."""
    labapp = pytest.importorskip("jupyterlab.labapp")
    import jupyterlab

    traits = labapp.LabApp.class_traits()
    for arg in course.QUIET_LAB_ARGS:
        name, value = arg.removeprefix("--LabApp.").split("=")
        assert name in traits, arg
    assert hasattr(jupyterlab, "NeverCheckForUpdate")
    assert labapp.LabApp(news_url=None).news_url is None
