"""Checks for lesson 02-linear-regions: patterns of any activation, exact 1-D counts, Zaslavsky."""

from __future__ import annotations

import contextlib
import functools
import math
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from torch import nn

from ._core import WrongAnswer, student_check, ForbiddenError, _as_count, _best_explanation, _lib, _passed, check_function_on_nets, random_nets, reference
from .welcome import _pattern_cases, _pattern_locate, _pattern_shape_hints

__all__ = [
    "ONE_D_COUNTERS",
    "ZASLAVSKY_SHORTCUTS",
    "check_count_regions_1d",
    "check_missed_regions",
    "check_pattern_by_hand",
    "check_zaslavsky",
]


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
    hardtanh_rule: bool = False,
    unit_limits: bool = False,
    swapped: bool = False,
    bias: bool = True,
    pass_on: str = "act",
) -> np.ndarray:
    """The activation pattern of a ReLU or hard-tanh net with one of the usual slips switched on.

    ``strict``: saturated only beyond the limits (z < lo, z > hi; ReLU z >= 0 for "on");
    ``relu_rule``: the ReLU rule z > 0 for every unit; ``hardtanh_rule``: the three-state rule
    with the layer's (lo, hi) for every unit, ReLU's (0, inf) included; ``unit_limits``: -1 and
    1 instead of the layer's own limits; ``swapped``: +1 low and -1 high; ``bias``: add the biases;
    ``pass_on``: what the next layer sees ("act", "relu" or "identity").
    """
    mlp = _lib("nets").as_numpy(net)
    hidden, parts = x, []
    for weight, b, act in zip(mlp.weights, mlp.biases, mlp.activations):
        z = hidden @ weight.T + (b if bias else 0.0)
        lo, hi = (-1.0, 1.0) if unit_limits else (act.lo, act.hi)
        if (act.kind == "relu" or relu_rule) and not hardtanh_rule:
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
    ("a ReLU unit whose pre-activation is exactly 0 is inactive, but your code counts it as active: look at how it compares z with 0.",
     functools.partial(_any_pattern_variant, strict=True)),
    ("these are ReLU units, but you gave them the hard-tanh states -1/0/+1: a ReLU unit is 1 (on) or 0 "
     "(off). Check each layer's act.kind and use the rule of the table for that kind.",
     functools.partial(_any_pattern_variant, hardtanh_rule=True)),
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


@student_check
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
    exprlib.checks.WrongAnswer: activation_pattern_by_hand is wrong on a net with 1 input and hidden widths [3]: a hard-tanh unit exactly at min_val (or max_val) is saturated: use z <= lo for -1 and z >= hi for +1, not strict < and >.
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
    ("patterns"), 1 + crossing events ("events") or the intervals between the points ("points"); ``strict``: a crossing needs strictly
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
    if count == "points":
        return len(t) - 1
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
_POINTS_HINT = (
    "it counts the points found, not the pattern changes. Two units can cross at the same point, and "
    "rounding then keeps their two crossings a hair apart: read the patterns at the midpoints and count where "
    "neighbours differ."
)
_ONE_TOO_MANY_HINT = (
    "it is one too high on every segment: regions = 1 + the number of pattern changes (is 1 added twice, "
    "or an end of the segment counted as a change?)."
)
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
    (_POINTS_HINT, functools.partial(_count_1d_variant, count="points")),
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
    random: bool = True


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
    if kind == "relu":
        # Two units with one kink (x = 0.1; the second is 3 times the first): rounding computes their
        # crossings a hair apart, so counting points gives one region too many; midpoints do not.
        shared = _lib("nets").from_weights([[[1.0], [3.0]], [[1.0, 1.0]]], [[-0.1, -3 * 0.1], [0.0]])
        cases.append(_Segment(shared, np.array([-1.0]), np.array([1.0]),
                              "a relu net whose 2 units share one kink (x = 0.1)", 1, True, random=False))
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


# A `<= 0` sign test also takes intervals where a unit is 0 at both ends: t* = 0/0 = NaN.
_NAN_CROSSING_HINT = (
    "Hint: a NaN in the points t means a crossing t* = 0/0: your sign test also picked an interval where "
    "the unit is exactly at the threshold at both ends. A crossing needs strictly opposite signs."
)


