"""Checks that lesson test cells call: a verdict a student can act on, never the answer.

Every check raises ``AssertionError`` on a wrong answer, with a message that says what is
wrong (too high or too low, the wrong shape or type, the likely mistake) but never prints the
expected number or the reference value; a right answer prints one short encouraging line.
Visible checks work without nbgrader, so self-study students get the same feedback.

Hidden tests must not trust anything the student's notebook can rebind. The design:

- :func:`reference` loads a *fresh private copy* of exprlib straight from the package's files
  (under a new private module name each call, not via the ``exprlib`` entries in
  ``sys.modules``). After ``exprlib.regions.activation_pattern = lambda *a: 0`` or
  ``exprlib.checks.check_integer = lambda *a: None`` in the notebook, a hidden test that calls
  ``reference().checks.check_integer(...)`` still grades against the untouched code.
- Every check computes its reference values from such a private copy too (the copy it belongs
  to, or one loaded once for the public module), so a visible check is not fooled either, and
  keeps working while :func:`forbid` has switched the public function off.
- ``exprlib.checks.reference`` itself cannot be rebound or deleted (the module's class refuses),
  since it is the one name hidden tests take from the public package.
- :func:`forbid` switches an exprlib function off (with its re-exports and the notebook's
  aliases) while a student's re-implementation is graded, and restores everything after.

This guards against the obvious tricks, not a determined attacker: code in the same kernel can
always replace ``sys.modules`` entries, ``importlib`` or numpy itself. Library modules must use
relative imports (``from ..nets import as_numpy``) so that a private copy stays private.

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
import sys
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from torch import nn

__all__ = [
    "ONE_D_COUNTERS",
    "ZASLAVSKY_SHORTCUTS",
    "ForbiddenError",
    "check_activation_pattern",
    "check_array",
    "check_convergence_rate",
    "check_count_regions_1d",
    "check_function_on_nets",
    "check_integer",
    "check_interpolates",
    "check_missed_regions",
    "check_pattern_by_hand",
    "check_piecewise_linear",
    "check_regions_of_lines",
    "check_relu_interpolant",
    "check_sigmoid_bump",
    "check_sup_error",
    "check_units_needed",
    "check_zaslavsky",
    "forbid",
    "random_nets",
    "reference",
]

# The folder holding exprlib's files, fixed when this module is first imported.
_PACKAGE_DIR = str(Path(__file__).resolve().parent)
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
    if __package__.startswith(_PRIVATE_PREFIX):
        return importlib.import_module(f"{__package__}.{module}")
    if _own_reference is None:
        _own_reference = reference()
    return getattr(_own_reference, module)


class _ChecksModule(types.ModuleType):
    """This module's class: ``reference`` cannot be rebound, since hidden tests trust it."""

    _protected = frozenset({"reference", "_PACKAGE_DIR", "_PRIVATE_PREFIX"})

    def __setattr__(self, name: str, value: object) -> None:
        if name in self._protected:
            raise AttributeError(f"{self.__name__}.{name} is read-only: the hidden tests rely on it")
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if name in self._protected:
            raise AttributeError(f"{self.__name__}.{name} is read-only: the hidden tests rely on it")
        super().__delattr__(name)


sys.modules[__name__].__class__ = _ChecksModule


# ---------------------------------------------------------------------------------------------
# Switching exprlib functions off while a re-implementation is graded
# ---------------------------------------------------------------------------------------------


class ForbiddenError(AssertionError):
    """Raised when graded code calls an exprlib function that :func:`forbid` switched off."""


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
    return switched_off


# ---------------------------------------------------------------------------------------------
# Generic building blocks
# ---------------------------------------------------------------------------------------------


def _passed(message: str) -> None:
    print(f"✓ {message}")


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
    AssertionError: n = 9 is too high.
    """
    if answer is None:
        raise AssertionError(f"{name} is still None: replace None with your answer (a whole number).")
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (int, float, np.integer, np.floating)):
        raise AssertionError(f"{name} should be a whole number (an int), got {type(answer).__name__} {answer!r}.")
    if isinstance(answer, (float, np.floating)):
        if not (np.isfinite(answer) and float(answer).is_integer()):
            raise AssertionError(f"{name} should be a whole number (a count), got {answer!r}.")
    answer = int(answer)
    if answer != expected:
        if hints and answer in hints:
            raise AssertionError(f"{name} = {answer} is not right: {hints[answer]}")
        direction, advice = ("too low", too_low) if answer < expected else ("too high", too_high)
        raise AssertionError(f"{name} = {answer} is {direction}." + (f" {advice}" if advice else ""))
    _passed(f"{name} is right." + (f" {praise}" if praise else ""))


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
    AssertionError: h should be a numpy array, got a list: wrap it with np.asarray(...).
    """
    if not isinstance(answer, np.ndarray):
        kind = type(answer).__name__
        if kind == "Tensor":
            raise AssertionError(f"{name} should be a numpy array, got a torch Tensor: convert it with .detach().numpy().")
        if answer is None:
            raise AssertionError(f"{name} is None: did you forget to return the result?")
        advice = ": wrap it with np.asarray(...)" if isinstance(answer, (list, tuple)) else ""
        raise AssertionError(f"{name} should be a numpy array, got a {kind}{advice}.")
    if shape is not None:
        fits = answer.ndim == len(shape) and all(s is None or s == a for s, a in zip(shape, answer.shape))
        if not fits:
            hint = (shape_hints or {}).get(answer.shape)
            wanted = "(" + ", ".join("n" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
            raise AssertionError(
                f"{name} should have shape {wanted}, got {answer.shape}." + (f" {hint}" if hint else "")
            )
    if dtype is not None and answer.dtype != np.dtype(dtype):
        want = np.dtype(dtype).name
        raise AssertionError(f"{name} should have dtype {want}, got {answer.dtype.name}: use .astype(np.{want}).")
    if answer.dtype.kind in "fc" and np.isnan(answer).any():
        raise AssertionError(f"{name} contains NaN: look for 0/0 or an uninitialised array (np.empty).")
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
    AssertionError: f is wrong on a net with 2 inputs and hidden widths [5]: it differs at 2 of 2 points.
    """
    if not callable(fn):
        raise AssertionError(f"{name} should be a function, got a {type(fn).__name__}.")
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
                raise AssertionError(f"{name} is wrong on {_describe(net)}: {hint}")
        bad_points = ~same.reshape(len(x), -1).all(axis=1)
        where = f" {locate(net, answer, expected)}" if locate else ""
        raise AssertionError(
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
            raise AssertionError(f"{name} should have 1 input and 1 output, got {mlp.in_dim} and {mlp.out_dim}.")
        return lambda x: mlp.forward(x[:, None])[:, 0]
    if not callable(f):
        raise AssertionError(f"{name} should be a network or a function, got a {type(f).__name__}.")

    def vectorised(x: np.ndarray) -> np.ndarray:
        y = f(x.copy())
        if hasattr(y, "detach"):  # a torch tensor
            y = y.detach().numpy()
        y = np.asarray(y, dtype=np.float64)
        if y.shape == (len(x), 1):
            y = y[:, 0]
        return check_array(y, name=f"{name}(x)", shape=(len(x),))

    return vectorised


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
    AssertionError: f misses 1 of 3 points: it is too low at x = 0.0.
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
        raise AssertionError(
            f"{name} misses {int((~close).sum())} of {len(xs)} points: it is {direction} at x = {float(xs[first])!r}."
        )
    _passed(f"{name} passes through all {len(xs)} points.")


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
    AssertionError: x^2 is not piecewise linear on [-1.0, 1.0]: it curves almost everywhere (a smooth activation such as tanh?).
    """
    lo, hi = float(lo), float(hi)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"lo and hi must be finite with lo < hi, got lo={lo!r}, hi={hi!r}")
    if isinstance(max_pieces, bool) or not isinstance(max_pieces, (int, np.integer)) or max_pieces < 1:
        raise ValueError(f"max_pieces must be an int >= 1, got {max_pieces!r}")
    x = np.linspace(lo, hi, n_samples)
    y = _as_function_1d(f, name)(x)
    if not np.isfinite(y).all():
        raise AssertionError(f"{name} returns NaN or infinite values on [{lo!r}, {hi!r}].")
    second = y[:-2] - 2.0 * y[1:-1] + y[2:]
    scale = np.abs(y[:-2]) + 2.0 * np.abs(y[1:-1]) + np.abs(y[2:]) + np.abs(y).max() * 1e-3
    kinks = int((np.abs(second) > _KINK_RTOL * scale).sum())
    if kinks > len(second) // 2:
        raise AssertionError(
            f"{name} is not piecewise linear on [{lo!r}, {hi!r}]: it curves almost everywhere "
            "(a smooth activation such as tanh?)."
        )
    if kinks > 2 * (max_pieces - 1):
        raise AssertionError(f"{name} has more than {max_pieces} linear pieces on [{lo!r}, {hi!r}].")
    _passed(f"{name} is piecewise linear with at most {max_pieces} pieces on [{lo!r}, {hi!r}].")


# ---------------------------------------------------------------------------------------------
# 00-welcome
# ---------------------------------------------------------------------------------------------


