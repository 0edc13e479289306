"""Autograding a submission in a sandbox, with every verdict decided outside the student's kernel.

:class:`GradeInSandbox` replaces nbgrader's ``Execute`` step of ``autograde`` (see
``nbgrader_config.py``). For each submitted notebook it:

1. copies the submission's files (never a notebook: the autograded copy holds the hidden tests)
   into a fresh temporary folder outside ``course/``;
2. starts the student's kernel in a bubblewrap sandbox (:class:`Sandbox`): a new mount, PID,
   network, IPC and UTS namespace; the system, the venv and exprlib read-only; nothing of
   ``course/`` (no solutions, gradebook, submissions, exchange); a private ``/tmp``; no network;
   run as a user id of its own (no account, no capabilities) when grading as root (else in a user namespace);
   memory, process, file-size and CPU limits; the kernel talks to the grader over Unix sockets
   in a folder of its own, and its whole process tree dies with the sandbox;
3. runs the student's cells in that kernel as usual, but never sends it a test cell: the grader
   runs each test cell's source (nbgrader has just restored it from the gradebook) in its own
   process, with its own exprlib. Each name the test uses that the notebook defined is fetched
   from the kernel as plain data, or, for a function, as a handle whose calls go to the kernel
   with plain-data arguments and come back as plain data (JSON, never pickle:
   ``exprlib.checks._wire``). So expected values never exist in the kernel, and nothing the
   kernel does (input transformers, rebound checks, patched numpy, frame walks) reaches a verdict;
4. writes each test cell's output as its verdict line only ("✓ ..." or an error whose whole
   traceback is "✗ ..."), so feedback carries no hidden source, hidden print-out or traceback;
5. gives every test that did not run (the kernel died, or the submission ran out of time) an
   error output, hence 0 points, and records what happened in ``<notebook>.grading.json``
   beside the autograded notebook; the sandbox and its temporary folder are then removed.

The gradebook is written afterwards by nbgrader's ``SaveAutoGrades``, in the grader's process.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib
import io
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_notebook, new_output
from nbgrader.preprocessors import Execute
from traitlets import Enum, Integer

__all__ = ["GradeInSandbox", "Sandbox", "SandboxKernelManager", "problem", "REPORT_SUFFIX"]

BWRAP = "bwrap"
# Of /etc, only what programs need to start (the dynamic linker's cache, the time zone, fonts,
# user and host name look-ups): not the machine's configuration.
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "alternatives", "fonts",
             "nsswitch.conf", "passwd", "group", "hosts", "host.conf", "os-release", "mime.types")
# A root grader runs each kernel as a user id of its own from this range (no account has them):
# no rights on anyone's files, and process limits that other sandboxes graded at the same time
# do not share.
SANDBOX_UIDS = range(200_000, 300_000)
REPORT_SUFFIX = ".grading.json"
# Modules a test cell may take from the notebook's namespace by name (``np``): the grader imports
# its own copy. Everything else the test takes from the notebook is data, or a function that runs
# in the kernel.
TRUSTED_MODULES = ("numpy", "math", "torch", "exprlib", "itertools", "functools", "fractions", "statistics")
_VERDICT_NAMES = ("WrongAnswer", "ForbiddenError", "AssertionError")
STUDENT_MESSAGE_CHARS = 160  # an error message from the student's code, as quoted in a verdict

_problem_cache: dict[str, str | None] = {}


def problem() -> str | None:
    """Why the sandbox cannot run on this machine, or None when it can.

    Examples
    --------
    >>> problem() is None or "bubblewrap" in problem()
    True
    """
    if "result" not in _problem_cache:
        _problem_cache["result"] = _probe()
    return _problem_cache["result"]


def _probe() -> str | None:
    if sys.platform != "linux":
        return f"the grading sandbox needs Linux (bubblewrap), this is {sys.platform}"
    path = shutil.which(BWRAP)
    if path is None:
        return "bubblewrap is not installed (Debian/Ubuntu: sudo apt-get install bubblewrap)"
    with tempfile.TemporaryDirectory(prefix="exprlib-probe-") as tmp:
        sandbox = Sandbox(Path(tmp) / "work", Path(tmp) / "run")
        sandbox.prepare()
        try:
            run = subprocess.run(sandbox.wrap([sys.executable, "-c", "pass"]), capture_output=True, text=True,
                                 timeout=60)
        except (OSError, subprocess.TimeoutExpired) as err:
            return f"bubblewrap does not start here: {err}"
    if run.returncode != 0:
        return f"bubblewrap does not start here: {run.stderr.strip() or run.returncode}"
    return None


# ---------------------------------------------------------------------------------------------
# the sandbox
# ---------------------------------------------------------------------------------------------


@dataclass
class Limits:
    """Resource limits of one sandboxed kernel (each of its processes: RLIMIT_AS, _FSIZE, _CPU)."""

    memory_bytes: int = 6 * 2**30
    processes: int = 256  # threads count: the kernel and torch start a few dozen
    file_bytes: int = 512 * 2**20
    cpu_seconds: int = 3600
    open_files: int = 1024


class Sandbox:
    """The bubblewrap command line that confines one kernel.

    Parameters
    ----------
    workdir : Path
        The kernel's working folder (read-write), holding a copy of the submission's files.
    sockets : Path
        A folder (read-write) for the kernel's Unix sockets and connection file.
    limits : Limits, optional

    Examples
    --------
    >>> argv = Sandbox(Path("/tmp/w"), Path("/tmp/s")).wrap(["python", "-V"])
    >>> argv[0].endswith("bwrap"), "--unshare-net" in argv, argv[-2:]
    (True, True, ['python', '-V'])
    """

    def __init__(self, workdir: Path, sockets: Path, limits: Limits | None = None):
        self.workdir, self.sockets = Path(workdir), Path(sockets)
        self.limits = limits or Limits()
        self.as_root = os.geteuid() == 0
        self.uid = random.SystemRandom().choice(SANDBOX_UIDS) if self.as_root else os.getuid()
        self.home = self.sockets.parent / "home"

    def readonly_paths(self) -> list[Path]:
        """System folders and the Python install the kernel needs, read-only."""
        import exprlib

        paths = [Path("/usr"), Path(sys.prefix), Path(sys.base_prefix), Path(exprlib.__file__).resolve().parent]
        return _outermost(p.resolve() for p in paths)

    def exposed(self) -> list[Path]:
        """Every host path the kernel can read: the read-only folders and the few files of /etc."""
        return self.readonly_paths() + [Path("/etc") / name for name in ETC_FILES]

    def wrap(self, argv: Sequence[str]) -> list[str]:
        """``argv`` run inside the sandbox."""
        cmd = [shutil.which(BWRAP) or BWRAP, "--die-with-parent", "--new-session",
               "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
        if not self.as_root:
            cmd += ["--unshare-user", "--cap-drop", "ALL"]
        made: set[Path] = set()

        def parents(path: Path) -> list[str]:
            out = []
            for parent in reversed(path.parents):
                if parent != Path("/") and parent not in made:
                    made.add(parent)
                    out += ["--perms", "0755", "--dir", str(parent)]
            return out

        for link in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
            if Path(link).is_symlink():
                cmd += ["--symlink", os.readlink(link), link]
            elif Path(link).is_dir():
                cmd += ["--ro-bind", link, link]
        cmd += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp"]
        for path in self.readonly_paths():
            cmd += parents(path) + ["--ro-bind", str(path), str(path)]
            made.add(path)
        cmd += ["--perms", "0755", "--dir", "/etc"]
        for name in ETC_FILES:
            cmd += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
        for path in (self.workdir, self.sockets, self.home):
            cmd += parents(path) + ["--bind", str(path), str(path)]
            made.add(path)
        cmd += ["--chdir", str(self.workdir), "--clearenv"]
        for key, value in self.environment().items():
            cmd += ["--setenv", key, value]
        cmd.append("--")
        if self.as_root:  # drop to a user of its own: no rights on the grader's files, no capabilities
            cmd += [shutil.which("setpriv") or "setpriv", f"--reuid={self.uid}", f"--regid={self.uid}",
                    "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
        lim = self.limits
        nproc = lim.processes if self.as_root else _own_process_count() + lim.processes
        cmd += [shutil.which("prlimit") or "prlimit", f"--as={lim.memory_bytes}", f"--nproc={nproc}",
                f"--fsize={lim.file_bytes}", f"--cpu={lim.cpu_seconds}", f"--nofile={lim.open_files}",
                "--core=0", "--"]
        return cmd + list(argv)

    def environment(self) -> dict[str, str]:
        env = {
            "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.home),
            "USER": "student",  # the sandbox's user has no account: getpass.getuser() reads these
            "LOGNAME": "student",
            "LANG": "C.UTF-8",
            "MPLCONFIGDIR": str(self.home / "matplotlib"),
            "IPYTHONDIR": str(self.home / "ipython"),
            "JUPYTER_CONFIG_DIR": str(self.home / "jupyter"),
            "JUPYTER_DATA_DIR": str(self.home / "jupyter-data"),
            "JUPYTER_RUNTIME_DIR": str(self.sockets),
            "TMPDIR": "/tmp",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }
        for key in ("NBGRADER_EXECUTION", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "PYTHONHASHSEED"):
            if key in os.environ:
                env[key] = os.environ[key]
        return env

    def prepare(self) -> None:
        """Make the read-write folders, owned by the sandbox's user."""
        for folder in (self.workdir, self.sockets, self.home, self.home / "matplotlib"):
            folder.mkdir(parents=True, exist_ok=True)
        _warm_matplotlib_cache(self.home / "matplotlib")
        if self.as_root:
            for folder in (self.workdir, self.sockets, self.home):
                for path in [folder, *folder.rglob("*")]:
                    os.lchown(path, self.uid, self.uid)


