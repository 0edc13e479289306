"""The shared core of the lesson checks: verdicts, generic checks, hints, ``forbid`` and ``reference``.

Every check raises :class:`WrongAnswer` (an ``AssertionError``) on a wrong answer, with a
message that says what is wrong (too high or too low, the wrong shape or type, the likely
mistake) but never prints the expected number or the reference value; a right answer prints one
short encouraging line. :func:`student_check` makes a check's failures read as verdicts.

Hidden tests must not trust anything the student's notebook can rebind. The design:

- :func:`reference` loads a *fresh private copy* of exprlib straight from the package's files
  (under a new private module name each call, not via the ``exprlib`` entries in
  ``sys.modules``). After ``exprlib.regions.activation_pattern = lambda *a: 0`` or
  ``exprlib.checks.check_integer = lambda *a: None`` in the notebook, a hidden test that calls
  ``reference().checks.check_integer(...)`` still grades against the untouched code.
- Every check computes its reference values from such a private copy too (via :func:`_lib`:
  the copy it belongs to, or one loaded once for the public package), so a visible check is
  not fooled either, and keeps working while :func:`forbid` has switched the public function off.
- ``exprlib.checks.reference`` itself cannot be rebound or deleted (the package's class
  refuses), since it is the one name hidden tests take from the public package.
- :func:`forbid` switches an exprlib function off (with its re-exports and the notebook's
  aliases) while a student's re-implementation is graded, and restores everything after.

This guards against the obvious tricks, not a determined attacker: code in the same kernel can
always replace ``sys.modules`` entries, ``importlib`` or numpy itself. Every module of exprlib,
this package included, must use relative imports (``from ..nets import as_numpy``,
``from ._core import check_integer``) so that a private copy stays private.

Examples
--------
>>> check_integer(7, 7, name="regions")
✓ regions is right.
>>> reference().bounds.zaslavsky(2, 3)
7
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.machinery
import importlib.util
import itertools
import math
import os
import sys
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from torch import nn

__all__ = [
    "ForbiddenError",
    "WrongAnswer",
    "check_array",
    "check_function_on_nets",
    "check_integer",
    "check_interpolates",
    "check_piecewise_linear",
    "forbid",
    "random_nets",
    "reference",
    "student_check",
]

# The folder holding exprlib's files (this module lives in exprlib/checks/), fixed at first import.
_PACKAGE_DIR = str(Path(__file__).resolve().parent.parent)
_CHECKS_DIR = str(Path(__file__).resolve().parent)
_PUBLIC_PACKAGE = "exprlib"
_PRIVATE_PREFIX = "_exprlib_reference_"
_private_ids = itertools.count(1)
_own_reference: types.ModuleType | None = None

# Floating-point comparisons of student answers with the reference. Both sides are float64
# sums of a few hundred products at most, so agreement to ~1e-9 relative is "the same number";
# anything looser would accept float32 work or wrong constants.
_RTOL = 1e-9
_ATOL = 1e-12
# A second difference f(x-h) - 2 f(x) + f(x+h) of an affine piece is rounding noise, a few eps
# times the magnitudes involved; 1e-8 of them leaves a wide margin and still sees any real kink
# whose slope change is more than ~1e-8 of the function's scale per sample step.
_KINK_RTOL = 1e-8


# ---------------------------------------------------------------------------------------------
# Independent references
# ---------------------------------------------------------------------------------------------


def reference() -> types.ModuleType:
    """A freshly loaded private copy of exprlib, untouched by anything the notebook did.

    Submodules load on first access (``ref.regions``, ``ref.bounds``, ``ref.checks``), from
    the same files as ``exprlib`` but as new module objects under a new private name, so
    rebinding a function in ``exprlib`` (or in an earlier copy) changes nothing here.

    Returns
    -------
    types.ModuleType
        A package whose attributes are exprlib's submodules.

    Examples
    --------
    >>> ref = reference()
    >>> ref.bounds.zaslavsky(2, 3)
    7
    >>> ref.nets is reference().nets, ref.regions.as_numpy is ref.nets.as_numpy
    (False, True)
    """
    name = f"{_PRIVATE_PREFIX}{next(_private_ids)}"
    spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
    spec.submodule_search_locations = [_PACKAGE_DIR]
    package = importlib.util.module_from_spec(spec)

    def __getattr__(attr: str) -> types.ModuleType:
        # Import submodules on demand, so a copy costs only what a test uses (PEP 562).
        if attr.startswith("__"):
            raise AttributeError(attr)
        try:
            return importlib.import_module(f"{name}.{attr}")
        except ModuleNotFoundError as err:
            if err.name == f"{name}.{attr}":
                raise AttributeError(f"exprlib has no module {attr!r}") from None
            raise

    package.__getattr__ = __getattr__
    package.__doc__ = f"A private copy of exprlib loaded from {_PACKAGE_DIR}."
    # Relative imports inside the copy (`from ..nets import ...`) find their parent here.
    sys.modules[name] = package
    return package


def _lib(module: str) -> types.ModuleType:
    """The exprlib module ``module`` that checks grade against: never the student's copy."""
    global _own_reference
    top = __package__.partition(".")[0]  # "exprlib", or the private copy this module belongs to
    if top.startswith(_PRIVATE_PREFIX):
        return importlib.import_module(f"{top}.{module}")
    if _own_reference is None:
        _own_reference = reference()
    return getattr(_own_reference, module)



