"""Checks for lesson 03-counting-regions: Serra's bound, folding layers, the 1-D maximum, density.

Every check grades a property or an exact integer against a private copy of exprlib, and its
messages name the likely slip (the bottleneck, an exclusive range, a flat tooth, a missing
constant) without printing the expected value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from ._core import WrongAnswer, _as_count, _best_explanation, _lib, _passed, reference, student_check  # noqa: F401

__all__ = [
    "DENSITY_SHORTCUTS",
    "MAX_REGIONS_SHORTCUTS",
    "SERRA_SHORTCUTS",
    "check_density",
    "check_folding_layer",
    "check_max_regions_net",
    "check_serra_upper",
]

# The exprlib functions that would answer an exercise: switched off while it is graded.
SERRA_SHORTCUTS = ("exprlib.bounds.serra_upper", "exprlib.bounds.serra_1d_max")
MAX_REGIONS_SHORTCUTS = ("exprlib.constructions.serra_1d_net",)
DENSITY_SHORTCUTS = ("exprlib.density.density_by_depth",)

# Values of a folding layer's g are sums of a few products of numbers of order p; teeth that
# reach the same level agree to rounding (~1e-15 relative), a wrong coefficient misses by O(1).
_LEVEL_RTOL = 1e-9
# Two neighbouring intervals belong to one tooth when their slopes agree to rounding.
_SLOPE_RTOL = 1e-9
# Densities are means of exact integer counts divided by the same float lengths: a right answer
# reproduces them to rounding.
_DENSITY_RTOL = 1e-9


# ---------------------------------------------------------------------------------------------
# Exercise 1: Serra et al.'s upper bound
# ---------------------------------------------------------------------------------------------

# Architectures every check of serra_upper_bound sees: one layer, 1-D input, equal widths, and
# the bottleneck cases where a narrow early layer caps the later ones.
_SERRA_FIXED = (
    (1, (3,)), (2, (3,)), (2, (5,)), (3, (2,)), (1, (3, 3)), (2, (3, 3)), (2, (4, 4, 4)), (3, (4, 4)),
    (2, (1, 10)), (3, (2, 8, 8)), (3, (8, 2, 8)), (4, (6, 3, 6)), (2, (2, 2, 2, 2)), (3, (10, 1, 10, 10)),
)


def _j_sum(n_in: int, widths: Sequence[int], cap: Callable[[int, Sequence[int], list[int], int], int], *,
           inclusive: bool = True) -> int:
    """Sum over (j_1..j_L) of prod_l C(n_l, j_l) with 0 <= j_l <= cap(n_in, widths, js, l), enumerated.

    Models of plausible slips use other caps; the architectures graded are small enough to enumerate.
    """

    def walk(layer: int, js: list[int]) -> int:
        if layer == len(widths):
            return math.prod(math.comb(n, j) for n, j in zip(widths, js))
        top = cap(n_in, widths, js, layer) + (1 if inclusive else 0)
        return sum(walk(layer + 1, js + [j]) for j in range(max(top, 0)))

    return walk(0, [])


def _serra_cap(n_in: int, widths: Sequence[int], js: list[int], layer: int) -> int:
    return min([n_in] + [widths[i] - js[i] for i in range(layer)] + [widths[layer]])


def _previous_only_cap(n_in: int, widths: Sequence[int], js: list[int], layer: int) -> int:
    return min([n_in] + ([widths[layer - 1] - js[layer - 1]] if layer else []) + [widths[layer]])


def _no_input_cap(n_in: int, widths: Sequence[int], js: list[int], layer: int) -> int:
    return min([widths[i] - js[i] for i in range(layer)] + [widths[layer]])


def _serra_variants() -> tuple[tuple[str, Callable], ...]:
    """(hint, model(case, expected)) for the slips a student is likely to make."""
    comb = math.comb

    def zas(d: int, n: int) -> int:
        return sum(comb(n, j) for j in range(d + 1))

    return (
        ("that is 2^N, one region per on/off pattern of all N units: most patterns never occur. The bound "
         "sums prod_l C(n_l, j_l) over the set J only.",
         lambda case, e: 2 ** sum(case[1])),
        ("that multiplies one-layer counts sum_{j<=n_0} C(n_l, j) as if every layer saw all n_0 input "
         "dimensions; but a narrow layer passes on fewer dimensions and caps every later layer (the "
         "bottleneck): j_l <= min(n_0, n_1 - j_1, ..., n_(l-1) - j_(l-1), n_l).",
         lambda case, e: math.prod(zas(case[0], n) for n in case[1])),
        ("that is Montufar et al.'s 2017 product bound, with caps min(n_0, n_1, ..., n_l) made of the widths "
         "alone. Serra's cap subtracts the j's chosen for the earlier layers: n_i - j_i, not n_i.",
         lambda case, e: math.prod(zas(min([case[0], *case[1][:l + 1]]), n) for l, n in enumerate(case[1]))),
        ("the cap is a running minimum over ALL earlier layers (n_0 and every n_i - j_i), not just the previous "
         "one: a narrow early layer caps everything after it.",
         lambda case, e: _j_sum(case[0], case[1], _previous_only_cap)),
        ("the ranges in J are inclusive: j_l runs over 0, 1, ..., up to the cap itself (range(cap + 1), "
         "not range(cap)).",
         lambda case, e: _j_sum(case[0], case[1], _serra_cap, inclusive=False)),
        ("every j_l is also at most n_0, the input dimension: the running cap starts at n_0.",
         lambda case, e: _j_sum(case[0], case[1], _no_input_cap)),
    )


_SERRA_KINDS = ("simple", "deep", "all")


def _is_simple(n_in: int, widths: Sequence[int]) -> bool:
    """One hidden layer, or one input: no layer can cap a later one's dimension below n_0."""
    return len(widths) == 1 or n_in == 1