def _outermost(paths: Iterator[Path]) -> list[Path]:
    unique = sorted(set(paths), key=lambda p: len(p.parts))
    kept: list[Path] = []
    for path in unique:
        if not any(path == k or k in path.parents for k in kept):
            kept.append(path)
    return kept


def _own_process_count() -> int:
    uid = os.getuid()
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                count += len(list((entry / "task").iterdir())) if entry.stat().st_uid == uid else 0
    return count


def _warm_matplotlib_cache(folder: Path) -> None:
    # matplotlib builds its font list on first import (seconds); the grader's own list is valid here.
    try:
        import matplotlib

        for cached in Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
            shutil.copy(cached, folder / cached.name)
    except Exception:  # noqa: BLE001 - only a speed-up
        pass


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager that starts its kernel inside a :class:`Sandbox` (set ``sandbox`` first)."""

    sandbox: Sandbox | None = None

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: object) -> None:
        if self.sandbox is not None:
            if self.sandbox.as_root:  # the connection file (0600, the grader's) must be readable inside
                os.chown(self.connection_file, self.sandbox.uid, self.sandbox.uid)
            kernel_cmd = self.sandbox.wrap(kernel_cmd)
            kw["env"] = {}  # bwrap --clearenv sets the kernel's environment
            # The kernel's own chatter ("Ctrl-C will not work", ...) is not the grader's business.
            kw["stdout"] = kw["stderr"] = subprocess.DEVNULL
        await super()._async_launch_kernel(kernel_cmd, **kw)

    async def _async_interrupt_kernel(self) -> None:
        # A signal would reach bwrap, not the kernel (which runs in its own session): ask politely.
        if self.sandbox is None or not self.has_kernel:
            return await super()._async_interrupt_kernel()
        msg = self.session.msg("interrupt_request", content={})
        self._connect_control_socket()
        self.session.send(self._control_socket, msg)

    interrupt_kernel = _async_interrupt_kernel  # AsyncKernelManager binds the base method by name


# ---------------------------------------------------------------------------------------------
# talking to the student's kernel
# ---------------------------------------------------------------------------------------------


class GradingStopped(BaseException):
    """The kernel died or the submission ran out of time: nothing more of it can be graded.

    A BaseException, so that no check's ``except Exception`` can take it for a wrong answer.
    """


class CallTimedOut(BaseException):
    """The student's code did not finish in the time a test has; the kernel was interrupted."""


