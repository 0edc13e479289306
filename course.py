#!/usr/bin/env python3
"""One entry point for students, instructors and CI (standard library only).

    python3 course.py open     # make .venv if needed, copy the lessons to workspace/, open JupyterLab
                               # (--no-venv: use this Python, e.g. a conda env from environment.yml;
                               #  `open --help` for its options; as root it adds --allow-root)
    python3 course.py test     # make .venv if needed, run the whole test suite

Instructors: generate, check, release, students, collect, autograde, feedback, export, reset-manual
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
    "reset-manual": "clear the manual grades and comments of students' submissions",
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
# Offline-quiet too: no "Would you like to get notified about official Jupyter news?" pop-up
# (JupyterLab's announcements plugin; the server fetches nothing either, see QUIET_LAB_ARGS).
SELF_STUDY_LAB_CONFIG = {
    "disabledExtensions": {
        **{
            f"@jupyter/nbgrader:{name}": True
            for name in ("formgrader", "create-assignment", "course-list", "assignment-list", "menu")
        },
        "@jupyterlab/apputils-extension:announcements": True,
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


# The course's JupyterLab stays quiet on an offline machine (a train, an exam room, CI): no news
# feed, no "a newer JupyterLab exists" check (both fetched from the internet by the server), and an
# extension manager that lists what is installed instead of querying PyPI.
QUIET_LAB_ARGS = [
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
]
ROOT_NOTE = "Running as root (Docker, cloud shell, VM): passing --allow-root to JupyterLab."

OPEN_USAGE = "python3 course.py open [--no-venv] [JUPYTER-LAB-ARGUMENTS ...] [-- JUPYTER-LAB-ARGUMENTS ...]"
OPEN_HELP = """\
Copy the lessons into workspace/ (never overwriting your work) and open them in JupyterLab.

options:
  -h, --help   show this help and exit (copies nothing, installs nothing)
  --no-venv    use this Python and its Jupyter (e.g. a conda env made from environment.yml)
               instead of creating and using .venv

Every other argument goes to `jupyter lab` unchanged; everything after `--` goes there even if
course.py knows the name (`python3 course.py open -- --help` shows JupyterLab's own help).
Examples:
  python3 course.py open --port 8890 --no-browser
  python3 course.py open -- --ServerApp.ip=0.0.0.0

Run as root (Docker, cloud shells), it passes --allow-root to JupyterLab and says so.
"""


def is_root() -> bool:
    """True when this process runs as root (euid 0), where Jupyter refuses to start unless told."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def split_open_args(args: list[str]) -> tuple[dict[str, bool], list[str]]:
    """Separate course.py's own ``open`` options from the arguments meant for ``jupyter lab``.

    Returns ``({"help": ..., "no_venv": ...}, jupyter_args)``. Everything after the first ``--``
    goes to JupyterLab untouched.
    """
    own, rest = (args[: args.index("--")], args[args.index("--") + 1 :]) if "--" in args else (args, [])
    options = {"help": any(a in ("-h", "--help") for a in own), "no_venv": "--no-venv" in own}
    passed = [a for a in own if a not in ("-h", "--help", "--no-venv")]
    return options, passed + rest


def lab_command(
    jupyter_args: list[str], *, use_venv: bool = True, workspace: Path | None = None, root: bool | None = None
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment with which ``open`` starts JupyterLab (nothing is run).

    ``use_venv`` picks ``.venv``'s ``jupyter lab`` (else this Python's ``-m jupyterlab``);
    ``root`` (default: :func:`is_root`) adds ``--allow-root`` unless the arguments have it.
    The browser tests start their server with this same command.
    """
    workspace = workspace or WORKSPACE
    root = is_root() if root is None else root
    if use_venv:
        cmd, env = [str(venv_bin("jupyter")), "lab"], venv_env()
    else:
        cmd, env = [sys.executable, "-m", "jupyterlab"], dict(os.environ)
    extra = ["--allow-root"] if root and "--allow-root" not in jupyter_args else []
    return [*cmd, f"--notebook-dir={workspace}", *QUIET_LAB_ARGS, *extra, *jupyter_args], env


def run_foreground(cmd: list[str], **kwargs) -> int:
    """Run ``cmd`` to its end and return its exit status.

    Ctrl+C in the terminal reaches the child too (JupyterLab asks whether to shut down, pytest
    stops and reports); this script just keeps waiting for it, instead of dying with a
    KeyboardInterrupt traceback or killing JupyterLab before it has stopped its kernels.
    """
    process = subprocess.Popen(cmd, **kwargs)
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            continue


def cmd_open(args: list[str]) -> int:
    options, jupyter_args = split_open_args(args)
    if options["help"]:
        print(f"usage: {OPEN_USAGE}\n\n{OPEN_HELP}", end="")
        return 0
    # --no-venv: use the Python running this script (a conda or Binder environment made from
    # environment.yml) and leave its Jupyter settings alone; the lessons still go to workspace/.
    use_venv = not options["no_venv"]
    if use_venv:
        ensure_venv()
        write_self_study_config()
    copied = copy_lessons()
    if copied:
        print(f"Copied {len(copied)} new lesson file(s) into {WORKSPACE}.")
    print(f"Your work lives in {WORKSPACE} (git-ignored); files already there are never overwritten.")
    WORKSPACE.mkdir(exist_ok=True)
    cmd, env = lab_command(jupyter_args, use_venv=use_venv)
    if "--allow-root" in cmd and "--allow-root" not in jupyter_args:
        print(ROOT_NOTE, flush=True)
    return run_foreground(cmd, env=env, cwd=WORKSPACE)


TEST_THREAD_LIMITS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def cmd_test(pytest_args: list[str]) -> int:
    ensure_venv()
    cmd = [str(venv_bin("python")), "-m", "pytest", "-n", "2", *pytest_args]
    # Two workers on two cores: BLAS and torch threads on top of them only fight over the cores
    # (small matrix products ran ~6x slower), in the workers and in the kernels they start.
    env = {**venv_env(), **{name: os.environ.get(name, "1") for name in TEST_THREAD_LIMITS}}
    return run_foreground(cmd, env=env, cwd=ROOT)


def cmd_instructor(command: str, args: list[str]) -> int:
    ensure_venv()
    cmd = [str(venv_bin("python")), str(INSTRUCTOR), command, *args]
    return run_foreground(cmd, env=venv_env(), cwd=ROOT)


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
    sub.add_parser("open", help="open the course in JupyterLab (students start here); `open --help` for its options")
    sub.add_parser("test", help="run the whole test suite; extra arguments go to pytest")
    for name, text in INSTRUCTOR_COMMANDS.items():
        sub.add_parser(name, help=f"[instructors] {text}")
    parser.parse_args(argv)  # only reached for --help or an unknown command
    return 2


if __name__ == "__main__":
    sys.exit(main())