# ---------------------------------------------------------------------------------------------
# Verdicts: what a student sees when a check fails
# ---------------------------------------------------------------------------------------------


class WrongAnswer(AssertionError):
    """A check's verdict on a wrong answer: an ``AssertionError`` whose message is all a student needs.

    IPython (JupyterLab, and the kernel nbgrader grades in) shows an exception through its
    ``_render_traceback_`` method when it has one: here the message comes first, then one line
    naming the cell whose check failed, and no frame of exprlib (no checker code, no hint
    tables). Anywhere else it is an ordinary ``AssertionError``, so graders and tests see a failure.

    Examples
    --------
    >>> err = WrongAnswer("n = 9 is too high.")
    >>> isinstance(err, AssertionError), "✗ n = 9 is too high." in err._render_traceback_()[0]
    (True, True)
    """

    def _render_traceback_(self) -> list[str]:
        return _verdict_lines(self)


WrongAnswer.__module__ = __package__  # shown as exprlib.checks.WrongAnswer, where students import it

# The message in red, like IPython's own error lines; JupyterLab and nbconvert render ANSI colour.
_RED, _RESET = "\x1b[31m", "\x1b[0m"
# The hint added to a NaN/inf error that exprlib raised while the student's code ran.
_NAN_HINT = (
    "Hint: your code made a NaN (0/0, or inf - inf) before handing it to exprlib. Look for a division "
    "whose denominator can be 0, e.g. from a sign test with <= or >= where < or > is meant."
)


def _in_exprlib(frame: types.FrameType) -> bool:
    """Whether a frame runs exprlib's code (the public package or a private copy: same files)."""
    return frame.f_code.co_filename.startswith(_PACKAGE_DIR + os.sep)


def _cell_name(frame: types.FrameType) -> str | None:
    """IPython's name for a frame's notebook cell ("Cell In[7], line 3"), None outside a cell."""
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    try:
        name = shell.compile.format_code_name(frame.f_code.co_filename) if shell else None
    except Exception:  # an unusual shell: the verdict itself still shows
        name = None
    return f"{name[0]} {name[1]}" if name else None


def _tb_entries(tb: types.TracebackType | None) -> list[types.TracebackType]:
    entries = []
    while tb is not None:
        entries.append(tb)
        tb = tb.tb_next
    return entries


def _verdict_lines(err: BaseException) -> list[str]:
    """The verdict first, then where: the check's cell and, if the student's code raised it, that line."""
    lines = [f"{_RED}✗ {err}{_RESET}"]
    entries = _tb_entries(err.__traceback__)
    cells = [(tb, _cell_name(tb.tb_frame)) for tb in entries]
    cells = [(tb, name) for tb, name in cells if name]
    if cells:
        tb, name = cells[0]
        lines.append(f"({type(err).__name__} from the check in {name}, line {tb.tb_lineno})")
        # A cell frame run from inside a check is the student's code, e.g. calling a forbidden function.
        first_check = next((i for i, e in enumerate(entries) if _in_exprlib(e.tb_frame)), None)
        inner = [(tb, n) for tb, n in cells if first_check is not None and entries.index(tb) > first_check]
        if inner:
            tb, name = inner[-1]
            lines.append(f"(raised while your code ran: {name}, line {tb.tb_lineno}, in {tb.tb_frame.f_code.co_name})")
    return lines