class StudentNameError(NameError):
    """A name the test needs is not defined in the student's notebook."""


class UnreadableAnswer(TypeError):
    """The student's answer is an object that cannot travel as plain data."""


class RemoteFunction:
    """The student's function ``name``: calling it runs it in the student's kernel."""

    def __init__(self, bridge: "KernelBridge", name: str):
        self._bridge, self.__name__, self.__qualname__ = bridge, name, name

    def __repr__(self) -> str:
        return f"<your function {self.__name__}>"

    def __call__(self, *args: object, **kwargs: object) -> object:
        from exprlib.checks import _wire

        request = {"op": "call", "name": self.__name__, "args": _wire.encode(list(args)),
                   "kwargs": _wire.encode(kwargs), "forbid": _active_forbids()}
        reply = self._bridge.request(request)
        if "ok" in reply:
            try:
                return _wire.decode(reply["ok"], trusted=False)
            except _wire.WireError as err:
                raise UnreadableAnswer(f"{self.__name__} returned something the grader cannot read: {err}") from None
        if "unreadable" in reply:
            raise UnreadableAnswer(f"{self.__name__} returned a {reply.get('type', 'value')}, which the grader "
                                   f"cannot read: {reply['unreadable']}")
        if "raised" in reply:
            _reraise(reply["raised"], self.__name__)
        raise UnreadableAnswer(f"the grader could not call {self.__name__}: {reply.get('message', reply)}")


