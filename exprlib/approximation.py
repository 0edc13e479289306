"""Universal approximation in one dimension: what one hidden layer can do, and what it costs in width.

One hidden layer of any non-polynomial activation approximates every continuous function on
an interval as closely as we like (Cybenko 1989 and Hornik 1991 for sigmoids; Leshno, Lin,
Pinkus and Schocken 1993: exactly the non-polynomial activations). The theorem says nothing
about the width. In one dimension the price is explicit: the piecewise-linear interpolant of f
at n + 1 evenly spaced knots is a net of n ReLUs (:func:`interpolant_net`), and for f twice
differentiable

.. math:: \\sup_{[a, b]} |f - f_n| \\le \\frac{h^2}{8} \\max |f''|, \\qquad h = \\frac{b - a}{n},

so the sup error falls like n^-2 (:func:`interpolation_bound`, :func:`convergence_rate`).
A kink that no knot hits costs one power (n^-1); no continuous network gets closer than 1/2 to
a jump of height 1. Sums of sigmoid steps (Cybenko's picture, :func:`sigmoid_staircase`)
converge like n^-1, and gradient descent (:func:`train_shallow`) finds worse nets than the
construction that exists.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

import numpy as np
import torch
from scipy import special
from torch import nn

from ._validation import as_float_array, check_int, check_real
from .constructions import relu_interpolant
from .nets import as_numpy, from_weights

__all__ = [
    "DOMAIN",
    "KINK",
    "SUP_GRID",
    "TARGETS",
    "RateFit",
    "Target",
    "as_function",
    "convergence_rate",
    "feature_rank",
    "interpolant_net",
    "interpolation_bound",
    "knots",
    "sigmoid",
    "sigmoid_bump",
    "sigmoid_staircase",
    "sup_error",
    "target",
    "train_shallow",
]

# Every target and every default interval of this module.
DOMAIN = (-1.0, 1.0)
# Where |x - c| has its kink and the step its jump: sqrt(5) - 2 is irrational, so no evenly
# spaced grid on [-1, 1] (whose knots are rational) ever puts a knot on it.
KINK = math.sqrt(5.0) - 2.0
# Points of the evaluation grid for sup errors. The error of a piecewise-linear fit is smooth
# between kinks, so missing its peak by dx = 1e-4 loses at most max|f''| dx^2 / 2 < 1e-7 for
# the targets here, below every error the lessons measure (n <= 128 units gives >= 1e-4).
SUP_GRID = 20001
# Sigmoid steps of sigmoid_staircase rise over about 4 / sharpness of a cell width: steep
# enough that each step looks like a jump, smooth enough that the sum stays a smooth function.
STAIR_SHARPNESS = 40.0
# Relative singular-value cut-off of feature_rank: float64 rounding of a (200 x n) feature
# matrix is ~1e-16 relative, so 1e-10 separates "numerically zero" from genuine directions.
_RANK_RTOL = 1e-10
_FEATURE_ACTIVATIONS = {
    "relu": lambda z: np.maximum(z, 0.0),
    "square": np.square,
    "cube": lambda z: z**3,
}


# ---------------------------------------------------------------------------------------------
# validation helpers
# ---------------------------------------------------------------------------------------------


def _check_interval(lo: object, hi: object) -> tuple[float, float]:
    lo, hi = check_real("lo", lo), check_real("hi", hi)
    if not lo < hi:
        raise ValueError(f"lo must be < hi, got lo={lo!r}, hi={hi!r}")
    return lo, hi


def _as_points(x: object, name: str = "x") -> np.ndarray:
    """float64 array of any shape with no NaN (infinities allowed: sigmoids handle them)."""
    arr = as_float_array(x, name, expected="an array of real numbers")
    if np.isnan(arr).any():
        raise ValueError(f"{name} must not contain NaN; found {int(np.isnan(arr).sum())} NaN entries")
    return arr


# ---------------------------------------------------------------------------------------------
# targets
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A target function on :data:`DOMAIN` with the constant of the interpolation bound.

    ``max_abs_f2`` is max |f''| over the whole real line (so on every interval), or ``inf``
    where f'' does not exist (a kink or a jump): then no h^2/8 bound applies.

    Examples
    --------
    >>> t = target("sine")
    >>> t.formula, t.max_abs_f2, t.smooth
    ('sin(3x)', 9.0, True)
    >>> t(np.array([0.0]))
    array([0.])
    """

    name: str
    formula: str
    max_abs_f2: float
    fn: Callable[[np.ndarray], np.ndarray] = field(repr=False, compare=False)

    @property
    def smooth(self) -> bool:
        """Whether f'' is bounded, so that :func:`interpolation_bound` applies."""
        return math.isfinite(self.max_abs_f2)

    def __call__(self, x: object) -> np.ndarray:
        return self.fn(_as_points(x))