def _only(entries: list[types.TracebackType], keep: list[int]) -> types.TracebackType:
    """A new traceback chain of the entries at the positions ``keep``, in order."""
    chain = None
    for i in reversed(keep):
        chain = types.TracebackType(chain, entries[i].tb_frame, entries[i].tb_lasti, entries[i].tb_lineno)
    return chain


def student_check(fn: Callable | None = None, *, nan_hint: str = _NAN_HINT) -> Callable:
    """Decorate a public check: its failures read as verdicts, the student's own errors as theirs.

    - An ``AssertionError`` raised by exprlib's code becomes a :class:`WrongAnswer` (shown as the
      message first in IPython, see there).
    - An error raised while the student's code ran keeps the student's frames and loses exprlib's
      (the check's, which say nothing to a student, and those of any exprlib function the
      student called, whose error message stays); a NaN or inf that the student's code handed
      to exprlib gets ``nan_hint`` on a second line of the message.
    - A ``ValueError`` or ``TypeError`` raised by exprlib's library (not by the checks) on data
      the student returned becomes a :class:`WrongAnswer` with the library's reason.

    Parameters
    ----------
    fn : callable
        The check.
    nan_hint : str
        Added to a "must be finite" error raised by exprlib while the student's code ran.

    Returns
    -------
    callable
        The check, wrapped; ``__wrapped__`` is the original.

    Examples
    --------
    >>> @student_check
    ... def check_positive(answer):
    ...     if answer <= 0:
    ...         raise WrongAnswer(f"answer = {answer} should be positive.")
    >>> check_positive(-1)
    Traceback (most recent call last):
    ...
    exprlib.checks.WrongAnswer: answer = -1 should be positive.
    """
    if fn is None:
        return functools.partial(student_check, nan_hint=nan_hint)

    @functools.wraps(fn)
    def check(*args: object, **kwargs: object) -> object:
        __tracebackhide__ = True  # IPython and pytest leave this frame out of tracebacks
        try:
            return fn(*args, **kwargs)
        except WrongAnswer:
            raise
        except Exception as err:
            entries = _tb_entries(err.__traceback__)[1:]  # [0] is this frame
            student = [i for i, tb in enumerate(entries) if not _in_exprlib(tb.tb_frame)]
            if not student:  # raised by exprlib itself
                if isinstance(err, AssertionError):
                    raise WrongAnswer(str(err)).with_traceback(err.__traceback__) from None
                innermost = entries[-1].tb_frame.f_code.co_filename if entries else ""
                if isinstance(err, (ValueError, TypeError)) and not innermost.startswith(_CHECKS_DIR + os.sep):
                    raise WrongAnswer(f"exprlib cannot use what your code returned: {err}").with_traceback(
                        err.__traceback__) from None
                raise
            if isinstance(err, ValueError) and "finite" in str(err) and _in_exprlib(entries[-1].tb_frame):
                # In the message itself, not a note: nbgrader's feedback shows only "ValueError: message".
                err.args = (f"{err}\n{nan_hint}",)
            # Only the student's frames; this frame's own entry (hidden) comes back on the way out.
            raise err.with_traceback(_only(entries, student))

    check._student_check = True
    return check


# ---------------------------------------------------------------------------------------------
# Switching exprlib functions off while a re-implementation is graded
# ---------------------------------------------------------------------------------------------


class ForbiddenError(WrongAnswer):
    """Raised when graded code calls an exprlib function that :func:`forbid` switched off."""


ForbiddenError.__module__ = __package__  # shown as exprlib.checks.ForbiddenError, where students import it