def _reraise(raised: dict, name: str) -> None:
    from exprlib.checks import ForbiddenError

    kind, message = str(raised.get("type", "Exception")), _short(str(raised.get("message", "")))
    if raised.get("forbidden"):
        raise ForbiddenError(message)
    if raised.get("in_exprlib") and kind == "ValueError" and "finite" in message:
        from exprlib.checks._core import _NAN_HINT

        message = f"{message}\n{_NAN_HINT}"
    cls = getattr(builtins, kind, None) if raised.get("builtin") else None
    if not (isinstance(cls, type) and issubclass(cls, Exception)) or issubclass(cls, AssertionError):
        # SystemExit, KeyboardInterrupt or the student's own class: an error all the same.
        err: Exception = RuntimeError(f"{kind}: {message}" if message else kind)
    else:
        try:
            err = cls(message) if message else cls()
        except Exception:  # noqa: BLE001 - an exception class with a special constructor
            err = RuntimeError(f"{kind}: {message}")
    err.exprlib_where = str(raised.get("where") or "")  # shown after the verdict
    # Raised from a frame outside exprlib, so the checks report it as the student's own error.
    exec(compile("raise err", f"<your function {name}>", "exec"), {"err": err})


def _short(message: str, limit: int = STUDENT_MESSAGE_CHARS) -> str:
    """The first line of a message from the student's code, cut to ``limit`` characters.

    It goes into feedback, and the student's code wrote it while a hidden test ran: keep it to a
    reminder of what went wrong, not a channel for the test's inputs.
    """
    lines = message.strip().splitlines()
    first = lines[0] if lines else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"


def _active_forbids() -> list[str]:
    """The exprlib functions a check has switched off right now (in this, the grader's, process)."""
    names = set()
    for key, module in list(sys.modules.items()):
        if key == "exprlib" or key.startswith("exprlib."):
            for value in list(vars(module).values()):
                dotted = getattr(value, "__exprlib_forbidden__", None) if callable(value) else None
                if isinstance(dotted, str):
                    names.add(dotted)
    return sorted(names)


