"""Checks for lesson 04-trajectory-length: polyline length, growth rate, Raghu's beta, transitions.

Each check compares the student's answer with :mod:`exprlib.trajectory` (a private copy, see
:func:`reference`) on fixed and random cases, and when they differ it names the likely slip
(a missing square root, the first and last layer only, sigma_w^2 for sigma_w, patterns read on a
boundary, ...) without printing the expected value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ._core import WrongAnswer, _as_count, _lib, _passed, _real_number, reference, student_check  # noqa: F401 (reference: doctests)

__all__ = [
    "BETA_SHORTCUTS",
    "GROWTH_SHORTCUTS",
    "LAYER_TRANSITION_SHORTCUTS",
    "LENGTH_SHORTCUTS",
    "check_beta",
    "check_beta_gap",
    "check_growth_rate",
    "check_layer_transitions",
    "check_polyline_length",
    "check_proportional_fit",
]

# The exprlib functions that would answer an exercise for the student: switched off (with
# :func:`forbid`) while that exercise is graded.
LENGTH_SHORTCUTS = ("exprlib.trajectory.length", "exprlib.trajectory.layer_lengths")
GROWTH_SHORTCUTS = ("exprlib.trajectory.growth_rate",)
BETA_SHORTCUTS = ("exprlib.trajectory.raghu_beta",)
LAYER_TRANSITION_SHORTCUTS = tuple(
    f"exprlib.trajectory.{name}" for name in ("exact_layer_transitions_arc", "exact_arc_profile", "arc_length_experiment")
)

# Student and reference both compute a few hundred float64 operations: agreement to 1e-9
# relative is "the same number", and every slip below moves the answer by far more.
_RTOL = 1e-9
_ATOL = 1e-12


def _close(a: float, b: float, rtol: float = _RTOL) -> bool:
    return bool(np.isclose(a, b, rtol=rtol, atol=_ATOL))


def _explain(answer: float, mistakes: Sequence[tuple[str, float]], rtol: float = _RTOL) -> str | None:
    """The hint of the first modelled slip that reproduces ``answer``, if any."""
    for hint, value in mistakes:
        if np.isfinite(value) and _close(answer, value, rtol):
            return hint
    return None


def _callable(fn: object, name: str) -> None:
    if not callable(fn):
        raise WrongAnswer(f"{name} should be a function, got a {type(fn).__name__}.")


# ---------------------------------------------------------------------------------------------
# Exercise 1: the length of a polyline
# ---------------------------------------------------------------------------------------------


def _polyline_cases(n_cases: int, seed: int) -> list[tuple[np.ndarray, str]]:
    trajectory = _lib("trajectory")
    cases = [
        (np.array([[0.0, 0.0], [3.0, 4.0], [3.0, 5.0]]), "the points (0, 0), (3, 4), (3, 5)"),
        (np.array([[0.0], [2.0], [1.0], [4.0]]), "a path in R^1 that goes back and forth"),
        (np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [2.0, 2.0, 3.0]]), "a path with a repeated point"),
        (trajectory.arc(6, 40, seed=seed + 1), "40 points of a random arc in R^6"),
    ]
    rng = np.random.default_rng(seed)
    for _ in range(n_cases):
        n, d = int(rng.integers(3, 30)), int(rng.integers(2, 8))
        cases.append((rng.normal(0.0, 2.0, size=(n, d)), f"a random polyline of {n} points in R^{d}"))
    return cases


def _polyline_mistakes(points: np.ndarray) -> list[tuple[str, float]]:
    steps = np.diff(points, axis=0)
    step_lengths = np.sqrt((steps**2).sum(axis=1))
    return [
        ("you added the squared lengths of the steps: take the square root of each step's squared length "
         "first, then add.", float((steps**2).sum())),
        ("the norm of the whole array of steps is one number (the root of the sum of ALL squares): take the "
         "Euclidean length of each step (one per row) separately, then add them.", float(np.sqrt((steps**2).sum()))),
        ("that is the straight distance from the first point to the last: add up the lengths of all the steps.",
         float(np.sqrt(((points[-1] - points[0]) ** 2).sum()))),
        ("a trajectory is an open path: do not add a step from the last point back to the first.",
         float(step_lengths.sum() + np.sqrt(((points[-1] - points[0]) ** 2).sum()))),
        ("use the Euclidean length of each step, not the sum of the absolute values of its coordinates.",
         float(np.abs(steps).sum())),
        ("take differences between consecutive points (rows), not between coordinates (columns).",
         float(np.sqrt((np.diff(points, axis=1) ** 2).sum(axis=1)).sum()) if points.shape[1] > 1 else np.nan),
        ("there are n - 1 steps between n points: the first or the last step is missing.", float(step_lengths[1:].sum())),
        ("there are n - 1 steps between n points: the first or the last step is missing.", float(step_lengths[:-1].sum())),
    ]


@student_check
def check_polyline_length(fn: Callable, *, n_cases: int = 6, seed: int = 0, name: str = "polyline_length") -> None:
    """Check ``fn(points)``: the length sum_i |p_{i+1} - p_i| of the polyline through the rows.

    Compared with :func:`exprlib.trajectory.length` on fixed paths (a 3-4-5 triangle, a path
    that turns back in R^1, a repeated point, a sampled arc) and ``n_cases`` random ones.

    Parameters
    ----------
    fn : callable
        The student's ``polyline_length(points)``.
    n_cases : int
        Random polylines on top of the fixed ones.
    seed : int
        Seed of the random polylines.
    name : str
        How messages refer to ``fn``.

    Raises
    ------
    AssertionError
        On the first polyline where ``fn`` disagrees; the message names the likely slip.

    Examples
    --------
    >>> check_polyline_length(lambda p: float(np.linalg.norm(np.diff(p, axis=0), axis=1).sum()), n_cases=2)
    ✓ polyline_length is right on 6 polylines, from R^1 to R^7.
    >>> check_polyline_length(lambda p: float(np.linalg.norm(p[-1] - p[0])))
    Traceback (most recent call last):
    ...
    exprlib.checks.WrongAnswer: polyline_length is wrong on the points (0, 0), (3, 4), (3, 5): that is the straight distance from the first point to the last: add up the lengths of all the steps.
    """
    _callable(fn, name)
    length = _lib("trajectory").length
    cases = _polyline_cases(n_cases, seed)
    for points, description in cases:
        expected = length(points)
        answer = _real_number(fn(points.copy()), name, "the length")
        if _close(answer, expected):
            continue
        hint = _explain(answer, _polyline_mistakes(points))
        if hint is None:
            direction = "too long" if answer > expected else "too short"
            hint = f"your length is {direction}: add the Euclidean lengths of the n - 1 steps between consecutive points."
        raise WrongAnswer(f"{name} is wrong on {description}: {hint}")
    _passed(f"{name} is right on {len(cases)} polylines, from R^1 to R^7.")


# ---------------------------------------------------------------------------------------------
# Exercise 2: the growth rate per layer, by a log-linear least-squares fit
# ---------------------------------------------------------------------------------------------


def _growth_cases(n_cases: int, seed: int) -> list[tuple[np.ndarray, str]]:
    trajectory = _lib("trajectory")
    lengths, _ = trajectory.arc_length_experiment(12, 5, sigma_w=3.0, activation="hardtanh", seeds=(seed,))
    cases = [
        (2.0 ** np.arange(5.0), "the exactly geometric lengths 1, 2, 4, 8, 16"),
        (np.array([3.0, 3.0, 3.0]), "three equal lengths"),
        (lengths[0, 1:], "measured lengths of a hard-tanh net"),
    ]
    rng = np.random.default_rng(seed)
    for _ in range(n_cases):
        m = int(rng.integers(4, 10))
        rate = float(rng.uniform(0.5, 2.5))
        values = float(rng.uniform(0.5, 50.0)) * rate ** np.arange(m) * np.exp(rng.normal(0.0, 0.2, m))
        cases.append((values, f"{m} noisy, roughly geometric lengths"))
    return cases


def _growth_mistakes(lengths: np.ndarray) -> list[tuple[str, float]]:
    layers = np.arange(len(lengths), dtype=np.float64)
    log_l = np.log(lengths)
    slope, intercept = np.polyfit(layers, log_l, 1)
    m = len(lengths)
    return [
        ("that is the slope of log(length) against the layer: the growth factor per layer is exp(slope).",
         float(slope)),
        ("fit a line through ALL the layers by least squares, not through the first and last only.",
         float((lengths[-1] / lengths[0]) ** (1.0 / (m - 1)))),
        ("the mean of the layer-to-layer ratios is not a least-squares fit: fit a straight line to log(length) "
         "against the layer index.", float(np.mean(lengths[1:] / lengths[:-1]))),
        ("the logarithm and the power must use the same base (natural log with exp, or log10 with 10**).",
         float(np.exp(np.polyfit(layers, np.log10(lengths), 1)[0]))),
        ("the logarithm and the power must use the same base (natural log with exp, or log10 with 10**).",
         float(10.0 ** slope)),
        ("np.polyfit returns [slope, intercept]: the growth comes from the slope, element [0].", float(np.exp(intercept))),
        ("take the logarithm of the lengths first: geometric growth is a straight line only on a log scale.",
         float(np.polyfit(layers, lengths, 1)[0])),
        ("take the logarithm of the lengths first: geometric growth is a straight line only on a log scale.",
         float(np.exp(np.polyfit(layers, lengths, 1)[0]))),
        ("regress log(length) on the layer index, not the other way round: np.polyfit(x, y, 1) fits y against x.",
         float(np.exp(np.polyfit(log_l, layers, 1)[0])) if np.ptp(log_l) > 0 else np.nan),
    ]


@student_check
def check_growth_rate(fn: Callable, *, n_cases: int = 4, seed: int = 0, name: str = "growth_rate_by_hand") -> None:
    """Check ``fn(lengths)`` = exp(least-squares slope of log(lengths) against the layer index).

    Compared with :func:`exprlib.trajectory.growth_rate` on exact geometric lengths, constant
    lengths, measured lengths of a random hard-tanh net and ``n_cases`` noisy sequences.

    Parameters
    ----------
    fn : callable
        The student's ``growth_rate_by_hand(lengths)``.
    n_cases : int
        Noisy sequences on top of the fixed ones.
    seed : int
        Seed of the noisy sequences and of the measured net.
    name : str
        How messages refer to ``fn``.

    Raises
    ------
    AssertionError
        On the first sequence where ``fn`` disagrees; the message names the likely slip.

    Examples
    --------
    >>> check_growth_rate(lambda l: reference().trajectory.growth_rate(l), n_cases=1)
    ✓ growth_rate_by_hand fits the same growth per layer as exprlib on 4 sequences.
    >>> check_growth_rate(lambda l: float(np.polyfit(np.arange(len(l)), np.log(l), 1)[0]))
    Traceback (most recent call last):
    ...
    exprlib.checks.WrongAnswer: growth_rate_by_hand is wrong on the exactly geometric lengths 1, 2, 4, 8, 16: that is the slope of log(length) against the layer: the growth factor per layer is exp(slope).
    """
    _callable(fn, name)
    growth_rate = _lib("trajectory").growth_rate
    cases = _growth_cases(n_cases, seed)
    for lengths, description in cases:
        expected = growth_rate(lengths)
        answer = _real_number(fn(lengths.copy()), name, "the growth factor per layer")
        if _close(answer, expected):
            continue
        hint = _explain(answer, _growth_mistakes(lengths))
        if hint is None:
            direction = "too large" if answer > expected else "too small"
            hint = (f"your growth factor is {direction}: fit log(length) = a + l log(g) by least squares over all "
                    "layers l and return g.")
        raise WrongAnswer(f"{name} is wrong on {description}: {hint}")
    _passed(f"{name} fits the same growth per layer as exprlib on {len(cases)} sequences.")


# ---------------------------------------------------------------------------------------------
# Exercise 3: Raghu et al.'s beta, and how far the measurement sits below it
# ---------------------------------------------------------------------------------------------

_BETA_CASES = ((4.0, 0.0, 100), (1.0, 0.0, 100), (2.0, 1.0, 10), (3.0, 0.5, 50), (0.5, 2.0, 3), (1.5, 0.0, 1))


def _beta_mistakes(sigma_w: float, sigma_b: float, k: int) -> list[tuple[str, float]]:
    s2 = sigma_w**2 + sigma_b**2
    return [
        ("sigma_w is a standard deviation: the numerator is sigma_w sqrt(k), not sigma_w^2 sqrt(k).",
         sigma_w**2 * np.sqrt(k) / np.sqrt(s2 + k * np.sqrt(s2))),
        ("the term multiplied by k is the square ROOT of sigma_w^2 + sigma_b^2.",
         sigma_w * np.sqrt(k) / np.sqrt(s2 + k * s2)),
        ("the whole denominator sits under a square root.", sigma_w * np.sqrt(k) / (s2 + k * np.sqrt(s2))),
        ("the biases count too: sigma_b^2 appears next to sigma_w^2 in both places.",
         sigma_w * np.sqrt(k) / np.sqrt(sigma_w**2 + k * sigma_w)),
        ("that is beta's limit for very wide layers: keep k in the formula.", sigma_w / s2**0.25),
        ("the numerator has sqrt(k), not k.", sigma_w * k / np.sqrt(s2 + k * np.sqrt(s2))),
    ]


@student_check
def check_beta(fn: Callable, *, name: str = "beta_by_hand") -> None:
    """Check ``fn(sigma_w, sigma_b, k)`` = sigma_w sqrt(k) / sqrt(sigma_w^2 + sigma_b^2 + k sqrt(sigma_w^2 + sigma_b^2)).

    Compared with :func:`exprlib.trajectory.raghu_beta` on six (sigma_w, sigma_b, k), biases and
    k = 1 included.

    Raises
    ------
    AssertionError
        On the first triple where ``fn`` disagrees; the message names the likely slip.

    Examples
    --------
    >>> check_beta(lambda w, b, k: reference().trajectory.raghu_beta(w, b, k))
    ✓ beta_by_hand is Raghu et al.'s beta on 6 settings, biases included.
    >>> check_beta(lambda w, b, k: w * k**0.5 / (w * w + k * w) ** 0.5)
    Traceback (most recent call last):
    ...
    exprlib.checks.WrongAnswer: beta_by_hand(2.0, 1.0, 10) is wrong: the biases count too: sigma_b^2 appears next to sigma_w^2 in both places.
    """
    _callable(fn, name)
    raghu_beta = _lib("trajectory").raghu_beta
    for sigma_w, sigma_b, k in _BETA_CASES:
        call = f"{name}({sigma_w}, {sigma_b}, {k})"
        expected = raghu_beta(sigma_w, sigma_b, k)
        answer = _real_number(fn(sigma_w, sigma_b, k), call, "beta")
        if _close(answer, expected):
            continue
        hint = _explain(answer, _beta_mistakes(sigma_w, sigma_b, k))
        if hint is None:
            direction = "too large" if answer > expected else "too small"
            hint = f"your beta is {direction}: compare each factor with the formula above."
        raise WrongAnswer(f"{call} is wrong: {hint}")
    _passed(f"{name} is Raghu et al.'s beta on {len(_BETA_CASES)} settings, biases included.")


def _gap_parts(width: int, depth: int, sigma_w: float, sigma_b: float, seeds: tuple[int, ...]) -> dict[str, float]:
    trajectory = _lib("trajectory")
    lengths, _ = trajectory.arc_length_experiment(width, depth, sigma_w=sigma_w, sigma_b=sigma_b,
                                                  activation="hardtanh", seeds=seeds)
    mean = lengths.mean(axis=0)
    return {
        "measured": trajectory.growth_rate(mean[1:]),
        "with_input": trajectory.growth_rate(mean),
        "per_seed": float(np.mean([trajectory.growth_rate(row[1:]) for row in lengths])),
        "beta": trajectory.raghu_beta(sigma_w, sigma_b, width),
        "beta_variance": trajectory.raghu_beta(sigma_w**2, sigma_b**2, width),
        "meanfield": trajectory.hardtanh_meanfield_growth(sigma_w, sigma_b),
    }


@student_check
def check_beta_gap(
    answer: object,
    *,
    width: int = 50,
    depth: int = 6,
    sigma_w: float = 4.0,
    sigma_b: float = 0.0,
    seeds: tuple[int, ...] = (0, 1, 2),
    name: str = "beta_gap",
) -> None:
    """Check the relative gap 1 - measured / beta of hard-tanh nets, as the lesson defines it.

    measured = :func:`exprlib.trajectory.growth_rate` of the mean (over ``seeds``) exact lengths
    of :func:`exprlib.trajectory.arc_length_experiment`, from layer 1 on; beta =
    :func:`exprlib.trajectory.raghu_beta` (sigma_w, sigma_b, width).

    Raises
    ------
    AssertionError
        If ``answer`` is not a number or differs from the lesson's experiment (the message names
        the slip: sign, percent, sigma_w^2, the input entry, the mean-field factor, ...).

    Examples
    --------
    >>> parts = _gap_parts(8, 3, 3.0, 0.0, (0,))
    >>> check_beta_gap(1 - parts["measured"] / parts["beta"], width=8, depth=3, sigma_w=3.0, seeds=(0,))
    ✓ beta_gap is right: the measured growth per layer sits below beta.
    """
    value = _real_number(answer, name, "the relative gap") if answer is not None else None
    if value is None:
        raise WrongAnswer(f"{name} is still None: replace None with 1 - measured / beta.")
    parts = _gap_parts(width, depth, sigma_w, sigma_b, seeds)
    expected = 1.0 - parts["measured"] / parts["beta"]
    if _close(value, expected, 1e-6):
        where = "below" if expected > 0 else "above"
        _passed(f"{name} is right: the measured growth per layer sits {where} beta.")
        return
    mistakes = [
        ("has the wrong sign: the gap is 1 - measured / beta, positive when the measurement is below beta.",
         parts["measured"] / parts["beta"] - 1.0),
        ("should be a fraction, not a percentage: do not multiply by 100.", 100.0 * expected),
        ("raghu_beta takes sigma_w and sigma_b, the standard deviations, not the variances sigma_w^2 and sigma_b^2.",
         1.0 - parts["measured"] / parts["beta_variance"]),
        ("fit the lengths from layer 1 on: the step from the input into the first layer also changes the space's "
         "dimension, so leave entry 0 out.", 1.0 - parts["with_input"] / parts["beta"]),
        ("fit the MEAN lengths over the seeds, as the lesson does, not each seed separately.",
         1.0 - parts["per_seed"] / parts["beta"]),
        ("compare with Raghu et al.'s beta, not with the mean-field factor sqrt(chi_1).",
         1.0 - parts["measured"] / parts["meanfield"]),
        ("that is measured / beta itself: the gap is 1 minus it.", parts["measured"] / parts["beta"]),
    ]
    hint = _explain(value, mistakes, 1e-6)
    if hint is None:
        direction = "too large" if value > expected else "too small"
        hint = (f"is {direction}: use arc_length_experiment({width}, {depth}, sigma_w={sigma_w}, "
                f"activation='hardtanh') with its default seeds, the mean over seeds, and the growth from layer 1 on.")
    raise WrongAnswer(f"{name} {hint}")


# ---------------------------------------------------------------------------------------------
# Exercise 4: transitions per layer along the arc, exactly; and the proportional fit
# ---------------------------------------------------------------------------------------------


def _transition_cases(n_nets: int, seed: int) -> list[tuple]:
    nets = _lib("nets")
    rng = np.random.default_rng(seed)
    breakpoints_arc = _lib("regions").breakpoints_arc
    cases = []
    while len(cases) < n_nets:
        activation = ("relu", "hardtanh")[len(cases) % 2]
        depth = int(rng.integers(1, 5))
        widths = [int(w) for w in rng.integers(2, 9, size=depth)]
        in_dim = int(rng.integers(2, 6))
        net = nets.random_mlp(in_dim, widths, activation=activation, sigma_w=float(rng.uniform(1.5, 3.5)),
                              sigma_b=float(rng.uniform(0.0, 0.8)), seed=int(rng.integers(0, 2**31)))
        x0, x1 = rng.standard_normal(in_dim), rng.standard_normal(in_dim)
        # At least 3 breakpoints, so every slip (ends left out, patterns on the breakpoints) shows.
        if len(breakpoints_arc(net, x0, x1)) >= 3:
            cases.append((net, x0, x1, f"a {activation} net with widths {widths} and a random arc in R^{in_dim}"))
    return cases


def _transition_variants(net, x0: np.ndarray, x1: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Per-layer counts made with the likely slips, for the hints."""
    regions = _lib("regions")
    mlp = _lib("nets").as_numpy(net)
    breaks = regions.breakpoints_arc(net, x0, x1)

    def per_layer(t: np.ndarray, cumulative: bool = False) -> np.ndarray:
        points = np.cos(t)[:, None] * x0 + np.sin(t)[:, None] * x1
        patterns = regions.activation_pattern(net, points) if len(t) else np.zeros((0, sum(mlp.widths)))
        counts, first = [], 0
        for width in mlp.widths:
            layer = patterns[:, (0 if cumulative else first) : first + width]
            counts.append(int((layer[1:] != layer[:-1]).any(axis=1).sum()) if len(layer) > 1 else 0)
            first += width
        return np.array(counts)

    bounds = np.concatenate(([0.0], breaks, [np.pi / 2]))
    mids = 0.5 * (bounds[:-1] + bounds[1:])
    return [
        ("it reads the patterns AT the breakpoints, where some unit sits exactly on its threshold: read them at the "
         "midpoints of the intervals between consecutive breakpoints.", per_layer(bounds)),
        ("the first and last pieces of the arc are missing: the intervals run from t = 0 through every breakpoint "
         "to t = pi/2.", per_layer(0.5 * (breaks[:-1] + breaks[1:]))),
        ("layer l's count should compare layer l's units only: select that layer's columns of the pattern, not "
         "all the columns up to it.", per_layer(mids, cumulative=True)),
        ("every layer got the total number of breakpoints: count, for each layer, where ITS pattern changes.",
         np.full(mlp.depth, len(breaks))),
    ]