def _triangle_wave(x: np.ndarray, teeth: int = 5) -> np.ndarray:
    # t runs over [0, 2 teeth] on [-1, 1]; each unit of t is one linear piece, up then down.
    t = teeth * (x + 1.0)
    return 1.0 - np.abs(np.mod(t, 2.0) - 1.0)


TARGETS: Mapping[str, Target] = MappingProxyType({
    t.name: t
    for t in (
        # |f''| = 9 |sin 3x| peaks at x = pi/6, inside [-1, 1].
        Target("sine", "sin(3x)", 9.0, lambda x: np.sin(3.0 * x)),
        # f'' = (256 x^2 - 16) exp(-8x^2): largest |f''| is 16, at x = 0.
        Target("gaussian", "exp(-8x²)", 16.0, lambda x: np.exp(-8.0 * x**2)),
        Target("abs", "|x - c|, c = √5 - 2", math.inf, lambda x: np.abs(x - KINK)),
        Target("step", "0 for x < c, 1 for x ≥ c (c = √5 - 2)", math.inf, lambda x: (x >= KINK).astype(np.float64)),
        Target("sawtooth", "triangle wave, 5 teeth (10 linear pieces)", math.inf, _triangle_wave),
    )
})


def target(name: str) -> Target:
    """The target function called ``name`` (one of :data:`TARGETS`).

    Parameters
    ----------
    name : {"sine", "gaussian", "abs", "step", "sawtooth"}

    Returns
    -------
    Target
        Callable on arrays; ``max_abs_f2`` is the constant of :func:`interpolation_bound`.

    Raises
    ------
    TypeError
        If ``name`` is not a str.
    ValueError
        If there is no target of that name.

    Examples
    --------
    >>> target("abs").smooth
    False
    >>> target("gaussian")(np.array([0.0, 0.5])).round(4)
    array([1.    , 0.1353])
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, one of {sorted(TARGETS)}, got {name!r}")
    if name not in TARGETS:
        raise ValueError(f"name must be one of {sorted(TARGETS)}, got {name!r}")
    return TARGETS[name]


def _as_function(f: object, name: str) -> Callable[[np.ndarray], np.ndarray]:
    """A target name, Target, 1-in/1-out network or vectorised callable as x (n,) -> y (n,)."""
    if isinstance(f, str):
        return target(f)
    if isinstance(f, Target):
        return f
    if isinstance(f, nn.Module):
        return as_function(f)
    if not callable(f):
        raise TypeError(f"{name} must be a target name, a network or a function of an array, got {type(f).__name__}")

    def vectorised(x: np.ndarray) -> np.ndarray:
        y = f(x)
        if isinstance(y, torch.Tensor):
            y = y.detach().cpu().numpy()
        y = np.asarray(y, dtype=np.float64)
        if y.shape == (len(x), 1):
            y = y[:, 0]
        if y.shape != x.shape:
            raise ValueError(f"{name} must return one value per point, shape {x.shape}, got shape {y.shape}")
        return y

    return vectorised


def as_function(net: nn.Module) -> Callable[[np.ndarray], np.ndarray]:
    """A one-input, one-output network as a numpy function x (n,) -> f(x) (n,), in float64.

    Parameters
    ----------
    net : torch.nn.Sequential
        A network with one input and one output (see :func:`exprlib.nets.as_numpy`).

    Returns
    -------
    callable
        ``f(x)`` for a 1-D array ``x``.

    Raises
    ------
    TypeError
        If ``net`` is not a supported network.
    ValueError
        If it does not have one input and one output.

    Examples
    --------
    >>> f = as_function(from_weights([[[1.0]], [[2.0]]], [[0.0], [1.0]]))
    >>> f(np.array([-1.0, 0.5]))
    array([1., 2.])
    """
    mlp = as_numpy(net)
    if mlp.in_dim != 1 or mlp.out_dim != 1:
        raise ValueError(f"net must have 1 input and 1 output, got {mlp.in_dim} and {mlp.out_dim}")

    def f(x: object) -> np.ndarray:
        points = _as_points(x)
        return mlp.forward(points.reshape(-1, 1))[:, 0].reshape(points.shape)

    f.__exprlib_net__ = net  # lets the grader send this function to a student's kernel as its net
    return f


# ---------------------------------------------------------------------------------------------
# the exact ReLU interpolant and its error
# ---------------------------------------------------------------------------------------------


def knots(n_units: int, *, lo: float = DOMAIN[0], hi: float = DOMAIN[1]) -> np.ndarray:
    """The n + 1 evenly spaced knots x_i = lo + i h, h = (hi - lo) / n, of an n-unit interpolant.

    Parameters
    ----------
    n_units : int
        Number of ReLU units n >= 1.
    lo, hi : float
        The interval, lo < hi.

    Returns
    -------
    (n + 1,) float64 ndarray

    Raises
    ------
    TypeError
        If ``n_units`` is not an int or ``lo``/``hi`` are not numbers.
    ValueError
        If ``n_units`` < 1 or the interval is empty.

    Examples
    --------
    >>> knots(4)
    array([-1. , -0.5,  0. ,  0.5,  1. ])
    >>> knots(1, lo=0.0, hi=3.0)
    array([0., 3.])
    """
    n_units = check_int("n_units", n_units)
    lo, hi = _check_interval(lo, hi)
    return np.linspace(lo, hi, n_units + 1)


def interpolant_net(f: object, n_units: int, *, lo: float = DOMAIN[0], hi: float = DOMAIN[1]) -> nn.Sequential:
    """The n-unit ReLU network through (x_i, f(x_i)) at the :func:`knots` (one hidden layer).

    .. math:: f_n(x) = f(x_0) + s_0\\,\\mathrm{relu}(x - x_0)
              + \\sum_{i=1}^{n-1} (s_i - s_{i-1})\\,\\mathrm{relu}(x - x_i),
              \\qquad s_i = \\frac{f(x_{i+1}) - f(x_i)}{h}

    built by :func:`exprlib.constructions.relu_interpolant`.

    Parameters
    ----------
    f : str, Target or callable
        The target (a name from :data:`TARGETS`, or a vectorised function).
    n_units : int
        Number of hidden units n >= 1.
    lo, hi : float
        The interval.

    Returns
    -------
    torch.nn.Sequential
        float64, widths [n], one input and one output.

    Raises
    ------
    TypeError, ValueError
        For a bad target, unit count or interval.

    Examples
    --------
    >>> net = interpolant_net("abs", 2)
    >>> as_numpy(net).widths, as_function(net)(knots(2)).round(4)
    ((2,), array([1.2361, 0.2361, 0.7639]))
    """
    fn = _as_function(f, "f")
    xs = knots(n_units, lo=lo, hi=hi)
    return relu_interpolant(xs, fn(xs))


def sup_error(
    approx: object,
    target: object,
    *,
    lo: float = DOMAIN[0],
    hi: float = DOMAIN[1],
    n_grid: int = SUP_GRID,
) -> float:
    """The sup error max |approx(x) - target(x)| over ``n_grid`` evenly spaced x in [lo, hi].

    A grid maximum never exceeds the true supremum; see :data:`SUP_GRID` for how close the
    default grid gets.

    Parameters
    ----------
    approx, target : str, Target, network or callable
        Target names, 1-in/1-out networks or vectorised functions of a 1-D array.
    lo, hi : float
        The interval, lo < hi.
    n_grid : int
        Number of grid points, >= 2 (both ends included).

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If the interval is empty, ``n_grid`` < 2, or a function returns the wrong shape or NaN.

    Examples
    --------
    >>> sup_error(np.abs, lambda x: x)
    2.0
    >>> round(sup_error(interpolant_net("sine", 8), "sine"), 4)
    0.0663
    """
    approx_fn = _as_function(approx, "approx")
    target_fn = _as_function(target, "target")
    lo, hi = _check_interval(lo, hi)
    n_grid = check_int("n_grid", n_grid, minimum=2)
    x = np.linspace(lo, hi, n_grid)
    difference = approx_fn(x) - target_fn(x)  # (n_grid,)
    if np.isnan(difference).any():
        raise ValueError(f"approx or target returned NaN at {int(np.isnan(difference).sum())} grid points")
    return float(np.abs(difference).max())


def interpolation_bound(
    n_units: int | np.ndarray,
    max_abs_f2: float,
    *,
    lo: float = DOMAIN[0],
    hi: float = DOMAIN[1],
) -> float | np.ndarray:
    """The bound h^2/8 max|f''| on the sup error of the n-unit interpolant, h = (hi - lo) / n.

    On a cell [a, a + h] the interpolation error is e(x) = -f''(xi) (x - a)(a + h - x) / 2 for
    some xi in the cell, and (x - a)(a + h - x) <= h^2 / 4.

    Parameters
    ----------
    n_units : int or array_like of int
        Number of units n >= 1 (elementwise).
    max_abs_f2 : float
        max |f''| on [lo, hi], >= 0; ``inf`` gives ``inf`` (no bound).
    lo, hi : float
        The interval.

    Returns
    -------
    float or ndarray
        Same shape as ``n_units``.

    Raises
    ------
    TypeError
        If a unit count is not an integer or ``max_abs_f2`` is not a number.
    ValueError
        If a unit count is < 1, ``max_abs_f2`` is negative or NaN, or the interval is empty.

    Examples
    --------
    >>> interpolation_bound(4, 9.0)
    0.28125
    >>> interpolation_bound([4, 8], 9.0)
    array([0.28125  , 0.0703125])
    >>> interpolation_bound(4, float("inf"))
    inf
    """
    units = np.asarray(n_units)
    if units.dtype == np.bool_ or not np.issubdtype(units.dtype, np.integer):
        raise TypeError(f"n_units must be an int or an array of ints >= 1, got {n_units!r}")
    if (units < 1).any():
        raise ValueError(f"n_units must be >= 1 everywhere, got {units.tolist()}")
    if isinstance(max_abs_f2, (bool, np.bool_)) or not isinstance(max_abs_f2, (int, float, np.integer, np.floating)):
        raise TypeError(f"max_abs_f2 must be a real number, got {max_abs_f2!r}")
    if math.isnan(max_abs_f2) or max_abs_f2 < 0:
        raise ValueError(f"max_abs_f2 must be >= 0 (inf allowed), got {max_abs_f2!r}")
    lo, hi = _check_interval(lo, hi)
    h = (hi - lo) / units.astype(np.float64)
    bound = h**2 / 8.0 * float(max_abs_f2)
    return float(bound) if bound.ndim == 0 else bound


class RateFit(NamedTuple):
    """error ≈ constant · n^rate, fitted by least squares on log-log axes."""

    rate: float
    constant: float


def convergence_rate(n_units: object, errors: object) -> RateFit:
    """Fit error ≈ C n^p by least squares on log-log axes: the slope p is the convergence rate.

    .. math:: (p, \\log C) = \\arg\\min \\sum_i (\\log e_i - \\log C - p \\log n_i)^2

    Parameters
    ----------
    n_units : (m,) array_like
        Positive unit counts, at least two different ones.
    errors : (m,) array_like
        Positive finite errors (a zero error has no logarithm).

    Returns
    -------
    RateFit
        ``rate`` p (about -2 for a smooth target and the ReLU interpolant) and ``constant`` C.

    Raises
    ------
    TypeError
        If an argument is not numeric.
    ValueError
        If the shapes differ or are not 1-D, fewer than 2 points or distinct unit counts are
        given, or a value is NaN, infinite or not positive.

    Examples
    --------
    >>> fit = convergence_rate([10, 20, 40], [1e-2, 2.5e-3, 6.25e-4])
    >>> round(fit.rate, 12), round(fit.constant, 12)
    (-2.0, 1.0)
    """
    n = _as_points(n_units, "n_units")
    e = _as_points(errors, "errors")
    if n.ndim != 1 or e.shape != n.shape:
        raise ValueError(f"n_units and errors must be 1-D of the same length, got shapes {n.shape} and {e.shape}")
    if len(n) < 2:
        raise ValueError(f"need at least 2 (units, error) pairs to fit a rate, got {len(n)}")
    for name, values in (("n_units", n), ("errors", e)):
        bad = ~(np.isfinite(values) & (values > 0))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"{name} must be finite and > 0 (logarithms are taken), got {name}[{i}] = {float(values[i])!r}"
            )
    if np.all(n == n[0]):
        raise ValueError(f"n_units must hold at least 2 different values to fit a slope, got {n.tolist()}")
    log_n, log_e = np.log(n), np.log(e)
    centred = log_n - log_n.mean()
    rate = float(centred @ (log_e - log_e.mean()) / (centred @ centred))
    constant = float(np.exp(log_e.mean() - rate * log_n.mean()))
    return RateFit(rate, constant)


# ---------------------------------------------------------------------------------------------
# sigmoids: steps, bumps and staircases (Cybenko's picture)
# ---------------------------------------------------------------------------------------------


def sigmoid(z: object) -> np.ndarray:
    """The logistic sigmoid 1 / (1 + exp(-z)), without overflow for large |z|.

    Parameters
    ----------
    z : array_like

    Returns
    -------
    float64 ndarray, same shape

    Raises
    ------
    TypeError
        If ``z`` is not numeric.
    ValueError
        If ``z`` contains NaN.

    Examples
    --------
    >>> sigmoid(np.array([-np.inf, 0.0, 800.0]))
    array([0. , 0.5, 1. ])
    """
    return special.expit(_as_points(z, "z"))


def sigmoid_bump(x: object, *, left: float, right: float, steepness: float) -> np.ndarray:
    """A bump from two sigmoid steps: sigma(k (x - a)) - sigma(k (x - b)), a < b.

    For steep k it is close to 1 on (a, b) and to 0 outside; at x = a and x = b it is about 1/2.

    Parameters
    ----------
    x : array_like
        Points.
    left, right : float
        The bump's edges a < b.
    steepness : float
        k > 0; the edges rise over about 4 / k.

    Returns
    -------
    float64 ndarray, the shape of ``x``

    Raises
    ------
    TypeError
        If an argument is not numeric.
    ValueError
        If ``x`` holds NaN, ``left >= right`` or ``steepness <= 0``.

    Examples
    --------
    >>> sigmoid_bump(np.array([-1.0, 0.0, 1.0]), left=-0.5, right=0.5, steepness=50.0).round(6)
    array([0., 1., 0.])
    >>> float(sigmoid_bump(0.5, left=-0.5, right=0.5, steepness=50.0).round(6))
    0.5
    """
    x = _as_points(x)
    left, right = check_real("left", left), check_real("right", right)
    steepness = check_real("steepness", steepness, positive=True)
    if not left < right:
        raise ValueError(f"left must be < right, got left={left!r}, right={right!r}")
    return special.expit(steepness * (x - left)) - special.expit(steepness * (x - right))


def sigmoid_staircase(
    f: object,
    n_units: int,
    *,
    lo: float = DOMAIN[0],
    hi: float = DOMAIN[1],
    sharpness: float = STAIR_SHARPNESS,
) -> Callable[[np.ndarray], np.ndarray]:
    """Cybenko's picture: f as a sum of n sigmoid steps (a staircase), one hidden layer.

    Cut [lo, hi] into n + 1 cells of width h = (hi - lo) / (n + 1) with midpoints m_j and inner
    edges a_i = lo + i h. The network

    .. math:: g(x) = f(m_0) + \\sum_{i=1}^{n} \\big(f(m_i) - f(m_{i-1})\\big)\\,
              \\sigma\\big(\\tfrac{s}{h}(x - a_i)\\big)

    is the sum of bumps f(m_j) [sigma_j - sigma_{j+1}] (sigma_0 = 1, sigma_{n+1} = 0): about
    f(m_j) on cell j. Its sup error is about h/2 max|f'|, so it converges like n^-1.

    Parameters
    ----------
    f : str, Target or callable
        The target.
    n_units : int
        Number of sigmoid units n >= 1.
    lo, hi : float
        The interval.
    sharpness : float
        s > 0: each step rises over about 4/s of a cell.

    Returns
    -------
    callable
        ``g(x)`` for an array ``x``.

    Raises
    ------
    TypeError, ValueError
        For a bad target, unit count, interval or sharpness.

    Examples
    --------
    >>> g = sigmoid_staircase(lambda x: x, 1, lo=0.0, hi=2.0)
    >>> g(np.array([0.0, 1.0, 2.0])).round(6)
    array([0.5, 1. , 1.5])
    """
    fn = _as_function(f, "f")
    n_units = check_int("n_units", n_units)
    lo, hi = _check_interval(lo, hi)
    sharpness = check_real("sharpness", sharpness, positive=True)
    h = (hi - lo) / (n_units + 1)
    midpoints = lo + (np.arange(n_units + 1) + 0.5) * h  # (n + 1,)
    edges = lo + np.arange(1, n_units + 1) * h  # (n,)
    heights = fn(midpoints)
    jumps = np.diff(heights)  # (n,) readout weights of the steps
    k = sharpness / h

    def staircase(x: object) -> np.ndarray:
        points = _as_points(x)
        steps = special.expit(k * (points[..., None] - edges))  # (..., n)
        return heights[0] + steps @ jumps

    return staircase


def feature_rank(activation: str, n_units: int, *, seed: int, n_points: int = 200) -> int:
    """The dimension of the functions n random units of one activation can add up to, on [-1, 1].

    The numerical rank of the (n_points, n + 1) matrix [sigma(w_j (x_i - u_j)) | 1] on evenly
    spaced x_i in [-1, 1], with w_j ~ N(0, 1) and each u_j the midpoint of its own grid cell
    (interior cells, drawn without replacement): every one-hidden-layer net with these units is a
    combination of the columns. For ReLU the rank is exactly n + 1 (each kink bends the columns
    in a cell no other unit touches); for a polynomial activation of degree d it is at most d + 1
    whatever n is, which is why polynomial activations are not universal (Leshno et al. 1993).

    Parameters
    ----------
    activation : {"relu", "square", "cube"}
    n_units : int
        Number of units n >= 1, at most ``n_points - 3``.
    seed : int
        Seeds the random w and the cells of the u.
    n_points : int
        Evenly spaced points in [-1, 1], >= 4.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        For an unknown activation, a count out of range or a negative seed.

    Examples
    --------
    >>> feature_rank("relu", 20, seed=0), feature_rank("square", 20, seed=0), feature_rank("cube", 20, seed=0)
    (21, 3, 4)
    """
    if not isinstance(activation, str):
        raise TypeError(f"activation must be a str, one of {sorted(_FEATURE_ACTIVATIONS)}, got {activation!r}")
    if activation not in _FEATURE_ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(_FEATURE_ACTIVATIONS)}, got {activation!r}")
    n_units = check_int("n_units", n_units)
    n_points = check_int("n_points", n_points, minimum=4)
    seed = check_int("seed", seed, minimum=0)
    if n_units > n_points - 3:
        raise ValueError(
            f"n_units must be <= n_points - 3 = {n_points - 3} (one interior grid cell per unit), got {n_units}"
        )
    rng = np.random.default_rng(seed)
    x = np.linspace(*DOMAIN, n_points)
    # Interior cells only: a kink in the first or last cell would touch a single grid point.
    cells = rng.choice(np.arange(1, n_points - 2), size=n_units, replace=False)
    kinks = (x[cells] + x[cells + 1]) / 2.0
    w = rng.normal(size=n_units)
    features = _FEATURE_ACTIVATIONS[activation]((x[:, None] - kinks) * w)  # (n_points, n)
    columns = np.hstack([features, np.ones((n_points, 1))])
    singular = np.linalg.svd(columns, compute_uv=False)
    return int((singular > _RANK_RTOL * singular[0]).sum())


# ---------------------------------------------------------------------------------------------
# gradient descent
# ---------------------------------------------------------------------------------------------


def train_shallow(
    f: object,
    n_units: int,
    *,
    seed: int,
    steps: int = 300,
    learning_rate: float = 0.03,
    n_train: int = 256,
    lo: float = DOMAIN[0],
    hi: float = DOMAIN[1],
) -> nn.Sequential:
    """Train a one-hidden-layer ReLU net on f by full-batch gradient descent (Adam), in float64.

    Unit j starts as the hinge relu(s_j (x - u_j)) with its kink u_j uniform on [lo, hi] and a
    random direction s_j = +-1 (so no unit starts dead on the interval); readout weights start
    at N(0, 1/n), the readout bias at 0. Then ``steps`` Adam steps minimise the mean squared
    error on ``n_train`` evenly spaced points. The same seed gives the same network.

    Parameters
    ----------
    f : str, Target or callable
        The target.
    n_units : int
        Hidden units n >= 1.
    seed : int
        Seeds the initialisation (the rest is deterministic).
    steps : int
        Adam steps, >= 1 (a few hundred keep it well under a second).
    learning_rate : float
        Adam's step size, > 0.
    n_train : int
        Training points, >= 2.
    lo, hi : float
        The interval.

    Returns
    -------
    torch.nn.Sequential
        float64 ReLU network, widths [n], one input and one output.

    Raises
    ------
    TypeError, ValueError
        For a bad argument.

    Examples
    --------
    >>> net = train_shallow("sine", 16, seed=0)
    >>> as_numpy(net).widths, sup_error(net, "sine") < sup_error(train_shallow("sine", 2, seed=0), "sine")
    ((16,), True)
    """
    fn = _as_function(f, "f")
    n_units = check_int("n_units", n_units)
    seed = check_int("seed", seed, minimum=0)
    steps = check_int("steps", steps)
    learning_rate = check_real("learning_rate", learning_rate, positive=True)
    n_train = check_int("n_train", n_train, minimum=2)
    lo, hi = _check_interval(lo, hi)

    rng = np.random.default_rng(seed)
    kinks = rng.uniform(lo, hi, n_units)
    directions = rng.choice([-1.0, 1.0], n_units)
    readout = rng.normal(0.0, 1.0 / math.sqrt(n_units), (1, n_units))
    initial = (directions[:, None], -directions * kinks, readout, np.zeros(1))
    w1, b1, w2, b2 = (torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in initial)
    x = np.linspace(lo, hi, n_train)
    inputs = torch.from_numpy(x[:, None])  # (n_train, 1)
    targets = torch.from_numpy(fn(x)[:, None])
    optimiser = torch.optim.Adam([w1, b1, w2, b2], lr=learning_rate)
    for _ in range(steps):
        optimiser.zero_grad()
        hidden = torch.relu(inputs @ w1.T + b1)  # (n_train, n)
        loss = ((hidden @ w2.T + b2 - targets) ** 2).mean()
        loss.backward()
        optimiser.step()
    params = [p.detach().numpy() for p in (w1, b1, w2, b2)]
    return from_weights([params[0], params[2]], [params[1], params[3]], "relu")