def _pattern_variant(net: nn.Module, x: np.ndarray, *, strict: bool = True, bias: bool = True, relu: bool = True) -> np.ndarray:
    """The ReLU activation pattern computed with one of the usual slips switched on."""
    mlp = _lib("nets").as_numpy(net)
    hidden, parts = x, []
    for weight, b in zip(mlp.weights[:-1], mlp.biases[:-1]):
        z = hidden @ weight.T + (b if bias else 0.0)
        parts.append(z > 0 if strict else z >= 0)
        hidden = np.maximum(z, 0.0) if relu else z
    return np.concatenate(parts, axis=1).astype(np.int8)


_PATTERN_MISTAKES = (
    ("a unit whose pre-activation is exactly 0 is inactive: use z > 0, not z >= 0.",
     functools.partial(_pattern_variant, strict=False)),
    ("did you forget the bias? Each layer computes z = h @ W.T + b.",
     functools.partial(_pattern_variant, bias=False)),
    ("apply ReLU between layers: the next layer sees h = max(z, 0), not z.",
     functools.partial(_pattern_variant, relu=False)),
)


def _pattern_shape_hints(net: nn.Module, x: np.ndarray) -> dict[tuple[int, ...], str]:
    mlp = _lib("nets").as_numpy(net)
    n, total = len(x), sum(mlp.widths)
    hints = {(n, mlp.widths[i]): "You returned one layer's units only: put all hidden layers side by side "
             "(np.concatenate(..., axis=1))." for i in range(mlp.depth)}
    hints[(n, total + mlp.out_dim)] = (
        "The readout (the last Linear) has no activation, so it is not a hidden unit: leave it out."
    )
    hints[(total, n)] = "Use one row per point and one column per hidden unit: you may have returned the transpose."
    return hints


def _pattern_locate(net: nn.Module, answer: np.ndarray, expected: np.ndarray) -> str:
    widths = _lib("nets").as_numpy(net).widths
    first_column = int(np.flatnonzero((answer != expected).any(axis=0))[0])
    layer = int(np.searchsorted(np.cumsum(widths), first_column, side="right")) + 1
    return f"The first wrong unit is in hidden layer {layer}."


def _pattern_cases(depths: Sequence[int], n_nets: int, seed: int) -> list[tuple[nn.Module, np.ndarray]]:
    from_weights = _lib("nets").from_weights
    cases = []
    if 1 in depths:
        # Two units facing opposite ways and a biased one; x = 0 and x = 1 sit exactly on kinks.
        net = from_weights([[[1.0], [-1.0], [1.0]], [[1.0, 1.0, -1.0]]], [[0.0, 0.0, -1.0], [0.0]])
        cases.append((net, np.array([[-2.0], [0.0], [0.5], [1.0], [3.0]])))
    if 2 in depths:
        # Layer 2 reads a unit that is negative at x = -1, so skipping ReLU in between shows.
        net = from_weights([[[1.0], [2.0]], [[1.0, -1.0], [-1.0, 1.0]], [[1.0, 1.0]]],
                           [[0.5, 0.0], [0.25, 0.0], [0.0]])
        cases.append((net, np.array([[-1.0], [-0.25], [0.0], [0.75], [2.0]])))
    rng = np.random.default_rng(seed)
    for net in random_nets(n_nets, depths=depths, seed=seed):
        in_dim = net[0].in_features
        # The origin (every pre-activation exactly 0 when biases are 0), integers, and Gaussians.
        points = np.vstack([np.zeros((1, in_dim)), rng.integers(-2, 3, size=(4, in_dim)), rng.normal(size=(15, in_dim))])
        cases.append((net, points.astype(np.float64)))
    return cases


def check_activation_pattern(
    fn: Callable,
    *,
    depths: Sequence[int] = (1, 2, 3),
    n_nets: int = 8,
    seed: int = 0,
) -> None:
    """Check a hand-written ReLU activation pattern ``fn(net, x) -> (n, N) int8`` against exprlib.

    Runs on hand-made networks with points exactly on a boundary and on ``n_nets`` random
    networks of the given depths; diagnoses non-strict comparison, a forgotten bias, a missing
    ReLU between layers, an included readout, one layer only, and a transposed result.

    Parameters
    ----------
    fn : callable
        The student's ``activation_pattern_by_hand(net, x)``.
    depths : sequence of int
        Hidden depths of the networks tried.
    n_nets : int
        Number of random networks.
    seed : int
        Seed of the random networks and points.

    Raises
    ------
    AssertionError
        On the first network where ``fn`` disagrees with
        :func:`exprlib.regions.activation_pattern`.

    Examples
    --------
    >>> check_activation_pattern(lambda net, x: reference().regions.activation_pattern(net, x), n_nets=2)
    ✓ activation_pattern_by_hand agrees with exprlib on 4 networks. Your loop over layers is exactly what exprlib does.
    """
    check_function_on_nets(
        fn,
        _lib("regions").activation_pattern,
        _pattern_cases(depths, n_nets, seed),
        name="activation_pattern_by_hand",
        mistakes=_PATTERN_MISTAKES,
        shape_hints=_pattern_shape_hints,
        locate=_pattern_locate,
        praise="Your loop over layers is exactly what exprlib does.",
    )


def check_regions_of_lines(answer: object, *, n_lines: int = 3, name: str = "regions") -> None:
    """Check "how many regions can ``n_lines`` lines cut the plane into?" (at most, in general position).

    The reference is :func:`exprlib.bounds.zaslavsky` with n_0 = 2 inputs.

    Parameters
    ----------
    answer : int
        The student's count.
    n_lines : int
        Number of lines.
    name : str
        How the message refers to the answer (the notebook's variable).

    Raises
    ------
    AssertionError
        If the count is wrong; the message says too high or too low, with a hint.

    Examples
    --------
    >>> check_regions_of_lines(4, n_lines=2)
    ✓ regions is right. Each new line is cut by the earlier ones into pieces, and each piece splits a region in two.
    """
    expected = _lib("bounds").zaslavsky(2, n_lines)
    hints = {
        n_lines + 1: "that is what parallel lines give; tilt them so that every pair crosses.",
        2**n_lines: f"{n_lines} lines cannot switch on and off in all 2^{n_lines} combinations in a plane: "
        "some combination of sides is always missing.",
    }
    hints.pop(expected, None)
    check_integer(
        answer,
        expected,
        name=name,
        hints=hints,
        too_low="Let every pair of lines cross, with no three through one point: the k-th line is cut by "
        "the earlier ones into k pieces, and each piece splits one region in two.",
        too_high="Count again line by line: a new line can only split the regions it passes through.",
        praise="Each new line is cut by the earlier ones into pieces, and each piece splits a region in two.",
    )


# ---------------------------------------------------------------------------------------------
# 01-universal-approximation
# ---------------------------------------------------------------------------------------------

# Interpolants are sums of at most ~10 terms no larger than the problem's scale (max |y| plus
# max |slope| times the interval length), so float64 rounding stays below ~1e-14 of that scale;
# 1e-9 of it is "the same value", while every slip these checks diagnose moves values by >= 1e-3.
_FIT_RTOL = 1e-9


def _real_number(answer: object, name: str, what: str) -> float:
    """A student's scalar answer as a float, or an AssertionError saying what came back instead."""
    if answer is None:
        raise AssertionError(f"{name} returned None: did you forget to return {what}?")
    if isinstance(answer, np.ndarray) and answer.ndim == 0:
        answer = answer[()]
    if hasattr(answer, "detach") and getattr(answer, "ndim", 1) == 0:  # a 0-d torch tensor
        answer = answer.item()
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (int, float, np.integer, np.floating)):
        shape = f" of shape {tuple(answer.shape)}" if hasattr(answer, "shape") else ""
        raise AssertionError(f"{name} should return one number ({what}), got a {type(answer).__name__}{shape}.")
    value = float(answer)
    if not np.isfinite(value):
        raise AssertionError(f"{name} returned {value!r}: look for a log of 0 or a division by 0.")
    return value