def _serra_cases(n_random: int, seed: int, kind: str = "all") -> list[tuple[int, tuple[int, ...]]]:
    rng = np.random.default_rng(seed)
    cases = list(_SERRA_FIXED)
    for _ in range(n_random):
        n_in = int(rng.integers(1, 6))
        depth = int(rng.integers(1, 5))
        cases.append((n_in, tuple(int(n) for n in rng.integers(1, 11, size=depth))))
        if kind == "simple":  # one of each simple kind too
            cases.append((1, tuple(int(n) for n in rng.integers(1, 11, size=depth))))
            cases.append((n_in, (int(rng.integers(1, 16)),)))
    if kind == "all":
        return cases
    return [case for case in cases if _is_simple(*case) == (kind == "simple")]


@student_check
def check_serra_upper(fn: object, *, kind: str = "all", n_random: int = 10, seed: int = 0) -> None:
    """Check ``fn(n_in, widths)``, Serra et al.'s upper bound, on fixed and random architectures.

    The fixed table holds one-layer nets, 1-D inputs and bottlenecks (a narrow layer early on);
    ``n_random`` more architectures come from ``seed``. Every value must be the exact int of
    :func:`exprlib.bounds.serra_upper`. On a mismatch the message names the architecture and,
    when one explains at least half of the mismatches, the likely slip.

    Parameters
    ----------
    fn : callable
        The student's ``serra_upper_bound(n_in, widths)``.
    kind : {"simple", "deep", "all"}
        "simple": one hidden layer or one input (no layer can cap a later one); "deep": several
        layers and n_0 >= 2, bottlenecks included; "all": both.
    n_random : int
        Random architectures after the fixed ones.
    seed : int
        Seed of the random architectures.

    Raises
    ------
    WrongAnswer
        If ``fn`` is not a function, returns a non-int, or a wrong value.

    Examples
    --------
    >>> check_serra_upper(lambda n_in, widths: reference().bounds.serra_upper(n_in, widths), n_random=2)
    ✓ serra_upper_bound matches Serra et al.'s bound on 16 architectures, bottlenecks included.
    >>> check_serra_upper(lambda n_in, widths: 2 ** sum(widths))
    Traceback (most recent call last):
    ...
    exprlib.checks.WrongAnswer: serra_upper_bound(1, [3]) is not right: that is 2^N, one region per on/off pattern of all N units: most patterns never occur. The bound sums prod_l C(n_l, j_l) over the set J only.
    """
    if not callable(fn):
        raise WrongAnswer(f"serra_upper_bound should be a function, got a {type(fn).__name__}.")
    if kind not in _SERRA_KINDS:
        raise ValueError(f"kind must be one of {_SERRA_KINDS}, got {kind!r}")
    serra_upper = _lib("bounds").serra_upper
    cases = _serra_cases(n_random, seed, kind)
    failed = []  # ((n_in, widths), answer, expected)
    for n_in, widths in cases:
        call = f"serra_upper_bound({n_in}, {list(widths)})"
        answer = fn(n_in, list(widths))
        if isinstance(answer, (float, np.floating)):
            raise WrongAnswer(f"{call} returned a float ({answer!r}); a count is an int: use math.comb and "
                                 "integer sums (floats lose digits for large counts).")
        answer = _as_count(answer, call)
        expected = serra_upper(n_in, list(widths))
        if answer != expected:
            failed.append(((n_in, widths), answer, expected))
    if failed:
        explained = _best_explanation(failed, _serra_variants())
        if explained is not None:
            hint, ((n_in, widths), _, _) = explained
            raise WrongAnswer(f"serra_upper_bound({n_in}, {list(widths)}) is not right: {hint}")
        (n_in, widths), answer, expected = failed[0]
        direction = "too low" if answer < expected else "too high"
        bottleneck = any(n < n_in for n in widths[:-1])
        extra = " This architecture has a bottleneck: a layer narrower than n_0 before the last." if bottleneck else ""
        raise WrongAnswer(f"serra_upper_bound({n_in}, {list(widths)}) is {direction}: sum prod_l C(n_l, j_l) over "
                             f"every (j_1, ..., j_L) with 0 <= j_l <= min(n_0, n_1 - j_1, ..., n_(l-1) - j_(l-1), n_l)."
                             + extra)
    what = {"simple": "with one hidden layer or one input", "deep": "with several layers, bottlenecks included",
            "all": "bottlenecks included"}[kind]
    _passed(f"serra_upper_bound matches Serra et al.'s bound on {len(cases)} architectures, {what}.")