class KernelBridge:
    """Requests from a test cell (running in the grader) to the student's kernel."""

    def __init__(self, client: "GradeInSandbox", cell_index: int, deadline: float):
        self.client, self.cell_index, self.deadline = client, cell_index, deadline

    def request(self, message: dict) -> dict:
        from exprlib.checks import _bridge, _wire

        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise GradingStopped(f"the notebook ran past its total time limit ({self.client.total_timeout} s)")
        # Each call of the student's code may take one cell's time limit, as a cell of theirs may.
        timeout = min(self.client.timeout, remaining) if self.client.timeout else remaining
        started = time.monotonic()
        code = f"import exprlib.checks._bridge as _exprlib_bridge\n_exprlib_bridge.serve({json.dumps(message)!r})"
        cell = new_code_cell(code)
        outputs = self.client.run_in_kernel(cell, self.cell_index, timeout=timeout)
        timed_out = any(o.get("output_type") == "error" and o.get("ename") == self.client.error_on_timeout.get("ename")
                        for o in outputs)
        if timed_out or time.monotonic() - started >= timeout:  # interrupted: its reply says KeyboardInterrupt
            raise CallTimedOut()
        for output in outputs:
            if output.get("output_type") == "display_data" and _bridge.MIME in output.get("data", {}):
                text = output["data"][_bridge.MIME]
                text = text if isinstance(text, str) else json.dumps(text)
                try:
                    reply = json.loads(text) if len(text) <= _wire.MAX_BYTES else None
                except ValueError:
                    reply = None
                if isinstance(reply, dict):
                    return reply
        errors = [f"{o.get('ename')}: {o.get('evalue')}" for o in outputs if o.get("output_type") == "error"]
        return {"error": "no reply", "message": "; ".join(errors) or "your kernel sent no answer"}

    def lookup(self, name: str) -> object:
        from exprlib.checks import _wire

        reply = self.request({"op": "lookup", "name": name})
        kind = reply.get("kind")
        if kind == "value":
            try:
                return _wire.decode(reply["value"], trusted=False)
            except _wire.WireError as err:
                raise UnreadableAnswer(f"{name} cannot be graded: {err}") from None
        if kind == "function":  # whatever the kernel says it is, it runs there
            return RemoteFunction(self, name)
        if kind == "module":
            module = str(reply.get("module", ""))
            if module.split(".")[0] in TRUSTED_MODULES:
                return importlib.import_module(module)
            raise StudentNameError(f"the test needs {name}, which your notebook binds to module {module}")
        if kind == "unreadable":
            raise UnreadableAnswer(f"{name} cannot be graded: {reply.get('message')}")
        if reply.get("error") not in (None, "NameError"):  # something in the kernel stopped the grader's request
            raise UnreadableAnswer(f"your notebook's kernel did not answer the grader's request for {name} "
                                   f"({reply.get('message') or reply.get('error')}): did your code change how cells run?")
        raise StudentNameError(f"name {name!r} is not defined: run the cell that defines it, and keep its name")


class _TestNamespace(dict):
    """A test cell's globals: the grader's exprlib.checks names, the rest fetched from the kernel."""

    def __init__(self, bridge: KernelBridge, trusted: dict):
        super().__init__(trusted)
        self._bridge = bridge

    def __missing__(self, name: str) -> object:
        if hasattr(builtins, name) or name.startswith("__"):
            raise KeyError(name)
        value = self._bridge.lookup(name)
        self[name] = value
        return value


def _trusted_globals() -> dict:
    import exprlib.checks as checks

    names = {name: getattr(checks, name) for name in checks.__all__}
    names.update({"__builtins__": builtins, "__name__": "__test__"})
    return names


# ---------------------------------------------------------------------------------------------
# the preprocessor
# ---------------------------------------------------------------------------------------------


def is_test_cell(cell: NotebookNode) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def _verdict_output(message: str, ename: str = "WrongAnswer") -> NotebookNode:
    message = " ".join(message.split()) if "\n" not in message.strip() else message.strip()
    return new_output("error", ename=ename, evalue=message, traceback=[f"✗ {message}"])