def _interpolant_cases(n_cases: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Point sets (xs, ys): hand-made ones that expose the usual slips, then random ones."""
    cases = [
        # Uneven spacing and y_0 != 0: dividing by the spacing and the readout bias both matter.
        (np.array([0.0, 1.0, 3.0]), np.array([1.0, 3.0, 2.0])),
        # n = 1: a single unit.
        (np.array([-1.0, 2.0]), np.array([0.5, -1.0])),
        # Flat pieces (zero slopes and zero slope changes) between rises and falls.
        (np.array([-2.0, -1.0, 0.5, 1.0, 4.0]), np.array([2.0, 2.0, -1.0, 3.0, 3.0])),
    ]
    rng = np.random.default_rng(seed)
    for _ in range(n_cases):
        n = int(rng.integers(1, 9))
        # Gaps of at least 0.2 keep slopes moderate, so a slip never hides inside the tolerance.
        xs = -2.0 + np.cumsum(rng.uniform(0.2, 1.0, n + 1))
        cases.append((xs, rng.normal(0.0, 2.0, n + 1)))
    return cases


def _interpolant_scale(xs: np.ndarray, ys: np.ndarray) -> float:
    slopes = np.diff(ys) / np.diff(xs)
    return 1.0 + float(np.abs(ys).max()) + float(np.abs(slopes).max()) * float(xs[-1] - xs[0])


def _interpolant_mistakes(xs: np.ndarray, ys: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """(hint, values at the knots) of the likely wrong constructions."""

    def hinges(weights: np.ndarray, bias: float) -> np.ndarray:
        return bias + np.maximum(xs[:, None] - xs[None, :-1], 0.0) @ weights

    slopes = np.diff(ys) / np.diff(xs)
    changes = np.diff(slopes, prepend=0.0)
    rises = np.diff(ys)
    return [
        ("the readout weight of the unit at x_i is the CHANGE of slope s_i - s_(i-1) there "
         "(s_0 for the first unit), not the slope s_i itself.", hinges(slopes, ys[0])),
        ("every point is off by the same amount: the network starts at y_0, so y_0 is the readout bias.",
         hinges(changes, 0.0)),
        ("divide by the spacing: the slope on [x_i, x_(i+1)] is (y_(i+1) - y_i) / (x_(i+1) - x_i), "
         "and the knots here are not 1 apart.", hinges(np.diff(rises, prepend=0.0), ys[0])),
    ]


def _build_interpolant(fn: Callable, xs: np.ndarray, ys: np.ndarray, name: str):
    """Call the student's builder; return (net, its NumpyMLP) or an AssertionError to act on."""
    if not callable(fn):
        raise AssertionError(f"{name} should be a function, got a {type(fn).__name__}.")
    net = fn(xs.copy(), ys.copy())
    if net is None:
        raise AssertionError(f"{name} returned None: did you forget to return the network?")
    if not isinstance(net, nn.Sequential):
        raise AssertionError(
            f"{name} should return a torch.nn.Sequential (build it with from_weights), got a {type(net).__name__}."
        )
    try:
        mlp = _lib("nets").as_numpy(net)
    except (TypeError, ValueError) as err:
        raise AssertionError(f"{name} returned a network exprlib cannot read: {err}") from None
    if mlp.in_dim != 1 or mlp.out_dim != 1:
        raise AssertionError(
            f"{name} should return a network with 1 input and 1 output, got {mlp.in_dim} and {mlp.out_dim}."
        )
    return net, mlp


def check_relu_interpolant(
    fn: Callable,
    *,
    part: str = "points",
    n_cases: int = 6,
    seed: int = 0,
    name: str = "relu_interpolant_by_hand",
) -> None:
    """Check a hand-built ReLU interpolant ``fn(xs, ys) -> nn.Sequential`` by its properties.

    ``part="points"``: the network passes through every (x_i, y_i), on uneven spacing too;
    ``part="structure"``: one hidden layer of exactly n = len(xs) - 1 ReLU units, and linear
    between neighbouring knots (so equal to the piecewise-linear interpolant on [x_0, x_n]).
    Diagnoses slopes used instead of slope changes, a missing y_0, slopes not divided by the
    spacing and one unit too many. Never compares weights: any correct construction passes.

    Parameters
    ----------
    fn : callable
        The student's ``relu_interpolant_by_hand(xs, ys)``.
    part : {"points", "structure"}
        Which property to check.
    n_cases : int
        Random point sets on top of the hand-made ones.
    seed : int
        Seed of the random point sets.
    name : str
        How messages refer to ``fn``.

    Raises
    ------
    AssertionError
        On the first point set where ``fn`` fails, with what is wrong.
    ValueError
        If ``part`` is not one of the two.

    Examples
    --------
    >>> check_relu_interpolant(reference().constructions.relu_interpolant, n_cases=2)
    ✓ relu_interpolant_by_hand passes through every point of 5 point sets.
    >>> check_relu_interpolant(reference().constructions.relu_interpolant, part="structure", n_cases=2)
    ✓ relu_interpolant_by_hand uses exactly n ReLUs in one hidden layer and is linear between the knots (5 point sets).
    """
    if part not in ("points", "structure"):
        raise ValueError(f"part must be 'points' or 'structure', got {part!r}")
    cases = _interpolant_cases(n_cases, seed)
    for xs, ys in cases:
        net, mlp = _build_interpolant(fn, xs, ys, name)
        n = len(xs) - 1
        where = f"on the {n + 1} points xs = {np.round(xs, 3).tolist()}"
        atol = _FIT_RTOL * _interpolant_scale(xs, ys)
        values = mlp.forward(xs[:, None])[:, 0]
        if part == "points":
            close = np.isclose(values, ys, rtol=_FIT_RTOL, atol=atol)
            if close.all():
                continue
            for hint, variant in _interpolant_mistakes(xs, ys):
                if np.allclose(values, variant, rtol=_FIT_RTOL, atol=atol):
                    raise AssertionError(f"{name} is wrong {where}: {hint}")
            first = int(np.flatnonzero(~close)[0])
            direction = "too low" if values[first] < ys[first] else "too high"
            raise AssertionError(
                f"{name} misses {int((~close).sum())} of {n + 1} points {where}: it is {direction} at x_{first}."
            )
        if any(act.kind != "relu" for act in mlp.activations):
            kinds = [a.kind for a in mlp.activations]
            raise AssertionError(f"{name} should use ReLU units (from_weights(..., 'relu')), got {kinds}.")
        if mlp.depth != 1:
            raise AssertionError(f"{name} should have ONE hidden layer, got {mlp.depth} (widths {list(mlp.widths)}).")
        if mlp.widths[0] != n:
            extra = (" One unit too many: a hinge at the last knot x_n only bends the network to the right of "
                     "x_n, outside [x_0, x_n]." if mlp.widths[0] == n + 1 else "")
            raise AssertionError(
                f"{name} should use n = len(xs) - 1 hidden units, one per piece; it used {mlp.widths[0]} {where}.{extra}"
            )
        grid = np.linspace(xs[0], xs[-1], 40 * n + 1)
        straight = np.interp(grid, xs, ys)
        follows = np.isclose(mlp.forward(grid[:, None])[:, 0], straight, rtol=_FIT_RTOL, atol=atol)
        if not follows.all():
            x_bad = float(grid[np.flatnonzero(~follows)[0]])
            raise AssertionError(
                f"{name} is not the straight line between neighbouring points {where}: it leaves it near "
                f"x = {x_bad:.3g}. Put every kink at a knot x_i (and check the points test first)."
            )
    if part == "points":
        _passed(f"{name} passes through every point of {len(cases)} point sets.")
    else:
        _passed(f"{name} uses exactly n ReLUs in one hidden layer and is linear between the knots "
                f"({len(cases)} point sets).")


def _bump_cases(n_cases: int, seed: int) -> list[tuple[np.ndarray, float, float, float]]:
    x = np.linspace(-1.5, 1.5, 61)
    cases = [(x, -0.5, 0.5, 20.0), (x, 0.1, 0.3, 100.0), (x, -2.0, 1.5, 1.0)]  # steep, narrow, shallow
    rng = np.random.default_rng(seed)
    for _ in range(n_cases):
        left, right = np.sort(rng.uniform(-1.0, 1.0, 2))
        # |k (x - a)| <= 150 * 2.5 keeps exp() of it far from float64 overflow in any formula.
        cases.append((x, float(left), float(right) + 0.05, float(rng.uniform(1.0, 150.0))))
    return cases


def _bump_mistakes(x: np.ndarray, a: float, b: float, k: float) -> list[tuple[str, np.ndarray]]:
    sigma = _lib("approximation").sigmoid
    return [
        ("a bump is a step up at `left` MINUS a step up at `right`: subtract the second sigmoid.",
         sigma(k * (x - a)) + sigma(k * (x - b))),
        ("your bump points down: the step at `left` comes first, with a + sign.",
         sigma(k * (x - b)) - sigma(k * (x - a))),
        ("scale the shift too: each step is sigmoid(k * (x - a)), not sigmoid(k * x - a).",
         sigma(k * x - a) - sigma(k * x - b)),
        ("use the steepness: each step is sigmoid(k * (x - a)) with k = steepness.",
         sigma(x - a) - sigma(x - b)),
        ("that is a single step: a bump needs a second sigmoid that steps back down at `right`.",
         sigma(k * (x - a))),
    ]


def check_sigmoid_bump(
    fn: Callable,
    *,
    n_cases: int = 4,
    seed: int = 0,
    name: str = "sigmoid_bump_by_hand",
) -> None:
    """Check ``fn(x, left, right, steepness)`` = sigma(k (x - a)) - sigma(k (x - b)) against exprlib.

    Runs on steep, narrow and shallow bumps and ``n_cases`` random ones; diagnoses a sum
    instead of a difference, an upside-down bump, an unscaled shift, a missing steepness and a
    single step.

    Parameters
    ----------
    fn : callable
        The student's ``sigmoid_bump_by_hand``.
    n_cases : int
        Random bumps on top of the hand-made ones.
    seed : int
        Seed of the random bumps.
    name : str
        How messages refer to ``fn``.

    Raises
    ------
    AssertionError
        On the first bump where ``fn`` disagrees with :func:`exprlib.approximation.sigmoid_bump`.

    Examples
    --------
    >>> bump = reference().approximation.sigmoid_bump
    >>> check_sigmoid_bump(lambda x, a, b, k: bump(x, left=a, right=b, steepness=k), n_cases=1)
    ✓ sigmoid_bump_by_hand agrees with exprlib on 4 bumps, steep and shallow.
    """
    if not callable(fn):
        raise AssertionError(f"{name} should be a function, got a {type(fn).__name__}.")
    reference_bump = _lib("approximation").sigmoid_bump
    cases = _bump_cases(n_cases, seed)
    for x, a, b, k in cases:
        expected = reference_bump(x, left=a, right=b, steepness=k)
        answer = check_array(fn(x.copy(), a, b, k), name=f"{name}(x, left, right, steepness)", shape=x.shape)
        if np.allclose(answer, expected, rtol=_RTOL, atol=_ATOL):
            continue
        where = f"for left = {a:.3g}, right = {b:.3g}, steepness = {k:.3g}"
        for hint, variant in _bump_mistakes(x, a, b, k):
            if np.allclose(answer, variant, rtol=_RTOL, atol=_ATOL):
                raise AssertionError(f"{name} is wrong {where}: {hint}")
        bad = ~np.isclose(answer, expected, rtol=_RTOL, atol=_ATOL)
        raise AssertionError(f"{name} is wrong {where}: it differs at {int(bad.sum())} of {len(x)} points, "
                             f"first near x = {float(x[np.flatnonzero(bad)[0]]):.3g}.")
    _passed(f"{name} agrees with exprlib on {len(cases)} bumps, steep and shallow.")


def _sup_error_cases(n_cases: int, seed: int) -> list[tuple[Callable, Callable, float, float, int, str]]:
    """(approx, target, lo, hi, n_grid, description) pairs of vectorised functions."""
    approximation = _lib("approximation")
    sine, gaussian = approximation.target("sine"), approximation.target("gaussian")
    cases = [
        # The difference is never positive: a max without abs() gives 0.
        (lambda x: x, np.abs, -1.0, 1.0, 10001, "f(x) = x against |x|"),
        (approximation.as_function(approximation.interpolant_net(sine, 4)), sine, -1.0, 1.0, 10001,
         "the 4-unit interpolant of sin(3x)"),
        # Largest gap at an end of [0, 1], not of [-1, 1].
        (np.zeros_like, lambda x: x**2 - 0.25, 0.0, 1.0, 2001, "0 against x^2 - 1/4 on [0, 1]"),
        (approximation.as_function(approximation.interpolant_net(gaussian, 6)), gaussian, -1.0, 1.0, 4001,
         "the 6-unit interpolant of exp(-8x^2)"),
    ]
    rng = np.random.default_rng(seed)
    for net in random_nets(n_cases, in_dims=(1,), depths=(1, 2), sigma_bs=(0.5,), seed=seed):
        lo = float(rng.uniform(-2.0, 0.0))
        cases.append((approximation.as_function(net), np.sin, lo, lo + float(rng.uniform(0.5, 3.0)),
                      int(rng.integers(200, 5000)), "a random network against sin(x)"))
    return cases


def _sup_error_mistakes(
    approx: Callable, target: Callable, lo: float, hi: float, n_grid: int
) -> list[tuple[str, float]]:
    x = np.linspace(lo, hi, n_grid)
    diff = approx(x) - target(x)
    coarse = np.linspace(lo, hi)  # numpy's default: 50 points
    unit = np.linspace(-1.0, 1.0, n_grid)
    return [
        ("take the absolute value: the error |approx(x) - target(x)| counts overshoot and undershoot alike.",
         float(diff.max())),
        ("take the absolute value: the error |approx(x) - target(x)| counts overshoot and undershoot alike.",
         float((-diff).max())),
        ("the sup error is the LARGEST |difference| (np.max), not an average.", float(np.abs(diff).mean())),
        ("the sup error is the LARGEST |difference| (np.max), not a root-mean-square.",
         float(np.sqrt((diff**2).mean()))),
        ("use n_grid points: np.linspace(lo, hi, n_grid). With fewer points you can miss the peaks of the error.",
         float(np.abs(approx(coarse) - target(coarse)).max())),
        ("measure on the interval [lo, hi] you are given, not on [-1, 1].",
         float(np.abs(approx(unit) - target(unit)).max())),
    ]


def check_sup_error(
    fn: Callable,
    *,
    n_cases: int = 3,
    seed: int = 0,
    name: str = "sup_error_by_hand",
) -> None:
    """Check ``fn(approx, target, lo, hi, n_grid)`` = max |approx - target| on the grid, against exprlib.

    Diagnoses a missing absolute value, an average or RMS instead of the max, a grid that
    ignores ``n_grid`` and an interval that ignores ``lo``/``hi``.

    Parameters
    ----------
    fn : callable
        The student's ``sup_error_by_hand``.
    n_cases : int
        Random pairs on top of the hand-made ones.
    seed : int
        Seed of the random pairs.
    name : str
        How messages refer to ``fn``.

    Raises
    ------
    AssertionError
        On the first pair where ``fn`` disagrees with :func:`exprlib.approximation.sup_error`.

    Examples
    --------
    >>> sup = reference().approximation.sup_error
    >>> check_sup_error(lambda f, g, lo, hi, n_grid: sup(f, g, lo=lo, hi=hi, n_grid=n_grid), n_cases=1)
    ✓ sup_error_by_hand agrees with exprlib on 5 pairs of functions.
    """
    if not callable(fn):
        raise AssertionError(f"{name} should be a function, got a {type(fn).__name__}.")
    reference_sup = _lib("approximation").sup_error
    cases = _sup_error_cases(n_cases, seed)
    for approx, target, lo, hi, n_grid, description in cases:
        expected = reference_sup(approx, target, lo=lo, hi=hi, n_grid=n_grid)
        answer = _real_number(fn(approx, target, lo, hi, n_grid), name, "the largest |difference|")
        if np.isclose(answer, expected, rtol=_RTOL, atol=_ATOL):
            continue
        where = f"for {description} on [{lo:.3g}, {hi:.3g}] with n_grid = {n_grid}"
        for hint, variant in _sup_error_mistakes(approx, target, lo, hi, n_grid):
            if np.isclose(answer, variant, rtol=_RTOL, atol=_ATOL):
                raise AssertionError(f"{name} is wrong {where}: {hint}")
        direction = "too small" if answer < expected else "too large"
        raise AssertionError(f"{name} is wrong {where}: your value is {direction}.")
    _passed(f"{name} agrees with exprlib on {len(cases)} pairs of functions.")


def _rate_cases(n_cases: int, seed: int) -> list[tuple[np.ndarray, np.ndarray, str]]:
    approximation = _lib("approximation")
    units = np.array([16, 23, 32, 45, 64, 91, 128, 181, 256])
    measured = np.array([approximation.sup_error(approximation.interpolant_net("sine", int(n)), "sine") for n in units])
    cases = [
        (np.array([10.0, 20.0, 40.0, 80.0]), 3.0 * np.array([10.0, 20.0, 40.0, 80.0]) ** -2, "an exact power law"),
        (np.array([4.0, 8.0, 16.0]), 0.5 / np.array([4.0, 8.0, 16.0]), "an exact power law"),
        # Real measurements: the lesson's sine interpolant (the rate lies near -2).
        (units.astype(np.float64), measured, "the measured errors of the sin(3x) interpolants"),
    ]
    rng = np.random.default_rng(seed)
    for _ in range(n_cases):
        n = np.unique(np.round(np.geomspace(2, 500, int(rng.integers(4, 10)))))
        rate = float(rng.uniform(-3.0, -0.5))
        # Multiplicative noise: a least-squares line differs from a line through the end points.
        errors = float(rng.uniform(0.1, 10.0)) * n**rate * np.exp(rng.normal(0.0, 0.3, len(n)))
        cases.append((n, errors, "noisy errors"))
    return cases


def _rate_mistakes(units: np.ndarray, errors: np.ndarray) -> list[tuple[str, float]]:
    log_n, log_e = np.log(units), np.log(errors)
    least_squares = float(np.polyfit(log_n, log_e, 1)[0])
    return [
        ("fit a line through ALL the points by least squares (np.polyfit(np.log(units), np.log(errors), 1)), "
         "not through the first and last only.", float((log_e[-1] - log_e[0]) / (log_n[-1] - log_n[0]))),
        ("regress log(error) on log(units), not the other way round: np.polyfit(x, y, 1) fits y against x.",
         float(np.polyfit(log_e, log_n, 1)[0])),
        ("take logarithms of both the units and the errors: a power law is a straight line on log-log axes.",
         float(np.polyfit(units, errors, 1)[0])),
        ("take logarithms of both the units and the errors: a power law is a straight line on log-log axes.",
         float(np.polyfit(log_n, errors, 1)[0])),
        ("np.polyfit returns [slope, intercept]: the rate is the slope, element [0].",
         float(np.polyfit(log_n, log_e, 1)[1])),
        ("the rate is the slope itself, negative when the error falls: drop the minus sign.", -least_squares),
    ]


def check_convergence_rate(
    fn: Callable,
    *,
    n_cases: int = 3,
    seed: int = 0,
    name: str = "convergence_rate_by_hand",
) -> None:
    """Check ``fn(units, errors)`` = least-squares slope of log(error) on log(units), against exprlib.

    Runs on exact power laws, the measured errors of the lesson's sine interpolants and noisy
    power laws; any logarithm base is fine (the slope does not depend on it). Diagnoses a
    two-point slope, swapped axes, missing logarithms, the intercept and a flipped sign.

    Parameters
    ----------
    fn : callable
        The student's ``convergence_rate_by_hand``.
    n_cases : int
        Noisy data sets on top of the fixed ones.
    seed : int
        Seed of the noisy data sets.
    name : str
        How messages refer to ``fn``.

    Raises
    ------
    AssertionError
        On the first data set where ``fn`` disagrees with
        :func:`exprlib.approximation.convergence_rate`.

    Examples
    --------
    >>> rate = reference().approximation.convergence_rate
    >>> check_convergence_rate(lambda n, e: rate(n, e).rate, n_cases=1)
    ✓ convergence_rate_by_hand fits the same slope as exprlib on 4 data sets.
    """
    if not callable(fn):
        raise AssertionError(f"{name} should be a function, got a {type(fn).__name__}.")
    reference_rate = _lib("approximation").convergence_rate
    cases = _rate_cases(n_cases, seed)
    for units, errors, description in cases:
        expected = reference_rate(units, errors).rate
        answer = _real_number(fn(units.copy(), errors.copy()), name, "the slope")
        if np.isclose(answer, expected, rtol=_RTOL, atol=_ATOL):
            continue
        where = f"on {description} at units {units.astype(int).tolist()}"
        for hint, variant in _rate_mistakes(units, errors):
            if np.isclose(answer, variant, rtol=_RTOL, atol=_ATOL):
                raise AssertionError(f"{name} is wrong {where}: {hint}")
        direction = "too steep (too negative)" if answer < expected else "too shallow (not negative enough)"
        raise AssertionError(f"{name} is wrong {where}: your slope is {direction}.")
    _passed(f"{name} fits the same slope as exprlib on {len(cases)} data sets.")


def check_units_needed(
    answer: object,
    *,
    tolerance: float = 1e-3,
    target: str = "sine",
    name: str = "units_needed",
) -> None:
    """Check "the fewest units n for which h^2/8 max|f''| <= tolerance" (h = 2/n on [-1, 1]).

    The reference is :func:`exprlib.approximation.interpolation_bound` with the target's
    max |f''|; hints cover h = 1/n, a missing square root, a missing 1/8, rounding down,
    counting knots instead of units and the wrong derivative.

    Parameters
    ----------
    answer : int
        The student's n.
    tolerance : float
        The sup error to guarantee.
    target : str
        A smooth target of :data:`exprlib.approximation.TARGETS`.
    name : str
        How the message refers to the answer.

    Raises
    ------
    AssertionError
        If the answer is not the smallest such n.

    Examples
    --------
    >>> check_units_needed(4, tolerance=0.3)
    ✓ units_needed is right. The bound falls like 1/n², so ten times more accuracy costs about √10 ≈ 3.2 times more units.
    """
    approximation = _lib("approximation")
    f = approximation.target(target)
    lo, hi = approximation.DOMAIN
    bound = functools.partial(approximation.interpolation_bound, max_abs_f2=f.max_abs_f2)
    # Solve h^2/8 M <= tol for n, then step over float rounding at the boundary.
    expected = max(1, int(np.ceil((hi - lo) * np.sqrt(f.max_abs_f2 / (8.0 * tolerance)))))
    while bound(expected) > tolerance:
        expected += 1
    while expected > 1 and bound(expected - 1) <= tolerance:
        expected -= 1

    def solve(length: float, curvature: float, eighth: float = 8.0) -> int:
        return int(np.ceil(length * np.sqrt(curvature / (eighth * tolerance))))

    hints = {
        solve(1.0, f.max_abs_f2): "the knot spacing is h = (b - a)/n, and [-1, 1] has length 2.",
        int(np.ceil((hi - lo) ** 2 * f.max_abs_f2 / (8.0 * tolerance))): "the bound falls like 1/n², so n "
        "grows like the square root of 1/tolerance: take a square root.",
        solve(hi - lo, f.max_abs_f2, eighth=1.0): "keep the 1/8 in h²/8 · max|f''|.",
        expected - 1: "your n gives a bound just above the tolerance: round up to the next whole number.",
        expected + 1: "that many units work, but fewer do too: is the bound at n - 1 above the tolerance? "
        "(n units have n + 1 knots: count units, not knots.)",
    }
    if target == "sine":  # f = sin(3x): f' = 3 cos(3x), f'' = -9 sin(3x)
        hints[solve(hi - lo, 1.0)] = "max|f''| of sin(3x) is not 1: each derivative brings out a factor 3 (chain rule)."
        hints[solve(hi - lo, 3.0)] = "use max|f''| (the second derivative), not max|f'|."
    hints.pop(expected, None)
    check_integer(
        answer,
        expected,
        name=name,
        hints=hints,
        too_low="With that many units h²/8 · max|f''| is still above the tolerance.",
        too_high="Fewer units already bring h²/8 · max|f''| below the tolerance: find the smallest n.",
        praise="The bound falls like 1/n², so ten times more accuracy costs about √10 ≈ 3.2 times more units.",
    )


# ---------------------------------------------------------------------------------------------
# 02-linear-regions
# ---------------------------------------------------------------------------------------------

# The exprlib functions that would answer the 1-D exercise for the student: switched off while
# ``count_regions_by_hand`` is graded (pass them to :func:`forbid`).
ONE_D_COUNTERS = tuple(
    f"exprlib.regions.{name}"
    for name in (
        "breakpoints_1d",
        "breakpoints_arc",
        "breakpoints_polyline",
        "count_pieces_1d",
        "count_regions_1d",
        "count_regions_arc",
        "count_regions_lines",
        "count_regions_polyline",
    )
)

# Every bound that equals Zaslavsky's count for one hidden layer: switched off while
# ``max_regions_one_layer`` is graded.
ZASLAVSKY_SHORTCUTS = tuple(
    f"exprlib.bounds.{name}" for name in ("zaslavsky", "serra_upper", "montufar_lower", "serra_1d_max")
)


def _hardtanh_net(weights: Sequence, biases: Sequence, limits: Sequence[tuple[float, float]]) -> nn.Sequential:
    """A float64 net with hard-tanh layers clipped to their own (lo, hi)."""
    net = _lib("nets").from_weights(weights, biases, "hardtanh")
    for layer, (lo, hi) in enumerate(limits):
        net[2 * layer + 1] = nn.Hardtanh(float(lo), float(hi))
    return net


def _with_random_limits(net: nn.Sequential, rng: np.random.Generator) -> nn.Sequential:
    """Give every hard-tanh layer of ``net`` its own clipping interval [lo, hi] with lo < 0 < hi."""
    for module_index in range(1, len(net), 2):
        lo, hi = -rng.uniform(0.2, 1.5), rng.uniform(0.2, 1.5)
        net[module_index] = nn.Hardtanh(round(float(lo), 2), round(float(hi), 2))
    return net


def _any_pattern_variant(
    net: nn.Module,
    x: np.ndarray,
    *,
    strict: bool = False,
    relu_rule: bool = False,
    unit_limits: bool = False,
    swapped: bool = False,
    bias: bool = True,
    pass_on: str = "act",
) -> np.ndarray:
    """The activation pattern of a ReLU or hard-tanh net with one of the usual slips switched on.

    ``strict``: saturated only beyond the limits (z < lo, z > hi; ReLU z >= 0 for "on");
    ``relu_rule``: the ReLU rule z > 0 for every unit; ``unit_limits``: -1 and 1 instead of the
    layer's own limits; ``swapped``: +1 low and -1 high; ``bias``: add the biases;
    ``pass_on``: what the next layer sees ("act", "relu" or "identity").
    """
    mlp = _lib("nets").as_numpy(net)
    hidden, parts = x, []
    for weight, b, act in zip(mlp.weights, mlp.biases, mlp.activations):
        z = hidden @ weight.T + (b if bias else 0.0)
        lo, hi = (-1.0, 1.0) if unit_limits else (act.lo, act.hi)
        if act.kind == "relu" or relu_rule:
            pattern = (z >= 0) if strict and act.kind == "relu" else (z > 0)
            parts.append(pattern.astype(np.int8))
        else:
            low, high = (z < lo, z > hi) if strict else (z <= lo, z >= hi)
            sign = -1 if swapped else 1
            parts.append((sign * (high.astype(np.int8) - low.astype(np.int8))).astype(np.int8))
        if pass_on == "act":
            hidden = np.maximum(z, 0.0) if act.kind == "relu" else np.clip(z, lo, hi)
        else:
            hidden = np.maximum(z, 0.0) if pass_on == "relu" else z
    return np.concatenate(parts, axis=1) if parts else np.zeros((len(x), 0), dtype=np.int8)


_ANY_PATTERN_MISTAKES = (
    ("a hard-tanh unit exactly at min_val (or max_val) is saturated: use z <= lo for -1 and z >= hi for +1, "
     "not strict < and >.", functools.partial(_any_pattern_variant, strict=True)),
    ("a hard-tanh unit has three states: -1 (z <= min_val), 0 (in between) and +1 (z >= max_val); "
     "the ReLU rule z > 0 does not apply to it.", functools.partial(_any_pattern_variant, relu_rule=True)),
    ("use each layer's own limits act.lo and act.hi (its min_val and max_val), not -1 and 1.",
     functools.partial(_any_pattern_variant, unit_limits=True)),
    ("-1 means at or below min_val and +1 at or above max_val: you have the two the wrong way round.",
     functools.partial(_any_pattern_variant, swapped=True)),
    ("did you forget the bias? Each layer computes z = h @ W.T + b.",
     functools.partial(_any_pattern_variant, bias=False)),
    ("a hard-tanh layer passes on h = clip(z, lo, hi) (that is act(z)), not max(z, 0).",
     functools.partial(_any_pattern_variant, pass_on="relu")),
    ("apply the activation between layers: the next layer sees h = act(z), not z.",
     functools.partial(_any_pattern_variant, pass_on="identity")),
)

_RELU_PATTERN_MISTAKES = (
    ("a ReLU unit whose pre-activation is exactly 0 is inactive: use z > 0, not z >= 0.",
     functools.partial(_any_pattern_variant, strict=True)),
    ("did you forget the bias? Each layer computes z = h @ W.T + b.",
     functools.partial(_any_pattern_variant, bias=False)),
    ("apply the activation between layers: the next layer sees h = act(z), not z.",
     functools.partial(_any_pattern_variant, pass_on="identity")),
)


def _hardtanh_pattern_cases(depths: Sequence[int], n_nets: int, seed: int) -> list[tuple[nn.Module, np.ndarray]]:
    """Hand-made nets with points exactly on both limits, then random nets with their own limits."""
    cases = []
    if 1 in depths:
        # Units x, -x and 2x - 1 clipped to [-0.5, 1]: x = -0.5, 0.25, 0.5 and 1 sit on a limit.
        net = _hardtanh_net([[[1.0], [-1.0], [2.0]], [[1.0, 1.0, 1.0]]], [[0.0, 0.0, -1.0], [0.0]], [(-0.5, 1.0)])
        cases.append((net, np.array([[-2.0], [-0.5], [0.0], [0.25], [0.5], [1.0], [3.0]])))
    if depths and max(depths) >= 2:
        # Layer 1 clips 2x to [-1, 1]; layer 2 reads h and h - 1.5 with limits [-1, 0.5]. At
        # x = 0.25 the first sits on max_val; at x = 1 passing on the unclipped 2x (or max(2x, 0)
        # at x = -1) changes layer 2's pattern.
        net = _hardtanh_net([[[2.0]], [[1.0], [1.0]], [[1.0, 1.0]]], [[0.0], [0.0, -1.5], [0.0]], [(-1.0, 1.0), (-1.0, 0.5)])
        cases.append((net, np.array([[-1.0], [-0.5], [0.0], [0.25], [0.5], [0.75], [1.0]])))
    rng = np.random.default_rng(seed)
    for i, net in enumerate(random_nets(n_nets, depths=depths, activation="hardtanh", seed=seed)):
        if i % 2:
            _with_random_limits(net, rng)
        in_dim = net[0].in_features
        # Large Gaussians saturate many units; the origin puts bias-free units exactly at 0.
        points = np.vstack([np.zeros((1, in_dim)), rng.integers(-2, 3, size=(4, in_dim)), 2.0 * rng.normal(size=(15, in_dim))])
        cases.append((net, points.astype(np.float64)))
    return cases


@contextlib.contextmanager
def _activation_pattern_method_off() -> Iterator[None]:
    """Switch off ``exprlib.nets.Activation.pattern`` (the one-line answer) while a student's code runs.

    The checks' own references come from a private copy of exprlib with its own class, so they
    keep working; the public class gets its method back afterwards, whatever happens.
    """
    public = sys.modules.get("exprlib.nets")
    if public is None:
        yield
        return
    cls = public.Activation
    original = cls.__dict__["pattern"]

    def pattern(self: object, z: np.ndarray) -> np.ndarray:
        raise ForbiddenError(
            "Activation.pattern is switched off while grading: this exercise asks you to compare z "
            "with the thresholds (act.lo, act.hi) yourself."
        )

    cls.pattern = pattern
    try:
        yield
    finally:
        cls.pattern = original


def check_pattern_by_hand(
    fn: Callable,
    *,
    activation: str = "hardtanh",
    depths: Sequence[int] = (1, 2, 3),
    n_nets: int = 8,
    seed: int = 0,
) -> None:
    """Check a hand-written activation pattern ``fn(net, x) -> (n, N) int8`` for ReLU or hard-tanh nets.

    ReLU: 1 if z > 0 else 0. Hard-tanh: -1 if z <= min_val, +1 if z >= max_val, else 0, with
    each layer's own limits. Cases put points exactly on the thresholds; hard-tanh nets get
    limits other than (-1, 1). While ``fn`` runs, ``exprlib.nets.Activation.pattern`` is switched
    off. Diagnoses strict comparisons, the ReLU rule on hard-tanh units, fixed limits -1 and 1,
    swapped signs, a forgotten bias, the wrong activation between layers, a readout counted as a
    hidden layer, one layer only, and a transposed result.

    Parameters
    ----------
    fn : callable
        The student's ``activation_pattern_by_hand(net, x)``.
    activation : {"relu", "hardtanh"}
        Which kind of network to try.
    depths : sequence of int
        Hidden depths of the networks tried.
    n_nets : int
        Number of random networks.
    seed : int
        Seed of the random networks and points.

    Raises
    ------
    AssertionError
        On the first network where ``fn`` disagrees with
        :func:`exprlib.regions.activation_pattern`.
    ValueError
        If ``activation`` is not "relu" or "hardtanh".

    Examples
    --------
    >>> check_pattern_by_hand(lambda net, x: reference().regions.activation_pattern(net, x), n_nets=2)
    ✓ activation_pattern_by_hand agrees with exprlib on 4 networks. Three states and each layer's own limits: right.
    >>> check_pattern_by_hand(lambda net, x: _any_pattern_variant(net, x, strict=True), n_nets=2)
    Traceback (most recent call last):
    ...
    AssertionError: activation_pattern_by_hand is wrong on a net with 1 input and hidden widths [3]: a hard-tanh unit exactly at min_val (or max_val) is saturated: use z <= lo for -1 and z >= hi for +1, not strict < and >.
    """
    if activation not in ("relu", "hardtanh"):
        raise ValueError(f"activation must be 'relu' or 'hardtanh', got {activation!r}")
    if activation == "relu":
        cases, mistakes = _pattern_cases(depths, n_nets, seed), _RELU_PATTERN_MISTAKES
        praise = "ReLU units: right."
    else:
        cases, mistakes = _hardtanh_pattern_cases(depths, n_nets, seed), _ANY_PATTERN_MISTAKES
        praise = "Three states and each layer's own limits: right."
    with _activation_pattern_method_off():
        check_function_on_nets(
            fn,
            _lib("regions").activation_pattern,
            cases,
            name="activation_pattern_by_hand",
            mistakes=mistakes,
            shape_hints=_pattern_shape_hints,
            locate=_pattern_locate,
            praise=praise,
        )


def _count_1d_variant(
    net: nn.Module,
    start: np.ndarray,
    end: np.ndarray,
    *,
    thresholds: str = "all",
    bias: bool = True,
    bias_in_patterns: bool = True,
    refine: bool = True,
    at: str = "midpoints",
    count: str = "patterns",
    strict: bool = True,
) -> int:
    """The scaffolded 1-D refinement with one of the usual slips switched on.

    ``thresholds``: "all" (act.thresholds), "lo" or "hi" (one hard-tanh limit only) or "zero"
    (the ReLU threshold for every unit); ``bias``: biases in the pre-activations used to find
    crossings; ``bias_in_patterns``: biases in the final patterns; ``refine``: recompute every
    layer at the points found so far (else at the two end points only); ``at``: read the final
    patterns at interval "midpoints" or at the "points"; ``count``: 1 + pattern changes
    ("patterns") or 1 + crossing events ("events"); ``strict``: a crossing needs strictly
    opposite signs (else a value exactly at the threshold counts).
    """
    mlp = _lib("nets").as_numpy(net)

    def preactivations(x: np.ndarray, with_bias: bool) -> list[np.ndarray]:
        hidden, out = x, []
        for weight, b, act in zip(mlp.weights, mlp.biases, mlp.activations):
            z = hidden @ weight.T + (b if with_bias else 0.0)
            out.append(z)
            hidden = act(z)
        return out

    def points(t: np.ndarray) -> np.ndarray:
        return start + t[:, None] * (end - start)

    t, events = np.array([0.0, 1.0]), 0
    for layer, act in enumerate(mlp.activations):
        z = preactivations(points(t if refine else np.array([0.0, 1.0])), bias)[layer]
        grid = t if refine else np.array([0.0, 1.0])
        chosen = {"all": act.thresholds, "lo": act.thresholds[:1], "hi": act.thresholds[-1:], "zero": (0.0,)}[thresholds]
        new = [t]
        for threshold in chosen:
            s = z - threshold
            left, right = s[:-1], s[1:]
            product = left * right
            i, j = np.nonzero(product < 0 if strict else product <= 0)
            events += len(i)
            gap = left[i, j] - right[i, j]
            ok = gap != 0
            new.append(grid[i[ok]] + (grid[i[ok] + 1] - grid[i[ok]]) * left[i[ok], j[ok]] / gap[ok])
        t = np.unique(np.concatenate(new))
    if count == "events":
        return 1 + events
    where = (t[:-1] + t[1:]) / 2 if at == "midpoints" else t
    z_all = preactivations(points(where), bias_in_patterns)
    pattern = np.concatenate([act.pattern(z) for act, z in zip(mlp.activations, z_all)], axis=1)
    return 1 + int((pattern[1:] != pattern[:-1]).any(axis=1).sum())


_TOUCH_HINT = (
    "a unit that touches its threshold without crossing it (the sawtooth's units do, at every dyadic "
    "point) starts no new region: a crossing needs strictly opposite signs (left * right < 0), and "
    "the regions are counted from the patterns at the midpoints of the intervals, not at the points."
)
_BREAKPOINTS_HINT = "it returned the number of breakpoints; regions = breakpoints + 1 (a segment with no breakpoint is one region)."
_BIAS_HINT = "did you forget the bias? Each layer computes z = h @ W.T + b (or use mlp.preactivations)."
_REFINE_HINT = (
    "refine layer by layer: a deeper unit's pre-activation is affine only between the points found "
    "for the earlier layers, so recompute each layer at ALL the points found so far before looking "
    "for its crossings."
)
_TWO_THRESHOLDS_HINT = (
    "a hard-tanh unit changes its pattern at two thresholds, min_val and max_val: look for crossings "
    "of each of act.thresholds (z - threshold changes sign), not only of 0 or of one limit."
)

_COUNT_1D_MISTAKES = (
    (_TOUCH_HINT, functools.partial(_count_1d_variant, count="events", strict=False)),
    (_TOUCH_HINT, functools.partial(_count_1d_variant, at="points")),
    (_TWO_THRESHOLDS_HINT, functools.partial(_count_1d_variant, thresholds="zero")),
    (_TWO_THRESHOLDS_HINT, functools.partial(_count_1d_variant, thresholds="lo")),
    (_TWO_THRESHOLDS_HINT, functools.partial(_count_1d_variant, thresholds="hi")),
    (_BIAS_HINT, functools.partial(_count_1d_variant, bias=False)),
    (_BIAS_HINT, functools.partial(_count_1d_variant, bias=False, bias_in_patterns=False)),
    (_REFINE_HINT, functools.partial(_count_1d_variant, refine=False)),
)


@dataclass(frozen=True)
class _Segment:
    """One case of the 1-D check: a net, a segment, how to name it, and what kind of net it is."""

    net: nn.Module
    start: np.ndarray
    end: np.ndarray
    label: str
    depth: int
    biased: bool


def _count_1d_cases(kind: str, n_nets: int, seed: int) -> list[_Segment]:
    """The cases for one kind, shallow and bias-free nets first (the fallback hints rely on it)."""
    if kind == "sawtooth":
        sawtooth = _lib("constructions").sawtooth
        depths = (1, 2, 3, 4, 6) if n_nets <= 8 else (1, 2, 3, 5, 8, 12, 16)
        cases = [_Segment(sawtooth(k), np.array([0.0]), np.array([1.0]), f"the sawtooth of depth {k} on [0, 1]", k, True)
                 for k in depths]
        cases += [_Segment(sawtooth(k), np.array([-0.25]), np.array([1.25]), f"the sawtooth of depth {k} on [-0.25, 1.25]",
                           k, True) for k in depths[1::2]]
        return cases
    rng = np.random.default_rng(seed)
    random_mlp = _lib("nets").random_mlp
    cases = []
    for i in range(n_nets):
        depth = 1 + (i * 4) // n_nets  # depths 1, 2, 3, 4 in turn
        in_dim = (1, 2, 3)[i % 3]
        widths = [int(w) for w in rng.integers(1, 9, size=depth)]
        # A bias-free 1-input net has every first-layer kink at x = 0, which the scaffolded
        # refinement rounds into several points a few ulps apart; so 1-input nets always get
        # biases, and half of the others are bias-free.
        biased = in_dim == 1 or i % 2 == 1
        sigma_w = (2**0.5, 2.0, 3.0)[i % 3]
        net = random_mlp(in_dim, widths, activation=kind, sigma_w=sigma_w, sigma_b=0.5 if biased else 0.0,
                         seed=int(rng.integers(2**31)))
        if kind == "hardtanh" and i % 2:
            _with_random_limits(net, rng)
        if in_dim == 1:
            start, end = np.array([-3.0]), np.array([3.0])
        else:
            start, end = 2.0 * rng.normal(size=in_dim), 2.0 * rng.normal(size=in_dim)
        label = (f"a {'' if biased else 'bias-free '}{kind} net with {in_dim} input{'s' * (in_dim > 1)} "
                 f"and hidden widths {widths}")
        cases.append(_Segment(net, start, end, label, depth, biased))
    cases.sort(key=lambda case: (case.depth, case.biased))
    return cases


def _as_count(answer: object, name: str) -> int:
    """A whole number returned by the student's function, or an AssertionError saying why not."""
    if answer is None:
        raise AssertionError(f"{name} returned None: did you forget to return the count?")
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (int, np.integer)):
        advice = " (wrap the count in int(...))" if isinstance(answer, (float, np.floating, np.ndarray)) else ""
        raise AssertionError(f"{name} should return a whole number (an int), got {type(answer).__name__}{advice}.")
    return int(answer)


