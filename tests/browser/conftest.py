"""Fixtures for the browser tests: one JupyterLab server and one headless Chromium per run.

The server is started the way ``python3 course.py open`` starts it (``course.lab_command``: the
same settings, ``--allow-root`` when run as root), on a free localhost port with a random token,
in a temporary workspace holding a copy of every lesson *with its solutions* (so Run All
completes). It runs in its own process group and is torn down by that group's id.

Chromium is Debian's (``/usr/bin/chromium``, or ``$EXPRLIB_CHROMIUM``) driven by Playwright for
Python; Playwright's own browser download is never used. When Playwright or Chromium is missing
the tests skip with the reason, except under ``CI=true``, where they fail (``.ci/run`` installs
Chromium first).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import re
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# EXPRLIB_BROWSER_SOLUTIONS: another folder of lessons (to check that the checks catch a broken one).
SOLUTIONS = Path(os.environ.get("EXPRLIB_BROWSER_SOLUTIONS", ROOT / "course" / "solutions"))
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
import course  # noqa: E402  (the stdlib-only entry point: how `open` starts JupyterLab)

CHROMIUM = os.environ.get("EXPRLIB_CHROMIUM", "/usr/bin/chromium")
# A laptop screen: nothing a student needs together may be taller than about 800 px of it.
VIEWPORT = {"width": 1366, "height": 900}
# Chromium on a closed network: without these it keeps trying to reach Google's services.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# The offline machine (CI, a train): console errors that say only "the network is unreachable".
# Everything else in the console is a failure. Keep each entry explained.
CONSOLE_ALLOW = [
    # Chromium asks for /favicon.ico-style resources and fonts it may not have; JupyterLab's own
    # requests never fail on a healthy server, so only name-less network failures are allowed.
    re.compile(r"^Failed to load resource: net::ERR_(INTERNET_DISCONNECTED|NAME_NOT_RESOLVED|CONNECTION_REFUSED|ADDRESS_UNREACHABLE)"),
]
SERVER_START_TIMEOUT = 90  # seconds; JupyterLab starts in ~5 s, much longer on a loaded 2-core machine


def lessons() -> list[str]:
    """Every lesson in course/solutions/ (a folder holding ``<name>/<name>.ipynb``), sorted."""
    if not SOLUTIONS.is_dir():
        return []
    return sorted(p.name for p in SOLUTIONS.iterdir() if (p / f"{p.name}.ipynb").is_file())


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    """A running JupyterLab: its base URL, token, workspace folder and process."""

    url: str
    token: str
    workspace: Path
    process: subprocess.Popen
    log: Path
    solutions: Path  # where the lessons were copied from
    lessons: list[str]  # the lessons in the workspace, sorted

    def api(self, path: str, method: str = "GET") -> object:
        request = urllib.request.Request(f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """End every session's kernel (a lesson's kernel holds torch: a few hundred MB)."""
        for session in self.api("/api/sessions"):
            self.api(f"/api/sessions/{session['id']}", method="DELETE")

    def notebook_url(self, relpath: str) -> str:
        return f"{self.url}/lab/tree/{relpath}?reset&token={self.token}"


def _stop(process: subprocess.Popen) -> None:
    """End the server's whole process group (server and kernels) by its id, never by name."""
    if process.poll() is not None:
        return
    pgid = process.pid  # start_new_session=True: the group id is the server's pid
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            # Kernels are in the same group; give them their signal too before returning.
            os.killpg(pgid, signal.SIGKILL)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            continue
        return


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Screenshots and logs of the last run (git-ignored), for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.iterdir():  # only this run's files: a stale screenshot would mislead
        if old.is_file() and old.suffix in (".png", ".html", ".log", ".txt"):
            old.unlink()
    return ARTIFACTS


@pytest.fixture(scope="session")
def chromium_path() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install -r requirements.txt)")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium; or set EXPRLIB_CHROMIUM)")
    return CHROMIUM


@pytest.fixture(scope="session")
def lab(tmp_path_factory, artifacts, chromium_path) -> Iterator[Lab]:
    """JupyterLab started as `python3 course.py open` does, on the solutions, in a temp workspace."""
    base = tmp_path_factory.mktemp("lab")
    workspace = base / "workspace"
    for name in lessons():
        shutil.copytree(SOLUTIONS / name, workspace / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    workspace.mkdir(exist_ok=True)
    # Settings, layouts and runtime files of this server stay in the temp folder. Cells are kept
    # laid out even when off screen (no windowing), so every output can be measured.
    settings = base / "settings"
    tracker = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))

    use_venv = Path(sys.prefix).resolve() == course.VENV.resolve()
    if use_venv:
        course.write_self_study_config()  # what `open` writes before starting JupyterLab
    port, token = _free_port(), secrets.token_hex(16)
    cmd, env = course.lab_command(
        [
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
        ],
        use_venv=use_venv,
        workspace=workspace,
    )
    env = {
        **env,
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "layouts"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "IPYTHONDIR": str(base / "ipython"),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    log = artifacts / "jupyterlab.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            cmd, cwd=workspace, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    server = Lab(f"http://127.0.0.1:{port}", token, workspace, process, log, SOLUTIONS, lessons())
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited with {process.returncode}:\n{log.read_text()[-3000:]}", pytrace=False)
            try:
                server.api("/api/status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer in {SERVER_START_TIMEOUT} s:\n{log.read_text()[-3000:]}", pytrace=False)
                time.sleep(0.5)
        yield server
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def browser(chromium_path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Console:
    """Browser console errors and uncaught page errors, minus the offline allow-list."""

    errors: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)  # every message, for artifacts/console.log

    def attach(self, page) -> None:
        page.on("console", lambda m: self._add(m.type, m.text))
        page.on("pageerror", lambda e: self._add("error", f"uncaught: {e}"))

    def _add(self, kind: str, text: str) -> None:
        allowed = any(p.search(text) for p in CONSOLE_ALLOW)
        self.log.append(f"{kind}{' (allowed)' if kind == 'error' and allowed else ''}: {text}")
        if kind == "error" and not allowed:
            self.errors.append(text)


@pytest.fixture
def new_page(browser, lab, artifacts):
    """``new_page(name)``: a fresh page on a laptop-sized screen, its console recorded under ``name``."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    consoles = []

    def make(name: str):
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.console = Console()
        page.console.attach(page)
        consoles.append((name, page.console))
        return page

    try:
        yield make
    finally:
        with (artifacts / "console.log").open("a") as log:
            log.writelines(f"[{name}] {line}\n" for name, console in consoles for line in console.log)
        context.close()
        lab.shutdown_kernels()