@contextlib.contextmanager
def forbid(*names: str, namespace: dict | None = None) -> Iterator[None]:
    """Switch exprlib functions off while the block runs, then restore every binding.

    Each named function is replaced by a stub that raises :class:`ForbiddenError`: as the
    module attribute, wherever another loaded ``exprlib`` module re-exports the same object,
    and under any name in ``namespace`` (pass the notebook's ``globals()``) bound to it.

    Parameters
    ----------
    *names : str
        Dotted names such as ``"exprlib.regions.activation_pattern"``.
    namespace : dict, optional
        A namespace whose aliases of the functions are switched off too.

    Raises
    ------
    TypeError
        If a name is not a str, the target is not callable, or ``namespace`` is not a dict.
    ValueError
        If a name is not inside exprlib or does not exist.

    Examples
    --------
    >>> import exprlib.regions
    >>> with forbid("exprlib.regions.activation_pattern"):
    ...     exprlib.regions.activation_pattern(None, [0.0])
    Traceback (most recent call last):
    ...
    exprlib.checks.ForbiddenError: exprlib.regions.activation_pattern is switched off while grading: this exercise asks you to implement it yourself, so exprlib's version is not available here.
    >>> exprlib.regions.activation_pattern.__name__
    'activation_pattern'
    """
    if namespace is not None and not isinstance(namespace, dict):
        raise TypeError(f"namespace must be a dict such as globals(), got {type(namespace).__name__}")
    targets = [_resolve_forbidden(name) for name in names]
    saved: list[tuple[object, str, object]] = []  # (module or dict, key, original object)
    try:
        for dotted, original in targets:
            stub = _switched_off(original, dotted)
            for module in [m for key, m in list(sys.modules.items()) if _is_public(key)]:
                for key, value in list(vars(module).items()):
                    if value is original:
                        saved.append((module, key, original))
                        setattr(module, key, stub)
            for key, value in list((namespace or {}).items()):
                if value is original:
                    saved.append((namespace, key, original))
                    namespace[key] = stub
        yield
    finally:
        for container, key, original in reversed(saved):
            if isinstance(container, dict):
                container[key] = original
            else:
                setattr(container, key, original)


def _is_public(module_name: str) -> bool:
    return module_name == _PUBLIC_PACKAGE or module_name.startswith(_PUBLIC_PACKAGE + ".")


def _resolve_forbidden(dotted: object) -> tuple[str, Callable]:
    """The function a dotted exprlib name refers to, with clear errors."""
    if not isinstance(dotted, str):
        raise TypeError(f"names must be dotted strings such as 'exprlib.regions.activation_pattern', got {dotted!r}")
    module_name, _, attr = dotted.rpartition(".")
    # Only exprlib: the checks themselves run on numpy and torch, which must stay usable.
    if not _is_public(module_name):
        raise ValueError(f"forbid switches off exprlib functions only, got {dotted!r}")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        raise ValueError(f"{dotted!r} names no function: there is no module {module_name!r}") from None
    if not hasattr(module, attr):
        raise ValueError(f"{dotted!r} names no function: {module_name} has no attribute {attr!r}")
    original = getattr(module, attr)
    if not callable(original):
        raise TypeError(f"{dotted!r} must name a function, got a {type(original).__name__}")
    return dotted, original


def _switched_off(original: Callable, dotted: str) -> Callable:
    @functools.wraps(original)
    def switched_off(*args: object, **kwargs: object) -> None:
        raise ForbiddenError(
            f"{dotted} is switched off while grading: this exercise asks you to implement it "
            "yourself, so exprlib's version is not available here."
        )

    del switched_off.__wrapped__  # wraps() keeps the name and docstring, not a way around the stub
    # The grader reads this to switch the same function off in the student's kernel (_bridge).
    switched_off.__exprlib_forbidden__ = dotted
    return switched_off


# ---------------------------------------------------------------------------------------------
# Generic building blocks
# ---------------------------------------------------------------------------------------------


def _passed(message: str) -> None:
    print(f"✓ {message}")


@student_check
def check_integer(
    answer: object,
    expected: int,
    *,
    name: str,
    hints: Mapping[int, str] | None = None,
    too_low: str = "",
    too_high: str = "",
    praise: str = "",
) -> None:
    """Check a whole-number answer, saying "too high" or "too low" but never the right value.

    Parameters
    ----------
    answer : object
        The student's answer; an int, or a float with an integral value.
    expected : int
        The right value (never shown).
    name : str
        How the message refers to the answer, e.g. the variable's name.
    hints : mapping of int to str, optional
        Messages for known wrong values, e.g. ``{expected - 1: "regions = breakpoints + 1"}``.
    too_low, too_high : str
        Extra advice when the answer is below or above the right value.
    praise : str
        Appended to the pass line.

    Raises
    ------
    AssertionError
        If the answer is not a whole number or is not ``expected``.

    Examples
    --------
    >>> check_integer(7, 7, name="n", praise="Well done.")
    ✓ n is right. Well done.
    >>> check_integer(9, 7, name="n")
    Traceback (most recent call last):
    ...
    exprlib.checks.WrongAnswer: n = 9 is too high.
    """
    if answer is None:
        raise WrongAnswer(f"{name} is still None: replace None with your answer (a whole number).")
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (int, float, np.integer, np.floating)):
        raise WrongAnswer(f"{name} should be a whole number (an int), got {type(answer).__name__} {answer!r}.")
    if isinstance(answer, (float, np.floating)):
        if not (np.isfinite(answer) and float(answer).is_integer()):
            raise WrongAnswer(f"{name} should be a whole number (a count), got {answer!r}.")
    answer = int(answer)
    if answer != expected:
        if hints and answer in hints:
            raise WrongAnswer(f"{name} = {answer} is not right: {hints[answer]}")
        direction, advice = ("too low", too_low) if answer < expected else ("too high", too_high)
        raise WrongAnswer(f"{name} = {answer} is {direction}." + (f" {advice}" if advice else ""))
    _passed(f"{name} is right." + (f" {praise}" if praise else ""))