def check_count_regions_1d(fn: Callable, *, cases: str = "relu", n_nets: int = 8, seed: int = 0) -> None:
    """Check a hand-written exact 1-D region counter ``fn(net, start, end) -> int`` against exprlib.

    ``cases`` picks the networks: "relu" or "hardtanh" (random nets with 1 to 3 inputs, depths
    1 to 4, some bias-free, hard-tanh ones with their own limits) or "sawtooth"
    (:func:`exprlib.constructions.sawtooth`, whose units touch zero without crossing it). On a
    wrong count the message names the case and says too high or too low, never the count, and
    recognises the usual slips: breakpoints counted instead of regions, a touch counted as a
    crossing, one hard-tanh threshold only, a forgotten bias, no layer-by-layer refinement.

    Parameters
    ----------
    fn : callable
        The student's ``count_regions_by_hand(net, start, end)``; gets numpy copies of the points.
    cases : {"relu", "hardtanh", "sawtooth"}
        Which networks to try.
    n_nets : int
        Number of random networks (for "sawtooth", more than 8 adds deeper sawtooths).
    seed : int
        Seed of the random networks and segments.

    Raises
    ------
    AssertionError
        On the first case where ``fn`` disagrees with :func:`exprlib.regions.count_regions_1d`.
    ValueError
        If ``cases`` is not one of the three kinds.

    Examples
    --------
    >>> check_count_regions_1d(lambda net, a, b: reference().regions.count_regions_1d(net, a, b), cases="sawtooth")
    ✓ count_regions_by_hand is exact on 7 sawtooth segments.
    >>> check_count_regions_1d(lambda net, a, b: reference().regions.count_regions_1d(net, a, b) - 1, n_nets=2)
    Traceback (most recent call last):
    ...
    AssertionError: count_regions_by_hand is wrong on a relu net with 1 input and hidden widths [7]: it returned the number of breakpoints; regions = breakpoints + 1 (a segment with no breakpoint is one region).
    """
    if cases not in ("relu", "hardtanh", "sawtooth"):
        raise ValueError(f"cases must be 'relu', 'hardtanh' or 'sawtooth', got {cases!r}")
    if not callable(fn):
        raise AssertionError(f"count_regions_by_hand should be a function, got a {type(fn).__name__}.")
    reference_count = _lib("regions").count_regions_1d
    name = "count_regions_by_hand"
    passed: list[_Segment] = []
    failed: list[tuple[_Segment, int, int]] = []  # (case, answer, expected)
    for case in _count_1d_cases(cases, n_nets, seed):
        expected = reference_count(case.net, case.start, case.end)
        answer = _as_count(fn(case.net, case.start.copy(), case.end.copy()), name)
        if answer == expected:
            passed.append(case)
        else:
            failed.append((case, answer, expected))
    if not failed:
        what = "sawtooth segments" if cases == "sawtooth" else f"random {cases} nets"
        _passed(f"{name} is exact on {len(passed)} {what}.")
        return
    # The slip that explains the most wrong counts (a single case can fit several by chance).
    candidates = [(_BREAKPOINTS_HINT, lambda case, expected: expected - 1)]
    candidates += [(hint, lambda case, expected, v=variant: v(case.net, case.start, case.end))
                   for hint, variant in _COUNT_1D_MISTAKES]
    explained = _best_explanation(failed, candidates)
    if explained is not None:
        hint, (case, _, _) = explained
        raise AssertionError(f"{name} is wrong on {case.label}: {hint}")
    # No known slip gives these counts: say what the cases that passed suggest.
    case, answer, expected = failed[0]
    direction = "too low" if answer < expected else "too high"
    if cases == "sawtooth":
        advice = _TOUCH_HINT if answer > expected else (
            "some regions are missing: at this depth they are very narrow, so no sampling finds them all; "
            "find every crossing exactly, layer by layer.")
    elif case.depth > 1 and any(p.depth == 1 for p in passed):
        advice = f"it is right on the one-layer nets: {_REFINE_HINT}"
    elif case.biased and any(not p.biased for p in passed):
        advice = f"it is right on the bias-free nets: {_BIAS_HINT}"
    elif cases == "hardtanh" and answer < expected:
        advice = _TWO_THRESHOLDS_HINT
    else:
        advice = "go through the steps above: every threshold, strictly opposite signs, all points, midpoints."
    raise AssertionError(f"{name} is wrong on {case.label}, on the segment from {case.start.tolist()} to "
                         f"{case.end.tolist()}: the count is {direction}. {advice}")


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


