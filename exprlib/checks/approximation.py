"""Checks for lesson 01-universal-approximation: interpolants, bumps, sup errors and rates."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np
from torch import nn

from ._core import WrongAnswer, student_check, _ATOL, _RTOL, _lib, _passed, _real_number, check_array, check_integer, random_nets, reference

__all__ = [
    "check_convergence_rate",
    "check_relu_interpolant",
    "check_sigmoid_bump",
    "check_sup_error",
    "check_units_needed",
]


# Interpolants are sums of at most ~10 terms no larger than the problem's scale (max |y| plus
# max |slope| times the interval length), so float64 rounding stays below ~1e-14 of that scale;
# 1e-9 of it is "the same value", while every slip these checks diagnose moves values by >= 1e-3.
_FIT_RTOL = 1e-9


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


def _structure_diagnosis(mlp, xs: np.ndarray, ys: np.ndarray, values: np.ndarray, atol: float) -> str:
    """Why a one-layer ReLU net with n units is not the interpolant: kinks off the knots, or the values."""
    weights, biases, readout = mlp.weights[0][:, 0], mlp.biases[0], mlp.weights[1][0]
    # A unit bends the output at its kink -b/w only if it has a slope (w != 0) and is read (v != 0).
    bends = (weights != 0) & (readout != 0)
    kinks = -biases[bends] / weights[bends]
    inside = kinks[(kinks > xs[0] + atol) & (kinks < xs[-1] - atol)]
    off = [k for k in inside if not np.isclose(xs, k, rtol=_FIT_RTOL, atol=atol).any()]
    if off:
        return f"it bends at x = {float(off[0]):.3g}, which is no knot. Put every kink at a knot x_i."
    if np.isclose(values, ys, rtol=_FIT_RTOL, atol=atol).all():  # rounding at a kink: no slip to name
        return "it bends only at the knots, yet leaves the straight line between them."
    for hint, variant in _interpolant_mistakes(xs, ys):
        if np.allclose(values, variant, rtol=_FIT_RTOL, atol=atol):
            return f"its kinks sit at the knots, but {hint}"
    return ("its kinks sit at the knots, but it misses the points: check the readout weights (the change of "
            "slope at each knot) and the readout bias (y_0). The points test says more.")


def _build_interpolant(fn: Callable, xs: np.ndarray, ys: np.ndarray, name: str):
    """Call the student's builder; return (net, its NumpyMLP) or an AssertionError to act on."""
    if not callable(fn):
        raise WrongAnswer(f"{name} should be a function, got a {type(fn).__name__}.")
    net = fn(xs.copy(), ys.copy())
    if net is None:
        raise WrongAnswer(f"{name} returned None: did you forget to return the network?")
    if not isinstance(net, nn.Sequential):
        raise WrongAnswer(
            f"{name} should return a torch.nn.Sequential (build it with from_weights), got a {type(net).__name__}."
        )
    try:
        mlp = _lib("nets").as_numpy(net)
    except (TypeError, ValueError) as err:
        raise WrongAnswer(f"{name} returned a network exprlib cannot read: {err}") from None
    if mlp.in_dim != 1 or mlp.out_dim != 1:
        raise WrongAnswer(
            f"{name} should return a network with 1 input and 1 output, got {mlp.in_dim} and {mlp.out_dim}."
        )
    return net, mlp


@student_check
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
                    raise WrongAnswer(f"{name} is wrong {where}: {hint}")
            first = int(np.flatnonzero(~close)[0])
            direction = "too low" if values[first] < ys[first] else "too high"
            raise WrongAnswer(
                f"{name} misses {int((~close).sum())} of {n + 1} points {where}: it is {direction} at x_{first}."
            )
        if any(act.kind != "relu" for act in mlp.activations):
            kinds = [a.kind for a in mlp.activations]
            raise WrongAnswer(f"{name} should use ReLU units (from_weights(..., 'relu')), got {kinds}.")
        if mlp.depth != 1:
            raise WrongAnswer(f"{name} should have ONE hidden layer, got {mlp.depth} (widths {list(mlp.widths)}).")
        if mlp.widths[0] != n:
            extra = (" One unit too many: a hinge at the last knot x_n only bends the network to the right of "
                     "x_n, outside [x_0, x_n]." if mlp.widths[0] == n + 1 else "")
            raise WrongAnswer(
                f"{name} should use n = len(xs) - 1 hidden units, one per piece; it used {mlp.widths[0]} {where}.{extra}"
            )
        grid = np.linspace(xs[0], xs[-1], 40 * n + 1)
        straight = np.interp(grid, xs, ys)
        follows = np.isclose(mlp.forward(grid[:, None])[:, 0], straight, rtol=_FIT_RTOL, atol=atol)
        if not follows.all():
            raise WrongAnswer(f"{name} is not the straight line between neighbouring points {where}: "
                              + _structure_diagnosis(mlp, xs, ys, values, atol))
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