@student_check
def check_array(
    answer: object,
    *,
    name: str,
    shape: tuple[int | None, ...] | None = None,
    dtype: type | np.dtype | None = None,
    shape_hints: Mapping[tuple[int, ...], str] | None = None,
) -> np.ndarray:
    """Check that an answer is a numpy array of the right shape and dtype; return it.

    Parameters
    ----------
    answer : object
        The student's answer.
    name : str
        How the message refers to it.
    shape : tuple of int or None, optional
        Required shape; ``None`` entries match any length.
    dtype : numpy dtype, optional
        Required dtype (exact).
    shape_hints : mapping of shape to str, optional
        Advice for known wrong shapes (e.g. the transpose).

    Returns
    -------
    numpy.ndarray
        ``answer`` as a plain ndarray (a subclass cannot bring its own ``==``).

    Raises
    ------
    AssertionError
        If the answer is not an ndarray, has the wrong shape or dtype, or holds NaN.

    Examples
    --------
    >>> check_array(np.zeros((2, 3)), name="h", shape=(None, 3)).shape
    (2, 3)
    >>> check_array([1, 2], name="h")
    Traceback (most recent call last):
    ...
    exprlib.checks.WrongAnswer: h should be a numpy array, got a list: wrap it with np.asarray(...).
    """
    if not isinstance(answer, np.ndarray):
        kind = type(answer).__name__
        if kind == "Tensor":
            raise WrongAnswer(f"{name} should be a numpy array, got a torch Tensor: convert it with .detach().numpy().")
        if answer is None:
            raise WrongAnswer(f"{name} is None: did you forget to return the result?")
        advice = ": wrap it with np.asarray(...)" if isinstance(answer, (list, tuple)) else ""
        raise WrongAnswer(f"{name} should be a numpy array, got a {kind}{advice}.")
    if shape is not None:
        fits = answer.ndim == len(shape) and all(s is None or s == a for s, a in zip(shape, answer.shape))
        if not fits:
            hint = (shape_hints or {}).get(answer.shape)
            wanted = "(" + ", ".join("n" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
            raise WrongAnswer(
                f"{name} should have shape {wanted}, got {answer.shape}." + (f" {hint}" if hint else "")
            )
    if dtype is not None and answer.dtype != np.dtype(dtype):
        want = np.dtype(dtype).name
        raise WrongAnswer(f"{name} should have dtype {want}, got {answer.dtype.name}: use .astype(np.{want}).")
    if answer.dtype.kind in "fc" and np.isnan(answer).any():
        raise WrongAnswer(f"{name} contains NaN: look for 0/0 or an uninitialised array (np.empty).")
    return np.asarray(answer)


def random_nets(
    n_nets: int,
    *,
    in_dims: Sequence[int] = (1, 2, 3),
    depths: Sequence[int] = (1, 2, 3),
    max_width: int = 5,
    sigma_bs: Sequence[float] = (0.0, 0.5),
    activation: str = "relu",
    seed: int,
) -> list[nn.Sequential]:
    """Small random float64 networks for checking a function against a reference.

    Net ``i`` has input dimension ``in_dims[i % len]``, depth ``depths[i % len]``, widths drawn
    from 1..``max_width`` and bias scale ``sigma_bs[i % len]`` (0 puts every pre-activation
    exactly at 0 at the origin, where strict and non-strict comparisons differ).

    Parameters
    ----------
    n_nets : int
        How many networks.
    in_dims, depths : sequence of int
        Cycled over.
    max_width : int
        Widths are uniform on 1..max_width.
    sigma_bs : sequence of float
        Bias scales, cycled over.
    activation : {"relu", "hardtanh"}
    seed : int
        The same seed gives the same networks.

    Returns
    -------
    list of torch.nn.Sequential

    Examples
    --------
    >>> nets = random_nets(3, depths=(2,), seed=0)
    >>> [len(net) for net in nets], nets[0][0].in_features
    ([5, 5, 5], 1)
    """
    rng = np.random.default_rng(seed)
    random_mlp = _lib("nets").random_mlp
    nets = []
    for i in range(n_nets):
        widths = [int(w) for w in rng.integers(1, max_width + 1, size=depths[i % len(depths)])]
        nets.append(
            random_mlp(
                in_dims[i % len(in_dims)],
                widths,
                activation=activation,
                sigma_b=sigma_bs[i % len(sigma_bs)],
                seed=int(rng.integers(2**31)),
            )
        )
    return nets


def _describe(net: nn.Module) -> str:
    mlp = _lib("nets").as_numpy(net)
    inputs = f"{mlp.in_dim} input" + "s" * (mlp.in_dim != 1)
    return f"a net with {inputs} and hidden widths {list(mlp.widths)}"


@student_check
def check_function_on_nets(
    fn: Callable,
    reference_fn: Callable,
    cases: Sequence[tuple[nn.Module, np.ndarray]],
    *,
    name: str,
    mistakes: Sequence[tuple[str, Callable]] = (),
    shape_hints: Callable[[nn.Module, np.ndarray], Mapping[tuple[int, ...], str]] | None = None,
    locate: Callable[[nn.Module, np.ndarray, np.ndarray], str] | None = None,
    exact: bool = True,
    praise: str = "",
) -> None:
    """Check ``fn(net, x)`` against ``reference_fn(net, x)`` on many (net, points) cases.

    On a mismatch the message names the case (the net's sizes, never the expected values) and,
    when the answer equals a known mistaken variant, that mistake's hint.

    Parameters
    ----------
    fn, reference_fn : callable
        ``f(net, x) -> ndarray``; ``fn`` gets a copy of ``x``.
    cases : sequence of (net, x)
        Networks and input points (n, d).
    name : str
        How messages refer to ``fn``.
    mistakes : sequence of (hint, variant)
        ``variant(net, x)`` computes a likely wrong answer; checked in order.
    shape_hints : callable, optional
        ``shape_hints(net, x)`` maps wrong shapes to advice.
    locate : callable, optional
        ``locate(net, answer, expected)`` says where they differ without giving values.
    exact : bool
        Compare exactly (integers, patterns) or to a float64 tolerance.
    praise : str
        Appended to the pass line.

    Raises
    ------
    AssertionError
        On the first case where ``fn`` disagrees.

    Examples
    --------
    >>> ref = lambda net, x: x.sum(axis=1)
    >>> cases = [(net, np.eye(2)) for net in random_nets(2, in_dims=(2,), seed=0)]
    >>> check_function_on_nets(lambda net, x: x.sum(axis=1), ref, cases, name="f")
    ✓ f agrees with exprlib on 2 networks.
    >>> check_function_on_nets(lambda net, x: 2 * x.sum(axis=1), ref, cases, name="f")
    Traceback (most recent call last):
    ...
    exprlib.checks.WrongAnswer: f is wrong on a net with 2 inputs and hidden widths [5]: it differs at 2 of 2 points.
    """
    if not callable(fn):
        raise WrongAnswer(f"{name} should be a function, got a {type(fn).__name__}.")
    for net, x in cases:
        expected = np.asarray(reference_fn(net, x))
        answer = check_array(
            fn(net, x.copy()),
            name=f"{name}(net, x)",
            shape=expected.shape,
            dtype=expected.dtype if exact else None,
            shape_hints=shape_hints(net, x) if shape_hints else None,
        )
        same = _same(answer, expected, exact)
        if same.all():
            continue
        for hint, variant in mistakes:
            if _same(answer, np.asarray(variant(net, x)), exact).all():
                raise WrongAnswer(f"{name} is wrong on {_describe(net)}: {hint}")
        bad_points = ~same.reshape(len(x), -1).all(axis=1)
        where = f" {locate(net, answer, expected)}" if locate else ""
        raise WrongAnswer(
            f"{name} is wrong on {_describe(net)}: it differs at {int(bad_points.sum())} of {len(x)} points.{where}"
        )
    _passed(f"{name} agrees with exprlib on {len(cases)} networks." + (f" {praise}" if praise else ""))


def _same(answer: np.ndarray, expected: np.ndarray, exact: bool) -> np.ndarray:
    if answer.shape != expected.shape:
        return np.zeros(expected.shape, dtype=bool)
    if exact:
        return answer == expected
    return np.isclose(answer, expected, rtol=_RTOL, atol=_ATOL)


def _as_function_1d(f: object, name: str) -> Callable[[np.ndarray], np.ndarray]:
    """A 1-D network (1 input, 1 output) or a vectorised function, as x (n,) -> y (n,)."""
    if isinstance(f, nn.Module):
        mlp = _lib("nets").as_numpy(f)
        if mlp.in_dim != 1 or mlp.out_dim != 1:
            raise WrongAnswer(f"{name} should have 1 input and 1 output, got {mlp.in_dim} and {mlp.out_dim}.")
        return lambda x: mlp.forward(x[:, None])[:, 0]
    if not callable(f):
        raise WrongAnswer(f"{name} should be a network or a function, got a {type(f).__name__}.")

    def vectorised(x: np.ndarray) -> np.ndarray:
        y = f(x.copy())
        if hasattr(y, "detach"):  # a torch tensor
            y = y.detach().numpy()
        y = np.asarray(y, dtype=np.float64)
        if y.shape == (len(x), 1):
            y = y[:, 0]
        return check_array(y, name=f"{name}(x)", shape=(len(x),))

    return vectorised


@student_check
def check_interpolates(f: object, xs: np.ndarray, ys: np.ndarray, *, name: str) -> None:
    """Check that a 1-D function (or 1-in/1-out network) passes through the points (x_i, y_i).

    Parameters
    ----------
    f : callable or torch.nn.Sequential
        Called on the (n,) array ``xs``; a network is evaluated at ``xs[:, None]``.
    xs, ys : (n,) array_like
        The points.
    name : str
        How messages refer to ``f``.

    Raises
    ------
    AssertionError
        If ``f(x_i) != y_i`` (to float64 rounding) at some point; the message names the x_i.

    Examples
    --------
    >>> check_interpolates(np.abs, [-1.0, 0.0, 2.0], [1.0, 0.0, 2.0], name="f")
    ✓ f passes through all 3 points.
    >>> check_interpolates(np.abs, [-1.0, 0.0, 2.0], [1.0, 0.5, 2.0], name="f")
    Traceback (most recent call last):
    ...
    exprlib.checks.WrongAnswer: f misses 1 of 3 points: it is too low at x = 0.0.
    """
    xs = np.asarray(xs, dtype=np.float64).reshape(-1)
    ys = np.asarray(ys, dtype=np.float64).reshape(-1)
    if xs.shape != ys.shape:
        raise ValueError(f"xs and ys must have the same length, got {xs.shape} and {ys.shape}")
    values = _as_function_1d(f, name)(xs)
    close = np.isclose(values, ys, rtol=_RTOL, atol=_ATOL * max(1.0, float(np.abs(ys).max(initial=0.0))))
    if not close.all():
        first = int(np.flatnonzero(~close)[0])
        direction = "too low" if values[first] < ys[first] else "too high"
        raise WrongAnswer(
            f"{name} misses {int((~close).sum())} of {len(xs)} points: it is {direction} at x = {float(xs[first])!r}."
        )
    _passed(f"{name} passes through all {len(xs)} points.")


@student_check
def check_piecewise_linear(
    f: object,
    *,
    lo: float,
    hi: float,
    max_pieces: int,
    name: str,
    n_samples: int = 4001,
) -> None:
    """Check on a fine grid that a 1-D function is piecewise linear with at most ``max_pieces`` pieces.

    On evenly spaced samples, the second difference f(x-h) - 2 f(x) + f(x+h) vanishes wherever
    [x-h, x+h] holds no kink, and each kink makes at most two of them non-zero; so k pieces
    give at most 2(k - 1) non-zero second differences. A curved function fails everywhere.
    Sampling can miss kinks closer together than the grid step, never invent them.

    Parameters
    ----------
    f : callable or torch.nn.Sequential
        A vectorised function of an (n,) array, or a 1-in/1-out network.
    lo, hi : float
        The interval, lo < hi.
    max_pieces : int
        The most linear pieces allowed.
    name : str
        How messages refer to ``f``.
    n_samples : int
        Grid size.

    Raises
    ------
    AssertionError
        If the samples show curvature or more kinks than ``max_pieces`` allows.

    Examples
    --------
    >>> check_piecewise_linear(np.abs, lo=-1.0, hi=1.0, max_pieces=2, name="|x|")
    ✓ |x| is piecewise linear with at most 2 pieces on [-1.0, 1.0].
    >>> check_piecewise_linear(np.square, lo=-1.0, hi=1.0, max_pieces=2, name="x^2")
    Traceback (most recent call last):
    ...
    exprlib.checks.WrongAnswer: x^2 is not piecewise linear on [-1.0, 1.0]: it curves almost everywhere (a smooth activation such as tanh?).
    """
    lo, hi = float(lo), float(hi)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"lo and hi must be finite with lo < hi, got lo={lo!r}, hi={hi!r}")
    if isinstance(max_pieces, bool) or not isinstance(max_pieces, (int, np.integer)) or max_pieces < 1:
        raise ValueError(f"max_pieces must be an int >= 1, got {max_pieces!r}")
    x = np.linspace(lo, hi, n_samples)
    y = _as_function_1d(f, name)(x)
    if not np.isfinite(y).all():
        raise WrongAnswer(f"{name} returns NaN or infinite values on [{lo!r}, {hi!r}].")
    second = y[:-2] - 2.0 * y[1:-1] + y[2:]
    scale = np.abs(y[:-2]) + 2.0 * np.abs(y[1:-1]) + np.abs(y[2:]) + np.abs(y).max() * 1e-3
    kinks = int((np.abs(second) > _KINK_RTOL * scale).sum())
    if kinks > len(second) // 2:
        raise WrongAnswer(
            f"{name} is not piecewise linear on [{lo!r}, {hi!r}]: it curves almost everywhere "
            "(a smooth activation such as tanh?)."
        )
    if kinks > 2 * (max_pieces - 1):
        raise WrongAnswer(f"{name} has more than {max_pieces} linear pieces on [{lo!r}, {hi!r}].")
    _passed(f"{name} is piecewise linear with at most {max_pieces} pieces on [{lo!r}, {hi!r}].")