@student_check
def check_layer_transitions(fn: Callable, *, n_nets: int = 8, seed: int = 0, name: str = "transitions_per_layer") -> None:
    """Check ``fn(net, x0, x1)``: exact per-layer transitions along the arc x0 cos t + x1 sin t.

    Compared with :func:`exprlib.trajectory.exact_layer_transitions_arc` on ``n_nets`` random
    ReLU and hard-tanh nets with random arcs; counts must match exactly.

    Raises
    ------
    AssertionError
        If ``fn`` returns something other than one whole number per hidden layer, or a wrong
        count (the message names the slip, never the counts).

    Examples
    --------
    >>> check_layer_transitions(lambda n, a, b: reference().trajectory.exact_layer_transitions_arc(n, a, b), n_nets=2)
    ✓ transitions_per_layer counts every layer's transitions exactly on 2 random nets (ReLU and hard-tanh).
    """
    _callable(fn, name)
    exact = _lib("trajectory").exact_layer_transitions_arc
    cases = _transition_cases(n_nets, seed)
    for net, x0, x1, description in cases:
        depth = _lib("nets").as_numpy(net).depth
        answer = fn(net, x0.copy(), x1.copy())
        if answer is None:
            raise WrongAnswer(f"{name} returned None: did you forget to return the counts?")
        if isinstance(answer, (int, np.integer)):
            raise WrongAnswer(f"{name} returned one number; it should return one count per hidden layer "
                                 f"({depth} for {description}).")
        values = np.asarray(answer, dtype=object).ravel() if not isinstance(answer, str) else None
        if values is None or np.asarray(answer).ndim != 1:
            raise WrongAnswer(f"{name} should return a 1-D list or array of counts, one per hidden layer.")
        if len(values) != depth:
            raise WrongAnswer(f"{name} returned {len(values)} counts for {description}: it should return one per "
                                 f"hidden layer ({depth}).")
        counts = np.array([_as_count(v.item() if hasattr(v, "item") else v, f"{name} (each count)") for v in values])
        expected = exact(net, x0, x1)
        if np.array_equal(counts, expected):
            continue
        for hint, variant in _transition_variants(net, x0, x1):
            if np.array_equal(counts, variant):
                raise WrongAnswer(f"{name} is wrong on {description}: {hint}")
        layer = int(np.flatnonzero(counts != expected)[0])
        direction = "too low" if counts[layer] < expected[layer] else "too high"
        raise WrongAnswer(f"{name} is wrong on {description}: layer {layer + 1}'s count is {direction}. Use the "
                             "exact breakpoints of the arc and compare that layer's patterns on neighbouring intervals.")
    _passed(f"{name} counts every layer's transitions exactly on {len(cases)} random nets (ReLU and hard-tanh).")