@student_check
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
        raise WrongAnswer(f"{name} should be a function, got a {type(fn).__name__}.")
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
                raise WrongAnswer(f"{name} is wrong {where}: {hint}")
        bad = ~np.isclose(answer, expected, rtol=_RTOL, atol=_ATOL)
        raise WrongAnswer(f"{name} is wrong {where}: it differs at {int(bad.sum())} of {len(x)} points, "
                             f"first near x = {float(x[np.flatnonzero(bad)[0]]):.3g}.")
    _passed(f"{name} agrees with exprlib on {len(cases)} bumps, steep and shallow.")


# Module-level functions, not lambdas: when a submission is autograded they travel to the
# student's kernel by name (exprlib.checks._wire), which a lambda cannot.
def _identity(x: np.ndarray) -> np.ndarray:
    return x


def _parabola(x: np.ndarray) -> np.ndarray:
    return x**2 - 0.25


def _sup_error_cases(n_cases: int, seed: int) -> list[tuple[Callable, Callable, float, float, int, str]]:
    """(approx, target, lo, hi, n_grid, description) pairs of vectorised functions."""
    approximation = _lib("approximation")
    sine, gaussian = approximation.target("sine"), approximation.target("gaussian")
    cases = [
        # The difference is never positive: a max without abs() gives 0.
        (_identity, np.abs, -1.0, 1.0, 10001, "f(x) = x against |x|"),
        (approximation.as_function(approximation.interpolant_net(sine, 4)), sine, -1.0, 1.0, 10001,
         "the 4-unit interpolant of sin(3x)"),
        # Largest gap at an end of [0, 1], not of [-1, 1].
        (np.zeros_like, _parabola, 0.0, 1.0, 2001, "0 against x^2 - 1/4 on [0, 1]"),
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


@student_check
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
        raise WrongAnswer(f"{name} should be a function, got a {type(fn).__name__}.")
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
                raise WrongAnswer(f"{name} is wrong {where}: {hint}")
        direction = "too small" if answer < expected else "too large"
        raise WrongAnswer(f"{name} is wrong {where}: your value is {direction}.")
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
        ("fit one line through ALL the points by least squares, not through the first and last only.",
         float((log_e[-1] - log_e[0]) / (log_n[-1] - log_n[0]))),
        ("regress log(error) on log(units), not the other way round: the line predicts log(error) from "
         "log(units) (which argument of your fit is x, and which is y?).",
         float(np.polyfit(log_e, log_n, 1)[0])),
        ("take logarithms of both the units and the errors: a power law is a straight line on log-log axes.",
         float(np.polyfit(units, errors, 1)[0])),
        ("take logarithms of both the units and the errors: a power law is a straight line on log-log axes.",
         float(np.polyfit(log_n, errors, 1)[0])),
        ("that is the intercept of the fitted line: the rate is the slope, element [0] of a degree-1 fit's "
         "coefficients.",
         float(np.polyfit(log_n, log_e, 1)[1])),
        ("the rate is the slope itself, negative when the error falls: drop the minus sign.", -least_squares),
    ]


@student_check
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
        raise WrongAnswer(f"{name} should be a function, got a {type(fn).__name__}.")
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
                raise WrongAnswer(f"{name} is wrong {where}: {hint}")
        direction = "too steep (too negative)" if answer < expected else "too shallow (not negative enough)"
        raise WrongAnswer(f"{name} is wrong {where}: your slope is {direction}.")
    _passed(f"{name} fits the same slope as exprlib on {len(cases)} data sets.")


@student_check
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