@contextlib.contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


class GradeInSandbox(Execute):
    """nbgrader's ``Execute`` step, sandboxed, with test cells judged in the grader (module docstring)."""

    sandbox = Enum(["bwrap", "none"], default_value="bwrap", help=(
        "'bwrap': run each submission's kernel in a bubblewrap sandbox (refuse to grade without it); "
        "'none': run it as the grader, unconfined (an explicit opt-out).")).tag(config=True)
    memory_limit = Integer(Limits.memory_bytes, help="Address-space limit of each sandboxed process, bytes.").tag(
        config=True)
    process_limit = Integer(Limits.processes, help="Processes and threads the sandboxed kernel may run.").tag(
        config=True)
    max_output_bytes = Integer(16 * 2**20, help="Output kept per cell, bytes (the rest is dropped).").tag(
        config=True)
    total_timeout = Integer(1800, help="Seconds one notebook may take in all; later cells are not run.").tag(
        config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        if self.sandbox == "bwrap" and (reason := problem()) is not None:
            raise RuntimeError(f"refusing to grade without the sandbox: {reason}. To grade unconfined anyway, "
                               "pass --unsandboxed (GradeInSandbox.sandbox = 'none').")
        started = time.monotonic()
        submission = Path(resources.get("metadata", {}).get("path") or ".").resolve()
        if self.sandbox == "bwrap":
            _refuse_if_exposed([submission, _course_root(self.config)])
        notebook_name = resources.get("unique_key") or resources.get("nbgrader", {}).get("notebook", "notebook")
        report = {"status": "complete", "reason": "", "not_run": [], "sandbox": self.sandbox, "seconds": 0.0}
        tests_dir = self._tests_dir(resources, submission)
        with tempfile.TemporaryDirectory(prefix="exprlib-grading-") as tmp:
            work, sockets = Path(tmp) / "work", Path(tmp) / "run"
            work.mkdir()
            _copy_submission_files(submission, work)
            self._sandbox = Sandbox(work, sockets, Limits(memory_bytes=self.memory_limit,
                                                          processes=self.process_limit,
                                                          cpu_seconds=self.total_timeout + 60))
            if self.sandbox == "bwrap":
                self._sandbox.prepare()
            else:
                sockets.mkdir()
            _reset_client(self, nb, resources, work)
            try:
                with self.setup_kernel():
                    self._run_cells(nb, report, started + self.total_timeout, tests_dir)
            except DeadKernelError as err:  # the kernel did not even start, or died at shutdown
                self._stop_all(nb, report, f"the kernel could not run: {err}")
            finally:
                self._kill_sandbox()
        report["seconds"] = round(time.monotonic() - started, 3)
        _write_report(submission / f"{notebook_name}{REPORT_SUFFIX}", report)
        resources.setdefault("exprlib_grading", {})[notebook_name] = report
        return nb, resources

    def _tests_dir(self, resources: dict, submission: Path) -> Path:
        """Where a test cell's relative paths point: the lesson's source folder (trusted files)."""
        assignment = resources.get("nbgrader", {}).get("assignment")
        source = _source_dir(self.config, assignment) if assignment else None
        return source or submission

    # -- kernel -------------------------------------------------------------------------------

    def create_kernel_manager(self):
        if self.sandbox == "bwrap":
            self.kernel_manager_class = SandboxKernelManager
        km = super().create_kernel_manager()
        if self.sandbox == "bwrap":
            km.sandbox = self._sandbox
            km.transport = "ipc"
            km.ip = str(self._sandbox.sockets / "kernel")
            km.connection_file = str(self._sandbox.sockets / "kernel.json")
        return km

    def _kill_sandbox(self) -> None:
        # Shutting the kernel down killed bwrap; its --die-with-parent then killed the sandbox's
        # PID 1 and with it every process inside. Make sure of the first step.
        km = getattr(self, "km", None)
        provisioner = getattr(km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        if process is not None and process.poll() is None:
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(Exception):
                process.wait(timeout=10)

    def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int) -> NotebookNode | None:
        # What a kernel sends is held in the grader's memory: cap it per cell. A reply to the grader
        # may be as large as an answer may (exprlib.checks._wire.MAX_BYTES); printing stops sooner.
        from exprlib.checks import _bridge, _wire

        content = msg.get("content", {})
        size = len(str(content.get("text", ""))) + sum(len(str(v)) for v in content.get("data", {}).values())
        self._cell_bytes = getattr(self, "_cell_bytes", 0) + size
        is_reply = _bridge.MIME in content.get("data", {})
        if self._cell_bytes > (_wire.MAX_BYTES if is_reply else self.max_output_bytes):
            if not getattr(self, "_cell_capped", False) and not is_reply:
                self._cell_capped = True
                outs.append(new_output("stream", name="stdout", text="[the grader kept only the first "
                                       f"{self.max_output_bytes // 2**20} MiB of this cell's output]\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)

    def run_in_kernel(self, cell: NotebookNode, index: int, *, timeout: float | None = None) -> list:
        """Execute one cell in the student's kernel and return its outputs."""
        saved_timeout, saved_nb = self.timeout, self.nb
        if timeout is not None:
            self.timeout = max(1, int(timeout + 0.999))
        # nbclient writes an executed cell back into self.nb at its index: give it a scratch notebook.
        self.nb = new_notebook(cells=[cell], metadata=saved_nb.metadata)
        self._cell_bytes, self._cell_capped = 0, False
        try:
            self.execute_cell(cell, 0, store_history=False)
        except CellTimeoutError as err:  # interrupted, and still not idle: it no longer answers
            raise GradingStopped(f"the kernel stopped answering (an interrupt did not stop it): {err}") from None
        finally:
            self.timeout, self.nb = saved_timeout, saved_nb
        return list(cell.get("outputs", []))

    # -- cells --------------------------------------------------------------------------------

    def _run_cells(self, nb: NotebookNode, report: dict, deadline: float, tests_dir: Path) -> None:
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if report["status"] != "complete":
                self._not_run(cell, report)
                continue
            if time.monotonic() > deadline:
                self._stop_all(nb, report, f"the notebook ran past its total time limit ({self.total_timeout} s)",
                               start=index)
                self._kill_sandbox()
                return
            try:
                if is_test_cell(cell):
                    self._judge(cell, index, tests_dir, deadline)
                else:
                    self._cell_bytes, self._cell_capped = 0, False
                    self.execute_cell(cell, index, store_history=True)
            except (DeadKernelError, GradingStopped, CellTimeoutError) as err:
                if isinstance(err, DeadKernelError):
                    reason = f"the kernel died while cell {index + 1} ran (os._exit, a crash, or running out of memory)"
                elif isinstance(err, CellTimeoutError):
                    reason = f"the kernel stopped answering in cell {index + 1} (an interrupt did not stop it)"
                else:
                    reason = str(err)
                self._stop_all(nb, report, reason, start=index)
                self._kill_sandbox()
                return

    def _not_run(self, cell: NotebookNode, report: dict) -> None:
        if is_test_cell(cell):
            cell.outputs = [_verdict_output(f"not graded: {report['reason']}, before this test ran.",
                                            ename="NotGraded")]
            report["not_run"].append(cell.metadata["nbgrader"].get("grade_id", "?"))
        else:
            cell.outputs = []

    def _stop_all(self, nb: NotebookNode, report: dict, reason: str, start: int = 0) -> None:
        report["status"], report["reason"] = "incomplete", reason
        for cell in nb.cells[start:]:
            if cell.cell_type == "code":
                self._not_run(cell, report)

    def _judge(self, cell: NotebookNode, index: int, tests_dir: Path, deadline: float) -> None:
        """Run a test cell's (trusted) source here, in the grader, against the student's kernel."""
        bridge = KernelBridge(self, index, deadline)
        namespace = _TestNamespace(bridge, _trusted_globals())
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", f"cell {index + 1}")
        printed = io.StringIO()
        outputs: list[NotebookNode]
        try:
            code = compile(cell.source, f"<test {grade_id}>", "exec")
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()), \
                    _working_directory(tests_dir):
                exec(code, namespace)  # noqa: S102 - the gradebook's test source, in the grader
        except CallTimedOut:
            outputs = [_verdict_output(f"your code did not finish within {self.timeout} s and was interrupted: look "
                                       "for a loop that never ends, or work that grows too fast.",
                                       ename="CellTimeoutError")]
        except GradingStopped:
            raise
        except BaseException as err:  # noqa: BLE001 - every other failure is this test's verdict
            outputs = [_failure_output(err)]
        else:
            verdicts = [line for line in printed.getvalue().splitlines() if line.startswith("✓")]
            text = "\n".join(dict.fromkeys(verdicts))  # each verdict once, in order
            outputs = [new_output("stream", name="stdout", text=text + "\n")] if text else []
        cell.outputs = outputs
        cell.execution_count = None


def _reset_client(client: GradeInSandbox, nb: NotebookNode, resources: dict, work: Path) -> None:
    """Reset nbclient's state for this notebook, with the kernel's working folder ``work``."""
    from nbclient import NotebookClient

    NotebookClient.__init__(client, nb, None)
    client.resources = {**resources, "metadata": {**resources.get("metadata", {}), "path": str(work)}}
    client.reset_execution_trackers()


def _failure_output(err: BaseException) -> NotebookNode:
    name = type(err).__name__
    message = str(err).strip()
    if isinstance(err, AssertionError):  # WrongAnswer and ForbiddenError are AssertionErrors
        return _verdict_output(message or "a check in this test failed.",
                               ename=name if name in _VERDICT_NAMES else "AssertionError")
    where = getattr(err, "exprlib_where", "")
    if isinstance(err, NotImplementedError) and not message:
        message = "your function is not written yet (it still raises NotImplementedError)."
    elif isinstance(err, (KeyboardInterrupt, SystemExit)):
        message = f"{name}: your code stopped the test."
    else:
        message = f"{name}: {message}" if message and not message.startswith(f"{name}:") else (message or name)
        message += f" (raised by your code: {where})" if where else ""
    return _verdict_output(message, ename=name)


def _course_root(config) -> Path | None:
    try:
        from nbgrader.coursedir import CourseDirectory

        return Path(CourseDirectory(config=config).root).resolve()
    except Exception:  # noqa: BLE001
        return None


def _refuse_if_exposed(paths: Sequence[Path | None]) -> None:
    """The sandbox shows /usr, the venv and exprlib read-only: the course must not live in them."""
    exposed = Sandbox(Path("/nonexistent"), Path("/nonexistent/run")).exposed()
    for path in filter(None, paths):
        for shown in exposed:
            if path == shown or shown in path.parents:
                raise RuntimeError(f"refusing to grade: {path} is inside {shown}, which every sandboxed kernel can "
                                   "read; move the course folder out of it")


def _copy_submission_files(submission: Path, work: Path) -> None:
    """The submission's own files (data, helpers), never a notebook or a grading report."""
    if not submission.is_dir():
        return
    for path in submission.rglob("*"):
        rel = path.relative_to(submission)
        if path.is_symlink() or path.suffix == ".ipynb" or path.name.endswith(REPORT_SUFFIX) or \
                any(part.startswith(".ipynb_checkpoints") for part in rel.parts):
            continue
        target = work / rel
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif stat.S_ISREG(path.lstat().st_mode):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def _write_report(path: Path, report: dict) -> None:
    with contextlib.suppress(OSError):
        path.write_text(json.dumps(report, indent=1) + "\n")


def _source_dir(config, assignment: str) -> Path | None:
    try:
        from nbgrader.coursedir import CourseDirectory

        coursedir = CourseDirectory(config=config)
        path = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
        return path if path.is_dir() else None
    except Exception:  # noqa: BLE001
        return None