def _fit_cases(seed: int) -> list[tuple[np.ndarray, np.ndarray, str]]:
    trajectory = _lib("trajectory")
    lengths, changes = trajectory.arc_length_experiment(12, 4, sigma_w=3.0, activation="hardtanh", seeds=(seed,))
    x = np.array([1.0, 2.0, 3.0, 4.0])
    rng = np.random.default_rng(seed)
    noisy_x = rng.uniform(1.0, 30.0, 12)
    return [
        (x, 2.5 * x, "exactly proportional data"),
        (noisy_x, np.round(4.0 * noisy_x + rng.normal(0.0, 3.0, 12)), "noisy counts"),
        (lengths[0, :-1], changes[0].astype(np.float64), "a hard-tanh net's latent lengths and transitions"),
    ]


def _fit_mistakes(x: np.ndarray, y: np.ndarray) -> list[tuple[str, float]]:
    return [
        ("a line through the origin has no intercept: minimise sum (y - c x)^2 over c alone, not over a slope and an "
         "intercept.", float(np.polyfit(x, y, 1)[0])),
        ("the ratio of the sums is not the least-squares slope: minimise sum (y - c x)^2 over c.",
         float(y.sum() / x.sum())),
        ("the mean of the ratios y / x is not the least-squares slope: minimise sum (y - c x)^2 over c.",
         float(np.mean(y / x))),
        ("transitions against length means transitions = c * length: x is the length, y the count, not the other "
         "way round.", float((x @ y) / (y @ y))),
        ("the denominator is the sum of the SQUARED lengths.", float((x @ y) / x.sum())),
    ]