def _zaslavsky_variants() -> tuple[tuple[str, Callable[[int, int], int]], ...]:
    comb = math.comb
    return (
        ("that is 2^n_1, every on/off combination of the units: in R^n_0 only the subsets of at most n_0 "
         "hyperplanes meet, so sum C(n_1, j) over j = 0..n_0 only.", lambda d, n: 2**n),
        ("that is the count for parallel hyperplanes (n_1 + 1): in general position they cross, and the sum "
         "runs over j = 0..n_0.", lambda d, n: n + 1),
        ("the sum runs over j = 0, 1, ..., n_0 inclusive: range(n_in + 1), not range(n_in).",
         lambda d, n: sum(comb(n, j) for j in range(d))),
        ("you left out j = 0: the term C(n_1, 0) = 1 is the region on the far side of every hyperplane.",
         lambda d, n: sum(comb(n, j) for j in range(1, d + 1))),
        ("the binomials choose j of the n_1 hyperplanes: C(n_units, j), not C(n_in, j).",
         lambda d, n: sum(comb(d, j) for j in range(n + 1))),
    )


def _one_layer_box(net: nn.Module) -> tuple[float, float, float, float]:
    """A square holding every crossing of a 2-input one-layer net's lines, with room to spare."""
    mlp = _lib("nets").as_numpy(net)
    w, b = mlp.weights[0], mlp.biases[0]
    reach = 1.0
    for i in range(len(b)):
        for k in range(i + 1, len(b)):
            det = w[i, 0] * w[k, 1] - w[i, 1] * w[k, 0]
            if det != 0:
                # Cramer's rule for W x = -b restricted to lines i and k: only the box size needs it.
                x = (-b[i] * w[k, 1] + b[k] * w[i, 1]) / det
                y = (-w[i, 0] * b[k] + w[k, 0] * b[i]) / det
                reach = max(reach, abs(x), abs(y))
    half = 2.0 * reach + 1.0
    return (-half, half, -half, half)