@student_check(nan_hint=_NAN_CROSSING_HINT)
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
    exprlib.checks.WrongAnswer: count_regions_by_hand is wrong on a relu net whose 2 units share one kink (x = 0.1): it returned the number of breakpoints; regions = breakpoints + 1 (a segment with no breakpoint is one region).
    """
    if cases not in ("relu", "hardtanh", "sawtooth"):
        raise ValueError(f"cases must be 'relu', 'hardtanh' or 'sawtooth', got {cases!r}")
    if not callable(fn):
        raise WrongAnswer(f"count_regions_by_hand should be a function, got a {type(fn).__name__}.")
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
        random = sum(case.random for case in passed)
        what = "sawtooth segments" if cases == "sawtooth" else f"random {cases} nets"
        extra = f" and {len(passed) - random} hand-made one{'s' * (len(passed) - random > 1)}" if random < len(passed) else ""
        _passed(f"{name} is exact on {random} {what}{extra}.")
        return
    # The slip that explains the most wrong counts (a single case can fit several by chance).
    candidates = [(_BREAKPOINTS_HINT, lambda case, expected: expected - 1)]
    candidates += [(hint, lambda case, expected, v=variant: v(case.net, case.start, case.end))
                   for hint, variant in _COUNT_1D_MISTAKES]
    # Last: a slip that explains one case alone (counting points) beats "+1 everywhere" there.
    candidates.append((_ONE_TOO_MANY_HINT, lambda case, expected: expected + 1))
    explained = _best_explanation(failed, candidates)
    if explained is not None:
        hint, (case, _, _) = explained
        raise WrongAnswer(f"{name} is wrong on {case.label}: {hint}")
    # No known slip gives these counts: say what the cases that passed suggest.
    case, answer, expected = failed[0]
    direction = "too low" if answer < expected else "too high"
    if cases == "sawtooth":
        advice = _TOUCH_HINT if answer > expected + 1 else _ONE_TOO_MANY_HINT if answer > expected else (
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
    raise WrongAnswer(f"{name} is wrong on {case.label}, on the segment from {case.start.tolist()} to "
                         f"{case.end.tolist()}: the count is {direction}. {advice}")


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


@student_check
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
    exprlib.checks.WrongAnswer: max_regions_one_layer(1, 2) is not right: that is 2^n_1, every on/off combination of the units: in R^n_0 only the subsets of at most n_0 hyperplanes meet, so sum C(n_1, j) over j = 0..n_0 only.
    """
    if not callable(fn):
        raise WrongAnswer(f"max_regions_one_layer should be a function, got a {type(fn).__name__}.")
    zaslavsky = _lib("bounds").zaslavsky
    pairs = [(d, n) for d in range(1, max_in + 1) for n in range(1, max_units + 1)]
    failed = []  # ((n_in, n_units), answer, expected)
    for d, n in pairs:
        call = f"max_regions_one_layer({d}, {n})"
        answer = fn(d, n)
        if isinstance(answer, (float, np.floating)):
            raise WrongAnswer(f"{call} returned a float ({answer!r}); a count is an int: use math.comb, "
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
            raise WrongAnswer(f"max_regions_one_layer({d}, {n}) is not right: {hint}")
        (d, n), answer, expected = failed[0]
        direction = "too low" if answer < expected else "too high"
        raise WrongAnswer(f"max_regions_one_layer({d}, {n}) is {direction}: the count is the sum over "
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
            raise WrongAnswer(f"max_regions_one_layer(2, {n}) is {direction}: an exact count of a random "
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


@student_check
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
    exprlib.checks.WrongAnswer: missed[0] is negative: sampling can never find more regions than there are, so compute exact - sampled.
    """
    if answer is None:
        raise WrongAnswer(f"{name} is still None: replace None with a list of {len(depths)} whole numbers.")
    if isinstance(answer, np.ndarray):
        answer = answer.tolist()
    if not isinstance(answer, (list, tuple)):
        raise WrongAnswer(f"{name} should be a list of {len(depths)} whole numbers, got a {type(answer).__name__}.")
    if len(answer) != len(depths):
        raise WrongAnswer(f"{name} should have {len(depths)} entries, one per depth {tuple(depths)}, got {len(answer)}.")
    values = []
    for i, value in enumerate(answer):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer, float, np.floating)) or (
            isinstance(value, (float, np.floating)) and not float(value).is_integer()
        ):
            raise WrongAnswer(f"{name}[{i}] should be a whole number (a count of regions), got {value!r}.")
        values.append(int(value))
    exact, sampled = _missed_counts(depths, width, sigma_b, resolution, seed)
    right = [e - s for e, s in zip(exact, sampled)]
    if values == right:
        _passed(f"{name} is right: sampling {resolution**2} points misses regions, and misses more of them in deeper nets.")
        return
    if values == exact:
        raise WrongAnswer(f"{name} holds the exact counts: subtract the sampled counts (exact - sampled).")
    if values == sampled:
        raise WrongAnswer(f"{name} holds the sampled counts: compute exact - sampled.")
    default_exact, default_sampled = _missed_counts(depths, width, sigma_b, 256, seed)
    if values == [e - s for e, s in zip(default_exact, default_sampled)]:
        raise WrongAnswer(f"{name} used count_regions_sampled's default grid: pass resolution={resolution}.")
    for i, (value, good) in enumerate(zip(values, right)):
        if value < 0:
            raise WrongAnswer(f"{name}[{i}] is negative: sampling can never find more regions than there are, "
                                 "so compute exact - sampled.")
        if value != good:
            direction = "too low" if value < good else "too high"
            raise WrongAnswer(f"{name}[{i}] (depth {depths[i]}) is {direction}: use random_mlp(2, [{width}] * depth, "
                                 f"sigma_b={sigma_b}, seed={seed}) on the box (-1, 1, -1, 1) and resolution={resolution}.")