@student_check
def check_proportional_fit(fn: Callable, *, seed: int = 0, name: str = "proportional_fit") -> None:
    """Check ``fn(x, y)`` = the least-squares slope c of y = c x through the origin: sum x y / sum x^2.

    Raises
    ------
    AssertionError
        On the first data set where ``fn`` disagrees; the message names the likely slip.

    Examples
    --------
    >>> check_proportional_fit(lambda x, y: float(x @ y / (x @ x)))
    ✓ proportional_fit finds the least-squares line through the origin on 3 data sets.
    >>> check_proportional_fit(lambda x, y: float(y.sum() / x.sum()))
    Traceback (most recent call last):
    ...
    exprlib.checks.WrongAnswer: proportional_fit is wrong on noisy counts: the ratio of the sums is not the least-squares slope: minimise sum (y - c x)^2 over c.
    """
    _callable(fn, name)
    cases = _fit_cases(seed)
    for x, y, description in cases:
        expected = float((x @ y) / (x @ x))
        answer = _real_number(fn(x.copy(), y.copy()), name, "the slope c")
        if _close(answer, expected):
            continue
        hint = _explain(answer, _fit_mistakes(x, y))
        if hint is None:
            direction = "too large" if answer > expected else "too small"
            hint = f"your slope is {direction}: minimise sum (y - c x)^2 over c (set its derivative to 0)."
        raise WrongAnswer(f"{name} is wrong on {description}: {hint}")
    _passed(f"{name} finds the least-squares line through the origin on {len(cases)} data sets.")