def check_zaslavsky(fn: Callable, *, max_in: int = 4, max_units: int = 10, n_nets: int = 3, seed: int = 0) -> None:
    """Check ``fn(n_in, n_units)``, the most regions of n_units hyperplanes in R^n_in, two ways.

    First against :func:`exprlib.bounds.zaslavsky` on every n_in in 1..max_in and n_units in
    1..max_units; then against an exact enumeration: ``n_nets`` random one-hidden-layer nets
    with 2 inputs, counted by :func:`exprlib.regions.count_regions_2d` on a box that holds all
    crossings of their lines (random lines are in general position).

    Parameters
    ----------
    fn : callable
        The student's ``max_regions_one_layer(n_in, n_units)``.
    max_in, max_units : int
        The table's size.
    n_nets : int
        Random nets enumerated.
    seed : int
        Seed of those nets.

    Raises
    ------
    AssertionError
        If ``fn`` returns something other than an int or a wrong count (the message names the
        arguments and the likely slip, never the count).

    Examples
    --------
    >>> check_zaslavsky(lambda d, n: reference().bounds.zaslavsky(d, n), n_nets=1)
    ✓ max_regions_one_layer matches Zaslavsky's formula on 40 (n_in, n_units) pairs and an exact count of 1 random net.
    >>> check_zaslavsky(lambda d, n: 2**n)
    Traceback (most recent call last):
    ...
    AssertionError: max_regions_one_layer(1, 2) is not right: that is 2^n_1, every on/off combination of the units: in R^n_0 only the subsets of at most n_0 hyperplanes meet, so sum C(n_1, j) over j = 0..n_0 only.
    """
    if not callable(fn):
        raise AssertionError(f"max_regions_one_layer should be a function, got a {type(fn).__name__}.")
    zaslavsky = _lib("bounds").zaslavsky
    pairs = [(d, n) for d in range(1, max_in + 1) for n in range(1, max_units + 1)]
    failed = []  # ((n_in, n_units), answer, expected)
    for d, n in pairs:
        call = f"max_regions_one_layer({d}, {n})"
        answer = fn(d, n)
        if isinstance(answer, (float, np.floating)):
            raise AssertionError(f"{call} returned a float ({answer!r}); a count is an int: use math.comb, "
                                 "not scipy.special.comb (which gives floats).")
        answer = _as_count(answer, call)
        expected = zaslavsky(d, n)
        if answer != expected:
            failed.append(((d, n), answer, expected))
    if failed:
        candidates = [(hint, lambda pair, expected, v=variant: v(*pair)) for hint, variant in _zaslavsky_variants()]
        candidates.append(("the arguments come in the order (n_in, n_units).",
                           lambda pair, expected: zaslavsky(pair[1], pair[0])))
        explained = _best_explanation(failed, candidates)
        if explained is not None:
            hint, ((d, n), _, _) = explained
            raise AssertionError(f"max_regions_one_layer({d}, {n}) is not right: {hint}")
        (d, n), answer, expected = failed[0]
        direction = "too low" if answer < expected else "too high"
        raise AssertionError(f"max_regions_one_layer({d}, {n}) is {direction}: the count is the sum over "
                             "j = 0..n_0 of C(n_1, j).")
    nets = [_lib("nets").random_mlp(2, [n], sigma_b=1.0, seed=seed + n) for n in (5, 8, 12, 7, 10, 4)[:n_nets]]
    count_2d = _lib("regions").count_regions_2d
    for net in nets:
        n = net[0].out_features
        box = _one_layer_box(net)
        counted = count_2d(net, box)
        answer = _as_count(fn(2, n), f"max_regions_one_layer(2, {n})")
        if answer != counted:
            direction = "too low" if answer < counted else "too high"
            raise AssertionError(f"max_regions_one_layer(2, {n}) is {direction}: an exact count of a random "
                                 f"one-layer net with {n} units (lines in general position) disagrees.")
    _passed(f"max_regions_one_layer matches Zaslavsky's formula on {len(pairs)} (n_in, n_units) pairs and an exact "
            f"count of {len(nets)} random net{'s' * (len(nets) != 1)}.")