# ---------------------------------------------------------------------------------------------
# Exercise 2: the 1-D folding layer
# ---------------------------------------------------------------------------------------------


def _layer_arrays(out: object, p: int, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The four arrays of a 1-D layer (U (n, 1), v (n,), M (1, n), m (1,)), or an AssertionError."""
    if out is None:
        raise WrongAnswer(f"{name} returned None: return the four arrays (unit_weights, unit_biases, mix, mix_bias).")
    if not isinstance(out, (tuple, list)) or len(out) != 4:
        raise WrongAnswer(f"{name} should return a tuple of four arrays (unit_weights, unit_biases, mix, mix_bias), "
                             f"got a {type(out).__name__}.")
    try:
        unit_w, unit_b, mix_w, mix_b = (np.asarray(a, dtype=np.float64) for a in out)
    except (TypeError, ValueError):
        raise WrongAnswer(f"{name} should return four arrays of numbers.") from None
    units = unit_w.size
    if unit_w.size != unit_b.size or mix_w.size != units or mix_b.size != 1 or units == 0:
        raise WrongAnswer(f"{name} returned arrays of sizes {unit_w.size}, {unit_b.size}, {mix_w.size}, {mix_b.size}: "
                             "one weight, one bias and one mix coefficient per unit, and one mix_bias.")
    if not all(np.isfinite(a).all() for a in (unit_w, unit_b, mix_w, mix_b)):
        raise WrongAnswer(f"{name} returned a NaN or infinite entry.")
    return unit_w.reshape(units, 1), unit_b.reshape(units), mix_w.reshape(1, units), mix_b.reshape(1)


def _teeth(net: object) -> tuple[np.ndarray, np.ndarray]:
    """Ends (K + 1,) and values (K + 1,) of the maximal linear pieces of a 1-D net's g on [0, 1]."""
    lib_regions = _lib("regions")
    mlp = _lib("nets").as_numpy(net)
    t = np.asarray(lib_regions.breakpoints_1d(net, np.zeros(1), np.ones(1)), dtype=np.float64)
    knots = np.concatenate([[0.0], t, [1.0]])
    values = mlp.forward(knots[:, None]).ravel()
    slopes = np.diff(values) / np.diff(knots)
    scale = max(float(np.abs(slopes).max()), 1.0)
    keep = [0]
    for i in range(1, len(slopes)):
        if abs(slopes[i] - slopes[i - 1]) > _SLOPE_RTOL * scale:
            keep.append(i)  # a joint: interval i starts a new piece
    ends = np.concatenate([knots[keep], [1.0]])
    return ends, mlp.forward(ends[:, None]).ravel()


def _fmt(x: float) -> str:
    return f"{x:.4g}"


@student_check
def check_folding_layer(fn: object, *, ps: Sequence[int] = (1, 2, 3, 4, 5, 7), name: str = "folding_layer") -> None:
    """Check ``fn(p)``, a layer of p ReLUs whose combination folds [0, 1] into p teeth onto one interval.

    ``fn(p)`` returns ``(unit_weights (p, 1), unit_biases (p,), mix (1, p), mix_bias (1,))``,
    g(s) = mix @ relu(unit_weights s + unit_biases) + mix_bias. The check is on properties, not
    numbers: on [0, 1], g has exactly p maximal linear pieces, none flat, neighbours going in
    opposite directions, and every piece maps onto the same interval [a, b] (a < b). Any
    scaling of the paper's construction passes.

    Parameters
    ----------
    fn : callable
        The student's ``folding_layer(p)``.
    ps : sequence of int
        The numbers of teeth tried.
    name : str
        How messages refer to the function.

    Raises
    ------
    WrongAnswer
        On a wrong shape or a missing property; the message says which tooth and how.

    Examples
    --------
    >>> def fold(p):
    ...     k = np.arange(p)
    ...     return np.full((p, 1), float(p)), -k * 1.0, np.where(k == 0, 1.0, 2.0 * (-1.0) ** k)[None], np.zeros(1)
    >>> check_folding_layer(fold)
    ✓ folding_layer(p) folds [0, 1] into p monotone teeth onto one interval, for p = 1, 2, 3, 4, 5, 7.
    >>> check_folding_layer(lambda p: (np.full((p, 1), float(p)), -np.arange(p) * 1.0, np.ones((1, p)), np.zeros(1)))
    Traceback (most recent call last):
    ...
    exprlib.checks.WrongAnswer: folding_layer(2): g rises on both of its neighbouring pieces [0, 0.5] and [0.5, 1]: a tooth must turn back, so alternate the signs of the mix coefficients (+, -, +, ...).
    """
    if not callable(fn):
        raise WrongAnswer(f"{name} should be a function, got a {type(fn).__name__}.")
    from_weights = _lib("nets").from_weights
    for p in ps:
        call = f"{name}({p})"
        unit_w, unit_b, mix_w, mix_b = _layer_arrays(fn(p), p, call)
        if len(unit_b) != p:
            raise WrongAnswer(f"{call} uses {len(unit_b)} units: the folding layer has exactly p = {p} units, "
                                 "one per tooth.")
        net = from_weights([unit_w, mix_w], [unit_b, mix_b], "relu")
        ends, values = _teeth(net)
        pieces = len(ends) - 1
        slopes = np.diff(values) / np.diff(ends)
        scale = max(float(np.abs(values).max()), 1.0)
        flat = np.flatnonzero(np.abs(np.diff(values)) <= _LEVEL_RTOL * scale)
        if len(flat):
            i = int(flat[0])
            where = (" The first unit must already be on just after s = 0 (its kink at s = 0)." if i == 0 else
                     " A unit that only cancels the slope so far leaves g flat: to turn back, each later unit must "
                     "change the slope from +c to -c (or back), so its mix coefficient times its unit weight is "
                     "twice the first unit's in size, not equal to it.")
            raise WrongAnswer(f"{call}: g is flat on [{_fmt(ends[i])}, {_fmt(ends[i + 1])}]: a flat piece maps a whole "
                                 "interval to one point, so it is no tooth." + where)
        if pieces < p:
            raise WrongAnswer(f"{call}: on [0, 1] g has only {pieces} teeth, not {p}: the units' kinks must all lie in "
                                 "[0, 1), one per tooth. (The paper's relu(2s - (k - 1)) fits its teeth on a longer "
                                 "interval: scale the input so that they fit into [0, 1].)")
        if pieces > p:
            raise WrongAnswer(f"{call}: on [0, 1] g has {pieces} pieces, more than the {p} teeth asked for.")
        same = np.flatnonzero(np.sign(slopes[1:]) == np.sign(slopes[:-1]))
        if len(same):
            i = int(same[0])
            way = "rises" if slopes[i] > 0 else "falls"
            raise WrongAnswer(f"{call}: g {way} on both of its neighbouring pieces [{_fmt(ends[i])}, {_fmt(ends[i + 1])}] "
                                 f"and [{_fmt(ends[i + 1])}, {_fmt(ends[i + 2])}]: a tooth must turn back, so alternate "
                                 "the signs of the mix coefficients (+, -, +, ...).")
        low, high = np.minimum(values[:-1], values[1:]), np.maximum(values[:-1], values[1:])
        off = np.flatnonzero((np.abs(low - low[0]) > _LEVEL_RTOL * scale) | (np.abs(high - high[0]) > _LEVEL_RTOL * scale))
        if len(off):
            i = int(off[0])
            raise WrongAnswer(f"{call}: the teeth map onto different intervals: tooth 1 onto [{_fmt(low[0])}, "
                                 f"{_fmt(high[0])}], tooth {i + 1} onto [{_fmt(low[i])}, {_fmt(high[i])}]. Every tooth "
                                 "must climb the same height: each later unit must change the slope from +c to -c (or "
                                 "back), so its mix coefficient times its unit weight is twice the first unit's in size.")
    _passed(f"{name}(p) folds [0, 1] into p monotone teeth onto one interval, for p = {', '.join(map(str, ps))}.")


# ---------------------------------------------------------------------------------------------
# Exercise 3: a net with the 1-D maximum prod (n_l + 1)
# ---------------------------------------------------------------------------------------------

_MAX_REGIONS_CASES = ((3,), (3, 3), (4, 3), (3, 5, 4), (5, 5))


def _missing_constant(net: object, widths: Sequence[int]) -> bool:
    """Whether the net is the zig-zag stack with every layer's constant U_{l+1} m_l left out."""
    mlp = _lib("nets").as_numpy(net)
    layers = [_lib("constructions").zigzag_layer(n) for n in widths]
    if len(widths) < 2 or not (np.allclose(mlp.weights[0], layers[0][0]) and np.allclose(mlp.biases[0], layers[0][1])):
        return False  # not the zig-zag stack at all
    for l in range(1, len(widths)):
        unit_w, unit_b, _, _ = layers[l]
        _, _, mix_w, _ = layers[l - 1]
        if mlp.weights[l].shape != (unit_w @ mix_w).shape:
            return False
        if not (np.allclose(mlp.weights[l], unit_w @ mix_w) and np.allclose(mlp.biases[l], unit_b)):
            return False
    return True


@student_check
def check_max_regions_net(fn: object, *, cases: Sequence[Sequence[int]] = _MAX_REGIONS_CASES,
                          name: str = "max_regions_net") -> None:
    """Check ``fn(widths)``: a 1-input ReLU net with those widths and exactly prod (n_l + 1) regions on [0, 1].

    The count is :func:`exprlib.regions.count_regions_1d` on [0, 1], compared with
    :func:`exprlib.bounds.serra_1d_max` (the exact maximum, Serra et al. 2018).

    Parameters
    ----------
    fn : callable
        The student's ``max_regions_net(widths)``.
    cases : sequence of sequences of int
        Width lists tried (every width >= 3).
    name : str
        How messages refer to the function.

    Raises
    ------
    WrongAnswer
        If the result is not a 1-input ReLU net with the given widths, or has another count.

    Examples
    --------
    >>> check_max_regions_net(lambda widths: reference().constructions.serra_1d_net(widths))
    ✓ max_regions_net(widths) has exactly prod (n_l + 1) regions on [0, 1] for 5 architectures: the 1-D maximum.
    >>> check_max_regions_net(lambda widths: reference().constructions.montufar_net(1, widths))
    Traceback (most recent call last):
    ...
    exprlib.checks.WrongAnswer: max_regions_net([3, 3]) has too few regions on [0, 1]: every tooth of a layer must map onto all of [0, 1], so that it crosses all of the next layer's kinks, and n units must make n + 1 teeth.
    """
    if not callable(fn):
        raise WrongAnswer(f"{name} should be a function, got a {type(fn).__name__}.")
    lib = _lib("nets")
    count_1d = _lib("regions").count_regions_1d
    serra_1d_max = _lib("bounds").serra_1d_max
    for widths in cases:
        widths = [int(n) for n in widths]
        call = f"{name}({widths})"
        net = fn(list(widths))
        if net is None:
            raise WrongAnswer(f"{call} returned None: return the network (from_weights(weights, biases)).")
        try:
            mlp = lib.as_numpy(net)
        except (TypeError, ValueError) as err:
            raise WrongAnswer(f"{call} should return a network made by from_weights: {err}") from None
        if mlp.in_dim != 1:
            raise WrongAnswer(f"{call} has {mlp.in_dim} inputs: the 1-D maximum is for one input.")
        if list(mlp.widths) != widths:
            raise WrongAnswer(f"{call} has hidden widths {list(mlp.widths)}: build one hidden layer per entry of "
                                 f"widths, with that many units.")
        if any(act.kind != "relu" for act in mlp.activations):
            raise WrongAnswer(f"{call} should be a ReLU net.")
        count = count_1d(net, np.zeros(1), np.ones(1))
        expected = serra_1d_max(widths)
        if count < expected:
            if _missing_constant(net, widths):
                raise WrongAnswer(f"{call} has too few regions on [0, 1]: layer l + 1 reads g_l = M_l h_l + m_l, "
                                     "constant included, so its bias is U_(l+1) m_l + v_(l+1), not v_(l+1) alone.")
            raise WrongAnswer(f"{call} has too few regions on [0, 1]: every tooth of a layer must map onto all of "
                                 "[0, 1], so that it crosses all of the next layer's kinks, and n units must make "
                                 "n + 1 teeth.")
        if count > expected:  # impossible for a correct count: the bound is a theorem
            raise WrongAnswer(f"{call} has more regions than the 1-D maximum allows: check its widths.")
    _passed(f"{name}(widths) has exactly prod (n_l + 1) regions on [0, 1] for {len(cases)} architectures: "
            "the 1-D maximum.")


# ---------------------------------------------------------------------------------------------
# Exercise 4: region density at equal neuron budgets
# ---------------------------------------------------------------------------------------------


@student_check
def check_density(answer: object, *, budgets: Sequence[int] = (24, 48, 96), depths: Sequence[int] = (1, 2, 3, 4),
                  sigma_b: float = 0.1, n_nets: int = 4, n_lines: int = 20, name: str = "density") -> None:
    """Check a table of region densities: rows = neuron budgets N, columns = depths L.

    Entry [i, k] must be the mean over s = 0..n_nets-1 of ``region_density(random_mlp(2,
    [N // L] * L, sigma_b=sigma_b, seed=s), n_lines=n_lines, seed=s)``, as
    :func:`exprlib.density.density_by_depth` computes it (to rounding).

    Raises
    ------
    WrongAnswer
        If ``answer`` is not a numeric (len(budgets), len(depths)) table or an entry is wrong.

    Examples
    --------
    >>> right = reference().density.density_by_depth([16, 32], (1, 2), n_nets=2, n_lines=10)
    >>> check_density(right, budgets=(16, 32), depths=(1, 2), n_nets=2, n_lines=10)
    ✓ density is right: doubling the neurons multiplies it by about 2.0, while depths 1 to 2 change it by at most 8 %.
    >>> check_density(right.T[::-1], budgets=(16, 32), depths=(1, 2), n_nets=2, n_lines=10)
    Traceback (most recent call last):
    ...
    exprlib.checks.WrongAnswer: density is not right: check entry [0, 0] (N = 16 neurons, depth 1): average region_density(random_mlp(2, [N // L] * L, sigma_b=0.1, seed=s), n_lines=10, seed=s) over s = 0..1.
    """
    rows, cols = len(budgets), len(depths)
    if answer is None:
        raise WrongAnswer(f"{name} is still None: fill it with a ({rows}, {cols}) array, one row per N.")
    try:
        values = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        raise WrongAnswer(f"{name} should be a ({rows}, {cols}) array of numbers.") from None
    if values.shape == (cols, rows) and rows != cols:
        raise WrongAnswer(f"{name} has shape {values.shape}: one ROW per neuron budget N and one COLUMN per depth, "
                             f"so ({rows}, {cols}).")
    if values.shape != (rows, cols):
        raise WrongAnswer(f"{name} should have shape ({rows}, {cols}), one row per N in {tuple(budgets)} and one "
                             f"column per depth in {tuple(depths)}; got {values.shape}.")
    lib = _lib("density")
    random_mlp = _lib("nets").random_mlp
    right = lib.density_by_depth(list(budgets), list(depths), sigma_b=sigma_b, n_nets=n_nets, n_lines=n_lines)
    if np.allclose(values, right, rtol=_DENSITY_RTOL, atol=0.0):
        change = float(((right.max(axis=1) - right.min(axis=1)) / right.max(axis=1)).max())
        steps = np.log2(np.asarray(budgets[1:], dtype=np.float64) / np.asarray(budgets[:-1], dtype=np.float64))
        growth = float(2 ** np.mean(np.log2(right[1:] / right[:-1]) / steps[:, None]))
        _passed(f"{name} is right: doubling the neurons multiplies it by about {growth:.1f}, while depths "
                f"{min(depths)} to {max(depths)} change it by at most {100 * change:.0f} %.")
        return

    def table(widths_of: Callable[[int, int], list[int]], sb: float) -> np.ndarray:
        return np.array([[np.mean([lib.region_density(random_mlp(2, widths_of(n, d), sigma_b=sb, seed=s),
                                                      n_lines=n_lines, seed=s) for s in range(n_nets)])
                          for d in depths] for n in budgets])

    if np.allclose(values, right / np.asarray(budgets)[:, None], rtol=_DENSITY_RTOL, atol=0.0):
        raise WrongAnswer(f"{name} holds densities per neuron (divided by N): store the densities themselves.")
    if np.allclose(values, table(lambda n, d: [n] * d, sigma_b), rtol=_DENSITY_RTOL, atol=0.0):
        raise WrongAnswer(f"{name} uses N units in EVERY layer: at an equal neuron budget a net of depth L "
                             "has N // L units per layer.")
    if sigma_b != 0 and np.allclose(values, table(lambda n, d: [n // d] * d, 0.0), rtol=_DENSITY_RTOL, atol=0.0):
        raise WrongAnswer(f"{name} uses random_mlp's default sigma_b = 0: pass sigma_b={sigma_b} (with no biases every "
                             "boundary of the first layer passes through the origin).")
    bad = np.argwhere(~np.isclose(values, right, rtol=_DENSITY_RTOL, atol=0.0))
    i, k = (int(v) for v in bad[0])
    raise WrongAnswer(f"{name} is not right: check entry [{i}, {k}] (N = {budgets[i]} neurons, depth {depths[k]}): "
                         f"average region_density(random_mlp(2, [N // L] * L, sigma_b={sigma_b}, seed=s), "
                         f"n_lines={n_lines}, seed=s) over s = 0..{n_nets - 1}.")
