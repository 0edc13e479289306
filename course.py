#!/usr/bin/env python3
"""One entry point for students, instructors and CI (standard library only).

    python3 course.py open     # make .venv if needed, copy the lessons to workspace/, open JupyterLab
                               # (--no-venv: use this Python, e.g. a conda env from environment.yml)
    python3 course.py test     # make .venv if needed, run the whole test suite

Instructors: generate, check, release, students, collect, autograde, feedback, export
(``python3 course.py autograde --help`` etc.; they run course/instructor.py in the venv).

The first call creates ``.venv`` and installs the pinned ``requirements.txt`` into it; later calls
reuse it and reinstall only when ``requirements.txt`` or ``pyproject.toml`` change.
Run ``python3 course.py --help`` for the instructors' commands.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".exprlib-installed"
LESSONS = ROOT / "course" / "lessons"
WORKSPACE = ROOT / "workspace"
INSTRUCTOR = ROOT / "course" / "instructor.py"
# The instructors' commands; course/instructor.py parses their arguments.
INSTRUCTOR_COMMANDS = {
    "generate": "regenerate course/lessons from course/solutions (commit the result)",
    "check": "static lesson checks: lessons match solutions, no leaks, lesson shape",
    "release": "fill the gradebook and release a lesson to nbgrader's exchange",
    "students": "add students to the gradebook (ids or a CSV)",
    "collect": "collect submissions from the exchange",
    "autograde": "autograde a lesson one student at a time",
    "feedback": "generate and release HTML feedback",
    "export": "export grades to CSV",
}


def venv_bin(name: str) -> Path:
    sub = "Scripts" if os.name == "nt" else "bin"
    suffix = ".exe" if os.name == "nt" else ""
    return VENV / sub / f"{name}{suffix}"


def _requirements_digest() -> str:
    h = hashlib.sha256()
    for name in ("requirements.txt", "pyproject.toml"):
        h.update((ROOT / name).read_bytes())
    return h.hexdigest()


def ensure_venv() -> None:
    """Create and fill .venv the first time, and again whenever the pins change."""
    digest = _requirements_digest()
    if STAMP.exists() and STAMP.read_text().strip() == digest and venv_bin("python").exists():
        return
    if not venv_bin("python").exists():
        print(f"Creating the virtual environment in {VENV} (first run only) ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    py = str(venv_bin("python"))
    print("Installing the pinned dependencies (a few minutes the first time) ...", flush=True)
    pip = [py, "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
    subprocess.run(pip + ["-r", str(ROOT / "requirements.txt")], check=True)
    # No build isolation: setuptools is pinned in requirements.txt, so nothing is fetched here.
    subprocess.run(pip + ["--no-deps", "--no-build-isolation", "-e", str(ROOT)], check=True)
    STAMP.write_text(digest + "\n")


def venv_env() -> dict[str, str]:
    """Environment for child processes: the venv's bin first (nbgrader runs `alembic` from PATH)."""
    env = dict(os.environ)
    env["PATH"] = str(venv_bin("python").parent) + os.pathsep + env.get("PATH", "")
    env["VIRTUAL_ENV"] = str(VENV)
    env.pop("PYTHONHOME", None)
    return env


def copy_lessons(src: Path | None = None, dst: Path | None = None) -> list[Path]:
    """Copy every lesson file into the working folder, never overwriting one already there.

    Returns the files that were newly copied. A student's edited notebook survives
    `git pull` and regenerated lessons; a lesson added later still arrives.
    """
    src, dst = src or LESSONS, dst or WORKSPACE
    copied = []
    for path in sorted(src.rglob("*")):
        if not path.is_file() or ".ipynb_checkpoints" in path.parts:
            continue
        target = dst / path.relative_to(src)
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        copied.append(target)
    return copied


# Self-study students have no class to manage: hide nbgrader's instructor and exchange tools (the
# formgrader, course list, assignment list) in the course's own JupyterLab; keep "Validate".
# Classes run on JupyterHub with their own configuration (see the README).
SELF_STUDY_LAB_CONFIG = {
    "disabledExtensions": {
        f"@jupyter/nbgrader:{name}": True
        for name in ("formgrader", "create-assignment", "course-list", "assignment-list", "menu")
    }
}
SELF_STUDY_SERVER_CONFIG = {
    "ServerApp": {
        "jpserver_extensions": {
            f"nbgrader.server_extensions.{name}": False for name in ("formgrader", "course_list", "assignment_list")
        }
    }
}


def write_self_study_config(prefix: Path = VENV) -> None:
    """Write the self-study JupyterLab settings into the venv (sys-prefix level, so only this venv)."""
    targets = {
        prefix / "etc" / "jupyter" / "labconfig" / "page_config.json": SELF_STUDY_LAB_CONFIG,
        # "zz-" sorts after nbgrader.json, whose settings it overrides.
        prefix / "etc" / "jupyter" / "jupyter_server_config.d" / "zz-exprlib-self-study.json": SELF_STUDY_SERVER_CONFIG,
    }
    for path, config in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(config, indent=2) + "\n")


def cmd_open(jupyter_args: list[str]) -> int:
    # --no-venv: use the Python running this script (a conda or Binder environment made from
    # environment.yml) and leave its Jupyter settings alone; the lessons still go to workspace/.
    use_venv = "--no-venv" not in jupyter_args
    jupyter_args = [a for a in jupyter_args if a != "--no-venv"]
    if use_venv:
        ensure_venv()
        write_self_study_config()
    copied = copy_lessons()
    if copied:
        print(f"Copied {len(copied)} new lesson file(s) into {WORKSPACE}.")
    print(f"Your work lives in {WORKSPACE} (git-ignored); files already there are never overwritten.")
    WORKSPACE.mkdir(exist_ok=True)
    if use_venv:
        cmd, env = [str(venv_bin("jupyter")), "lab"], venv_env()
    else:
        cmd, env = [sys.executable, "-m", "jupyterlab"], dict(os.environ)
    return subprocess.call([*cmd, f"--notebook-dir={WORKSPACE}", *jupyter_args], env=env, cwd=WORKSPACE)


def cmd_test(pytest_args: list[str]) -> int:
    ensure_venv()
    cmd = [str(venv_bin("python")), "-m", "pytest", "-n", "2", *pytest_args]
    return subprocess.call(cmd, env=venv_env(), cwd=ROOT)


def cmd_instructor(command: str, args: list[str]) -> int:
    ensure_venv()
    cmd = [str(venv_bin("python")), str(INSTRUCTOR), command, *args]
    return subprocess.call(cmd, env=venv_env(), cwd=ROOT)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # Everything after the command goes through untouched (e.g. `open --port 8890`, `test -k regions`).
    if argv and argv[0] == "open":
        return cmd_open(argv[1:])
    if argv and argv[0] == "test":
        return cmd_test(argv[1:])
    if argv and argv[0] in INSTRUCTOR_COMMANDS:
        return cmd_instructor(argv[0], argv[1:])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")
    sub.add_parser("open", help="open the course in JupyterLab (students start here); extra arguments go to `jupyter lab`")
    sub.add_parser("test", help="run the whole test suite; extra arguments go to pytest")
    for name, text in INSTRUCTOR_COMMANDS.items():
        sub.add_parser(name, help=f"[instructors] {text}")
    parser.parse_args(argv)  # only reached for --help or an unknown command
    return 2


if __name__ == "__main__":
    sys.exit(main())
