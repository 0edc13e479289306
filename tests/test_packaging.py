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
    assert ci_commands == [_readme_command("test")]
    _readme_command("open")


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
    assert server["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.formgrader"] is False


def test_open_without_venv_uses_this_python_and_still_protects_work(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(course, "ensure_venv", lambda: calls.append("ensure_venv"))
    monkeypatch.setattr(course, "write_self_study_config", lambda: calls.append("config"))
    monkeypatch.setattr(course, "LESSONS", tmp_path / "lessons")
    monkeypatch.setattr(course, "WORKSPACE", tmp_path / "workspace")
    monkeypatch.setattr(course.subprocess, "call", lambda cmd, **kw: calls.append(cmd) or 0)
    (tmp_path / "lessons" / "00-a").mkdir(parents=True)
    (tmp_path / "lessons" / "00-a" / "00-a.ipynb").write_text("{}")
    assert course.main(["open", "--no-venv", "--port", "8890"]) == 0
    assert calls == [[sys.executable, "-m", "jupyterlab", f"--notebook-dir={tmp_path / 'workspace'}", "--port", "8890"]]
    assert (tmp_path / "workspace" / "00-a" / "00-a.ipynb").read_text() == "{}"
    calls.clear()
    assert course.main(["open"]) == 0
    assert calls[:2] == ["ensure_venv", "config"] and calls[2][1:] == ["lab", f"--notebook-dir={tmp_path / 'workspace'}"]