# ---------------------------------------------------------------------------------------------
# Reading a student's answer
# ---------------------------------------------------------------------------------------------


def _real_number(answer: object, name: str, what: str) -> float:
    """A student's scalar answer as a float, or an AssertionError saying what came back instead."""
    if answer is None:
        raise WrongAnswer(f"{name} returned None: did you forget to return {what}?")
    if isinstance(answer, np.ndarray) and answer.ndim == 0:
        answer = answer[()]
    if hasattr(answer, "detach") and getattr(answer, "ndim", 1) == 0:  # a 0-d torch tensor
        answer = answer.item()
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (int, float, np.integer, np.floating)):
        shape = f" of shape {tuple(answer.shape)}" if hasattr(answer, "shape") else ""
        raise WrongAnswer(f"{name} should return one number ({what}), got a {type(answer).__name__}{shape}.")
    value = float(answer)
    if not np.isfinite(value):
        raise WrongAnswer(f"{name} returned {value!r}: look for a log of 0 or a division by 0.")
    return value




def _as_count(answer: object, name: str) -> int:
    """A whole number returned by the student's function, or an AssertionError saying why not."""
    if answer is None:
        raise WrongAnswer(f"{name} returned None: did you forget to return the count?")
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (int, np.integer)):
        advice = " (wrap the count in int(...))" if isinstance(answer, (float, np.floating, np.ndarray)) else ""
        raise WrongAnswer(f"{name} should return a whole number (an int), got {type(answer).__name__}{advice}.")
    return int(answer)




def _best_explanation(failed: Sequence[tuple], candidates: Sequence[tuple[str, Callable]]) -> tuple[str, tuple] | None:
    """The hint whose wrong-answer model reproduces the most failures, with the first one it explains.

    ``failed`` holds (case, answer, expected); each candidate is (hint, model(case, expected)).
    Ties go to the earlier candidate. A model must reproduce at least half of the failures: small
    counts coincide by chance (2^2 = 3 + 1), and a hint that fits one case in ten misleads.
    None when no model does.
    """
    best, best_hits = None, 0
    for hint, model in candidates:
        hits = [f for f in failed if f[1] == model(f[0], f[2])]
        if len(hits) > best_hits and 2 * len(hits) >= len(failed):
            best, best_hits = (hint, hits[0]), len(hits)
    return best