def _missed_counts(depths: Sequence[int], width: int, sigma_b: float, resolution: int, seed: int) -> tuple[list, list]:
    """Exact and sampled region counts on [-1, 1]^2 of random_mlp(2, [width] * depth, seed=seed)."""
    random_mlp = _lib("nets").random_mlp
    regions = _lib("regions")
    box = (-1.0, 1.0, -1.0, 1.0)
    exact, sampled = [], []
    for depth in depths:
        net = random_mlp(2, [width] * depth, sigma_b=sigma_b, seed=seed)
        exact.append(regions.count_regions_2d(net, box))
        sampled.append(regions.count_regions_sampled(net, box=box, resolution=resolution))
    return exact, sampled


def check_missed_regions(
    answer: object,
    *,
    depths: Sequence[int] = (1, 2, 3, 4),
    width: int = 8,
    sigma_b: float = 0.5,
    resolution: int = 64,
    seed: int = 0,
    name: str = "missed",
) -> None:
    """Check a list of "regions that dense sampling misses", exact minus sampled, one per depth.

    For each depth, the net is ``random_mlp(2, [width] * depth, sigma_b=sigma_b, seed=seed)`` on
    the square [-1, 1]^2, exact = :func:`exprlib.regions.count_regions_2d`, sampled =
    :func:`exprlib.regions.count_regions_sampled` at ``resolution``. Messages say which entry is
    wrong and how (sign, swapped counts, the default resolution), never the number.

    Parameters
    ----------
    answer : list of int
        The student's list, one entry per depth.
    depths, width, sigma_b, resolution, seed
        The experiment, as in the lesson.
    name : str
        How messages refer to the answer.

    Raises
    ------
    AssertionError
        If the answer is not a list of whole numbers of the right length or an entry is wrong.

    Examples
    --------
    >>> exact, sampled = _missed_counts((1, 2), 8, 0.5, 64, 0)
    >>> check_missed_regions([e - s for e, s in zip(exact, sampled)], depths=(1, 2))
    ✓ missed is right: sampling 4096 points misses regions, and misses more of them in deeper nets.
    >>> check_missed_regions([s - e for e, s in zip(exact, sampled)], depths=(1, 2))
    Traceback (most recent call last):
    ...
    AssertionError: missed[0] is negative: sampling can never find more regions than there are, so compute exact - sampled.
    """
    if answer is None:
        raise AssertionError(f"{name} is still None: replace None with a list of {len(depths)} whole numbers.")
    if isinstance(answer, np.ndarray):
        answer = answer.tolist()
    if not isinstance(answer, (list, tuple)):
        raise AssertionError(f"{name} should be a list of {len(depths)} whole numbers, got a {type(answer).__name__}.")
    if len(answer) != len(depths):
        raise AssertionError(f"{name} should have {len(depths)} entries, one per depth {tuple(depths)}, got {len(answer)}.")
    values = []
    for i, value in enumerate(answer):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer, float, np.floating)) or (
            isinstance(value, (float, np.floating)) and not float(value).is_integer()
        ):
            raise AssertionError(f"{name}[{i}] should be a whole number (a count of regions), got {value!r}.")
        values.append(int(value))
    exact, sampled = _missed_counts(depths, width, sigma_b, resolution, seed)
    right = [e - s for e, s in zip(exact, sampled)]
    if values == right:
        _passed(f"{name} is right: sampling {resolution**2} points misses regions, and misses more of them in deeper nets.")
        return
    if values == exact:
        raise AssertionError(f"{name} holds the exact counts: subtract the sampled counts (exact - sampled).")
    if values == sampled:
        raise AssertionError(f"{name} holds the sampled counts: compute exact - sampled.")
    default_exact, default_sampled = _missed_counts(depths, width, sigma_b, 256, seed)
    if values == [e - s for e, s in zip(default_exact, default_sampled)]:
        raise AssertionError(f"{name} used count_regions_sampled's default grid: pass resolution={resolution}.")
    for i, (value, good) in enumerate(zip(values, right)):
        if value < 0:
            raise AssertionError(f"{name}[{i}] is negative: sampling can never find more regions than there are, "
                                 "so compute exact - sampled.")
        if value != good:
            direction = "too low" if value < good else "too high"
            raise AssertionError(f"{name}[{i}] (depth {depths[i]}) is {direction}: use random_mlp(2, [{width}] * depth, "
                                 f"sigma_b={sigma_b}, seed={seed}) on the box (-1, 1, -1, 1) and resolution={resolution}.")
