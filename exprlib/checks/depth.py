"""Checks for lesson 05-depth-separation: the sawtooth net, the tooth bound, deep to shallow.

Every check grades properties (pieces counted exactly, values at dyadic points, a term that never
exceeds the net and meets it on its own pattern) or exact numbers against a private copy of
exprlib, and its messages name the likely slip without printing the expected value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ._core import WrongAnswer, _as_count, _lib, _passed, _real_number, reference, student_check  # noqa: F401

__all__ = [
    "FROZEN_TERM_SHORTCUTS",
    "SAWTOOTH_SHORTCUTS",
    "SHALLOW_UNITS_SHORTCUTS",
    "TOOTH_BOUND_SHORTCUTS",
    "check_frozen_term",
    "check_sawtooth_net",
    "check_shallow_units",
    "check_tooth_bound",
]

# The exprlib functions that would answer an exercise: switched off while it is graded.
SAWTOOTH_SHORTCUTS = ("exprlib.constructions.sawtooth", "exprlib.race.deep_construction")
TOOTH_BOUND_SHORTCUTS = ("exprlib.race.tooth_bound",)
FROZEN_TERM_SHORTCUTS = ("exprlib.separation.max_of_shallow",)
SHALLOW_UNITS_SHORTCUTS = ("exprlib.separation.shallow_term_count",)

# Values of the sawtooth at dyadic points are sums of a few products of small powers of two:
# a right net reproduces 0, 1/2 and 1 to rounding, a wrong coefficient misses by O(1).
_VALUE_ATOL = 1e-9
# The tooth bound is a square root of a rational: a right formula agrees to rounding.
_BOUND_RTOL = 1e-9
# g_sigma <= f and g_sigma = f on its pattern, at points where f is O(10): a right term agrees to
# rounding; a missing or wrong penalty misses by O(0.1) or more at some point.
_TERM_ATOL = 1e-8


# ---------------------------------------------------------------------------------------------
# Exercise 1: the sawtooth net
# ---------------------------------------------------------------------------------------------


def _as_relu_net(net: object, call: str, *, what: str) -> object:
    if net is None:
        raise WrongAnswer(f"{call} returned None: return the network (from_weights(weights, biases)).")
    try:
        mlp = _lib("nets").as_numpy(net)
    except (TypeError, ValueError) as err:
        raise WrongAnswer(f"{call} should return a network made by from_weights: {err}") from None
    if any(act.kind != "relu" for act in mlp.activations):
        raise WrongAnswer(f"{call} should be a ReLU net ({what}).")
    if mlp.out_dim != 1:
        raise WrongAnswer(f"{call} has {mlp.out_dim} outputs: {what} has one.")
    return mlp


@student_check
def check_sawtooth_net(fn: object, *, ks: Sequence[int] = (1, 2, 3, 5), name: str = "sawtooth_net") -> None:
    """Check ``fn(k)``: k hidden layers of 2 ReLUs computing Telgarsky's f^k on [0, 1].

    Graded on properties: one input, k hidden layers of width 2, the values 0 at even and 1 at
    odd multiples of 1/2^k (and 1/2 halfway between), and exactly 2^k linear pieces on [0, 1]
    (:func:`exprlib.regions.count_pieces_1d`).

    Examples
    --------
    >>> check_sawtooth_net(lambda k: reference().constructions.sawtooth(k))
    ✓ sawtooth_net(k) has k layers of width 2, 2^k pieces and the right values at every dyadic point for k in (1, 2, 3, 5): depth doubles the teeth.
    >>> check_sawtooth_net(lambda k: reference().constructions.sawtooth(max(k - 1, 1)))
    Traceback (most recent call last):
    ...
    exprlib.checks.WrongAnswer: sawtooth_net(2) has 1 hidden layer(s): build one width-2 layer per composition of the tent map, k in all.
    """
    if not callable(fn):
        raise WrongAnswer(f"{name} should be a function, got a {type(fn).__name__}.")
    count_pieces = _lib("regions").count_pieces_1d
    for k in ks:
        call = f"{name}({k})"
        net = fn(k)
        mlp = _as_relu_net(net, call, what="the sawtooth net")
        if mlp.in_dim != 1:
            raise WrongAnswer(f"{call} has {mlp.in_dim} inputs: the sawtooth is a function of one number x.")
        if mlp.depth != k:
            raise WrongAnswer(f"{call} has {mlp.depth} hidden layer(s): build one width-2 layer per composition "
                              "of the tent map, k in all.")
        if any(w != 2 for w in mlp.widths):
            raise WrongAnswer(f"{call} has hidden widths {list(mlp.widths)}: each composition needs just two "
                              "hinges, relu(z) and relu(z - 1/2).")
        dyadic = np.arange(2**k + 1) / 2**k
        values = mlp.forward(dyadic[:, None])[:, 0]
        target = (np.arange(2**k + 1) % 2).astype(float)
        if not np.allclose(values, target, atol=_VALUE_ATOL, rtol=0):
            if k == 1 and abs(values[1] - 1.0) < _VALUE_ATOL and abs(values[2] - 1.0) < _VALUE_ATOL:
                raise WrongAnswer(f"{call} does not come back down: after z = 1/2 the tent must fall with slope -2 "
                                  "to 0 at z = 1, so the second hinge must cancel the rising slope and reverse it.")
            odd = values[1::2]
            if np.allclose(odd, odd[0], atol=_VALUE_ATOL) and abs(odd[0]) > _VALUE_ATOL and \
                    np.allclose(values[0::2], 0.0, atol=_VALUE_ATOL):
                raise WrongAnswer(f"{call} has its peaks at the wrong height: the tent f(z) rises with slope 2 "
                                  "from 0 to 1 on [0, 1/2], so every tooth of f^k reaches exactly 1.")
            raise WrongAnswer(f"{call} has wrong values at dyadic points j / 2^k (f^k is 0 for even j and 1 for "
                              "odd j): each later layer must read the previous tent's output 2 h1 - 4 h2 (fold "
                              "that mix into its weights) and keep the hinge at 1/2 in its bias.")
        halves = (np.arange(2**k) + 0.5) / 2**k
        if not np.allclose(mlp.forward(halves[:, None])[:, 0], 0.5, atol=_VALUE_ATOL, rtol=0):
            raise WrongAnswer(f"{call} is not linear between neighbouring dyadic points: every tooth of f^k is a "
                              "straight rise and a straight fall.")
        pieces = count_pieces(net, np.zeros(1), np.ones(1))
        if pieces != 2**k:
            raise WrongAnswer(f"{call} has {'too many' if pieces > 2**k else 'too few'} linear pieces on [0, 1]: "
                              "f^k has exactly one piece between neighbouring points j / 2^k.")
    _passed(f"{name}(k) has k layers of width 2, 2^k pieces and the right values at every dyadic point for "
            f"k in {tuple(ks)}: depth doubles the teeth.")


# ---------------------------------------------------------------------------------------------
# Exercise 2: the tooth bound
# ---------------------------------------------------------------------------------------------


def _tooth_slips() -> tuple[tuple[str, object], ...]:
    def clip(x: float) -> float:
        return max(x, 0.0)

    return (
        ("f^k has 2^k linear pieces but only 2^(k-1) teeth: a tooth is one rise and one fall.",
         lambda k, m: math.sqrt(clip(1 - m / 2**k) / 12)),
        ("that is the bound on the squared error: take the square root.",
         lambda k, m: clip(1 - m / 2 ** (k - 1)) / 12),
        ("a tent's best affine fit is the constant 1/2, whose mean squared error over a tooth is 1/12 "
         "(the variance of a uniform value in [0, 1]), not 1/4.",
         lambda k, m: math.sqrt(clip(1 - m / 2 ** (k - 1)) / 4)),
        ("each tooth has length 1/2^(k-1): weight its error 1/12 by its length before adding up.",
         lambda k, m: math.sqrt(clip(2 ** (k - 1) - m) / 12)),
        ("m kinks can fall in at most m teeth, so at least 2^(k-1) - m teeth hold none (not 2^(k-1) - m - 1).",
         lambda k, m: math.sqrt(clip(1 - (m + 1) / 2 ** (k - 1)) / 12)),
    )


_TOOTH_CASES = tuple((k, m) for k in (1, 2, 3, 4, 6, 8) for m in sorted({0, 1, 2, 2 ** (k - 1) // 2, 2 ** (k - 1) - 1,
                                                                        2 ** (k - 1), 2 ** (k - 1) + 3}) if m >= 0)


@student_check
def check_tooth_bound(fn: object, *, cases: Sequence[tuple[int, int]] = _TOOTH_CASES,
                      name: str = "shallow_l2_bound") -> None:
    """Check ``fn(k, m)``: the tooth argument's lower bound on ||g - f^k||_2 for m hidden units.

    Compared with :func:`exprlib.race.tooth_bound` (its ``l2``) over the (k, m) pairs, including
    m = 0 and m >= 2^(k-1), where the argument bounds nothing (0).

    Examples
    --------
    >>> check_tooth_bound(lambda k, m: reference().race.tooth_bound(k, m).l2)
    ✓ shallow_l2_bound(k, m) is right for 35 (k, m) pairs: fewer kinks than teeth leave whole teeth unfitted.
    >>> check_tooth_bound(lambda k, m: math.sqrt(max(1 - m / 2**k, 0) / 12))
    Traceback (most recent call last):
    ...
    exprlib.checks.WrongAnswer: shallow_l2_bound(k, m) is wrong for 26 of 35 (k, m) pairs, e.g. shallow_l2_bound(1, 1): f^k has 2^k linear pieces but only 2^(k-1) teeth: a tooth is one rise and one fall.
    """
    if not callable(fn):
        raise WrongAnswer(f"{name} should be a function, got a {type(fn).__name__}.")
    bound = _lib("race").tooth_bound
    failed = []
    for k, m in cases:
        call = f"{name}({k}, {m})"
        try:
            answer = fn(k, m)
        except (ValueError, ZeroDivisionError) as err:
            if m >= 2 ** (k - 1):
                raise WrongAnswer(f"{call} raised {type(err).__name__}: with m >= 2^(k-1) kinks every tooth can "
                                  "hold one, so the argument bounds nothing: return 0 there.") from None
            raise
        if isinstance(answer, complex) or (isinstance(answer, float) and math.isnan(answer) and m >= 2 ** (k - 1)):
            raise WrongAnswer(f"{call} returned {answer!r}: with m >= 2^(k-1) kinks every tooth can hold one, so "
                              "the argument bounds nothing: return 0 there, not the root of a negative number.")
        value = _real_number(answer, call, "the bound")
        expected = bound(k, m).l2
        if not math.isclose(value, expected, rel_tol=_BOUND_RTOL, abs_tol=1e-12):
            failed.append(((k, m), value, expected))
    if failed:
        (k, m), _, _ = failed[0]
        hint = "the bound is sqrt(fraction of kink-free teeth / 12)."
        best = 0
        for slip, model in _tooth_slips():
            hits = [f for f in failed if math.isclose(f[1], model(*f[0]), rel_tol=1e-6, abs_tol=1e-12)]
            if len(hits) > best and 2 * len(hits) >= len(failed):
                best, hint, (k, m) = len(hits), slip, hits[0][0]
        if hint.startswith("the bound is"):
            negative = [f for f in failed if f[0][1] >= 2 ** (f[0][0] - 1)]
            if len(negative) == len(failed):
                hint = ("with m >= 2^(k-1) kinks every tooth can hold one, so the argument bounds nothing: "
                        "return 0 there.")
                (k, m) = negative[0][0]
            else:
                hint = ("count the teeth of f^k, the teeth that m kinks leave without one, and the least mean "
                        "squared error of an affine function on a tooth.")
        raise WrongAnswer(f"{name}(k, m) is wrong for {len(failed)} of {len(cases)} (k, m) pairs, e.g. "
                          f"{name}({k}, {m}): {hint}")
    _passed(f"{name}(k, m) is right for {len(cases)} (k, m) pairs: fewer kinks than teeth leave whole teeth "
            "unfitted.")


# ---------------------------------------------------------------------------------------------
# Exercise 3: one term of the deep-to-shallow rewrite
# ---------------------------------------------------------------------------------------------


def _term_model(weights: list, biases: list, sigma: np.ndarray, *, penalty: str = "right",
                violation: str = "right") -> object:
    """g_sigma of a 2-hidden-layer net, right or with one slip (for hints)."""
    (w1, w2, v), (b1, b2, c) = weights, biases
    s = sigma.astype(float)
    signs = {"right": 1.0 - 2.0 * s, "on": s, "flip": 2.0 * s - 1.0}[violation]
    kappa = {"right": np.abs(w2).T @ np.abs(v[0]), "none": np.zeros(w1.shape[0]),
             "v_only": np.abs(v[0]).sum() * np.ones(w1.shape[0]), "no_abs": w2.T @ v[0]}[penalty]
    hidden_w = np.vstack([signs[:, None] * w1, w2 @ (s[:, None] * w1)])
    hidden_b = np.concatenate([signs * b1, w2 @ (s * b1) + b2])
    out_w = np.concatenate([-kappa, v[0]])[None, :]
    return _lib("nets").from_weights([hidden_w, out_w], [hidden_b, np.asarray(c, dtype=float)])


_TERM_SLIPS = (
    ("penalty", "none", "it exceeds the net where a frozen unit disagrees with the real one: subtract a penalty "
                        "for every violated first-layer unit, so that no term ever rises above f."),
    ("penalty", "no_abs", "its penalty can turn negative: kappa must bound how far a violated unit can move the "
                          "output, so it takes absolute values of W2 and v."),
    ("penalty", "v_only", "its penalty does not follow a violated unit through the second layer: kappa is |v| "
                          "carried back through |W2|, one number per first-layer unit."),
    ("violation", "on", "it penalises the wrong units: a unit is violated when its frozen state disagrees with its "
                        "sign (frozen on but negative, or frozen off but positive)."),
    ("violation", "flip", "its violations have the wrong sign: relu((1 - 2 sigma) * a1) is positive exactly where "
                          "a frozen-on unit is negative or a frozen-off unit is positive."),
)

_TERM_CASES = ((1, 3, 2), (2, 2, 3), (2, 3, 3), (1, 4, 2))


@student_check
def check_frozen_term(fn: object, *, cases: Sequence[tuple[int, int, int]] = _TERM_CASES, n_points: int = 400,
                      seed: int = 0, name: str = "frozen_term") -> None:
    """Check ``fn(weights, biases, sigma)``: the one-hidden-layer term g_sigma of a 2-hidden-layer ReLU net.

    For random nets (d inputs, widths n1, n2; seeded) and every pattern sigma in {0, 1}^n1, graded
    by equality on random inputs: g_sigma has one hidden layer, g_sigma <= f everywhere, g_sigma = f
    where x's own first-layer pattern is sigma, hence max_sigma g_sigma = f.

    Examples
    --------
    >>> from exprlib.checks.depth import _term_model
    >>> check_frozen_term(lambda w, b, s: _term_model(w, b, s), cases=((1, 2, 2),))
    ✓ frozen_term(weights, biases, sigma) is below the net everywhere and equal to it on its own pattern, for 1 nets and every pattern: their maximum is the net.
    >>> check_frozen_term(lambda w, b, s: _term_model(w, b, s, penalty="none"), cases=((1, 2, 2),))
    Traceback (most recent call last):
    ...
    exprlib.checks.WrongAnswer: frozen_term(...) for a net with widths [2, 2] and sigma = (0, 0): it exceeds the net where a frozen unit disagrees with the real one: subtract a penalty for every violated first-layer unit, so that no term ever rises above f.
    """
    if not callable(fn):
        raise WrongAnswer(f"{name} should be a function, got a {type(fn).__name__}.")
    nets = _lib("nets")
    rng = np.random.default_rng(seed)
    for i, (d, n1, n2) in enumerate(cases):
        mlp = nets.as_numpy(nets.random_mlp(d, [n1, n2], sigma_b=0.5, seed=seed * 100 + i))
        weights = [w.copy() for w in mlp.weights]
        biases = [b.copy() for b in mlp.biases]
        x = rng.normal(0.0, 2.0, size=(n_points, d))
        f = mlp.forward(x)[:, 0]
        own = (x @ weights[0].T + biases[0] > 0).astype(np.int8)  # each point's first-layer pattern
        best = np.full(n_points, -np.inf)
        for bits in range(2**n1):
            sigma = np.array([(bits >> j) & 1 for j in range(n1)], dtype=np.int8)
            call = f"{name}(...) for a net with widths [{n1}, {n2}] and sigma = {tuple(int(s) for s in sigma)}"
            g = fn([w.copy() for w in weights], [b.copy() for b in biases], sigma.copy())
            term = _as_relu_net(g, call, what="one term of the rewrite")
            if term.in_dim != d:
                raise WrongAnswer(f"{call} reads {term.in_dim} inputs, but the net reads {d}.")
            if term.depth != 1:
                raise WrongAnswer(f"{call} has {term.depth} hidden layers: each term of the rewrite must be a net "
                                  "with ONE hidden layer (the frozen pattern makes layer 1 affine in x).")
            values = term.forward(x)[:, 0]
            above = values > f + _TERM_ATOL
            mine = (own == sigma).all(axis=1)
            off = np.abs(values[mine] - f[mine]) > _TERM_ATOL
            if above.any() or off.any():
                for what, slip, hint in _TERM_SLIPS:
                    model = _term_model(weights, biases, sigma, **{what: slip})
                    if np.allclose(nets.as_numpy(model).forward(x)[:, 0], values, atol=_TERM_ATOL):
                        raise WrongAnswer(f"{call}: {hint}")
                if above.any():
                    raise WrongAnswer(f"{call} rises above the net at some inputs: every term must stay at or "
                                      "below f, which is what makes the maximum equal f.")
                raise WrongAnswer(f"{call} differs from the net where x's own first-layer pattern is sigma: there "
                                  "no unit is violated, so the penalty vanishes and the frozen net is the real one.")
            np.maximum(best, values, out=best)
        if not np.allclose(best, f, atol=_TERM_ATOL):
            raise WrongAnswer(f"the maximum of {name}(...) over all patterns differs from the net with widths "
                              f"[{n1}, {n2}].")
    _passed(f"{name}(weights, biases, sigma) is below the net everywhere and equal to it on its own pattern, for "
            f"{len(cases)} nets and every pattern: their maximum is the net.")


# ---------------------------------------------------------------------------------------------
# Exercise 4: the size of the full rewrite
# ---------------------------------------------------------------------------------------------

_UNITS_CASES = ((3,), (2, 2), (3, 2), (2, 3), (4, 4, 4), (1, 5, 2), (2, 2, 2, 2), (6, 3))


@student_check
def check_shallow_units(fn: object, *, cases: Sequence[Sequence[int]] = _UNITS_CASES,
                        name: str = "shallow_units") -> None:
    """Check ``fn(widths)``: the hidden units of the full deep-to-shallow rewrite, an exact int.

    2^(n_1 + ... + n_(L-1)) terms of n_1 + ... + n_L units each
    (:func:`exprlib.separation.shallow_term_count`).

    Examples
    --------
    >>> check_shallow_units(lambda w: reference().separation.shallow_term_count(w).total_units)
    ✓ shallow_units(widths) is right for 8 architectures: one term per pattern of the layers below the last.
    >>> check_shallow_units(lambda w: 2 ** sum(w) * sum(w))
    Traceback (most recent call last):
    ...
    exprlib.checks.WrongAnswer: shallow_units([3]) is too high: only the layers below the last are frozen; the last layer stays a ReLU layer inside every term.
    """
    if not callable(fn):
        raise WrongAnswer(f"{name} should be a function, got a {type(fn).__name__}.")
    count = _lib("separation").shallow_term_count
    slips = (
        (lambda w: 2 ** sum(w) * sum(w), "only the layers below the last are frozen; the last layer stays a ReLU "
                                          "layer inside every term."),
        (lambda w: 2 ** sum(w[:-1]), "that counts the terms; each term has units too."),
        (lambda w: 2 ** sum(w[:-1]) * w[-1], "a term keeps a penalty unit for every frozen unit, not only the last "
                                              "layer's units."),
        (lambda w: 2 ** sum(w[:-1]) * w[0], "a term keeps a penalty unit for every frozen unit, and the last "
                                             "layer's units."),
        (lambda w: 2 ** w[0] * sum(w), "every layer below the last is frozen, not only the first."),
    )
    for widths in cases:
        widths = [int(n) for n in widths]
        call = f"{name}({widths})"
        answer = _as_count(fn(list(widths)), call)
        expected = count(widths).total_units
        if answer != expected:
            side = "too high" if answer > expected else "too low"
            for model, hint in slips:
                if model(widths) == answer:
                    raise WrongAnswer(f"{call} is {side}: {hint}")
            raise WrongAnswer(f"{call} is {side}: count the terms (one per frozen pattern) times the units of one "
                              "term.")
    _passed(f"{name}(widths) is right for {len(cases)} architectures: one term per pattern of the layers below "
            "the last.")
