"""Stable units and lossless compression of ReLU networks on an input box (Serra et al. 2020).

A hidden unit with pre-activation z(x) is *never active* on a box when z <= 0 everywhere there
(relu(z) = 0: remove it) and *always active* when z >= 0 everywhere there and it is not never
active (relu(z) = z: the unit is affine on the box and can be folded into the next layer). A unit
with z ≡ 0 is both and counts as never active. Every other unit is *undecided*.

:func:`stable_units` decides layer by layer: interval bound propagation first (sound, cheap,
loose in deep layers), then, for the units it leaves open, the exact mixed-integer program of
the earlier layers over the box, solved by HiGHS (``scipy.optimize.milp``): each undecided
earlier unit is written with one binary delta and its bounds [L, U] as big-M constants,

    h >= 0,  h >= z,  h <= z - L (1 - delta),  h <= U delta,

stable units as h = z or h = 0. Its LP relaxation (delta in [0, 1]) bounds every open unit
(deciding some and tightening the big-M constants of later layers); the rest get the exact
question "z >= 0 (z <= 0) somewhere in the box?" as a feasibility MILP, whose "no" is a proof.
Every solver point is run through the true forward pass and kept as a *witness*. Witness
points (the box centre, a Halton set, interval-bound corners, LP and MILP solutions) only ever
prove that a unit switches; they never decide that it is stable. :func:`compress` then removes
never-active units and folds always-active ones into the next layer, giving a smaller net equal
to the original on the box. Hard-tanh nets are refused (ValueError).
always-active ones into the next layer, giving a smaller net equal to the original on the box.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import scipy.linalg
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.stats import qmc
from torch import nn

from ._validation import as_float_array, check_int, check_real
from .nets import NumpyMLP, as_numpy, from_weights

__all__ = ["ACTIVE", "INACTIVE", "UNDECIDED", "StableUnits", "compress", "interval_bounds", "stable_units"]

ACTIVE, INACTIVE, UNDECIDED = 1, -1, 0
_EPS = np.finfo(np.float64).eps

# The LP relaxation's bound decides a unit only when it clears zero by this much, relative to the
# unit's interval-bound magnitude: HiGHS reports LP optima to absolute tolerances of ~1e-7, so a
# bound closer to 0 than that is left to the exact feasibility MILP, which asks "z >= 0 (or
# <= 0) somewhere in the box?". The relaxation of that MILP by HiGHS' tolerances only enlarges
# its feasible set, so "infeasible" is a proof; a unit whose true extreme is within tolerance of
# 0 may stay undecided ("open"), which is always safe: compress keeps it.
_LP_MARGIN = 1e-6

# Witness probes: the box centre and this many Halton points (unscrambled: deterministic, no
# seed). They only prove that units switch, which spares most MILP solves on untrained nets.
DEFAULT_PROBES = 256

# Seconds HiGHS may spend on one feasibility MILP. A solve stopped early proves nothing and the
# unit stays "open" (kept by compress: safe). Units of l1-trained nets are decided in well under
# a second; the slow ones are units of untrained nets whose extreme is almost exactly 0 (e.g.
# at the origin of a bias-free net), where 2 s rarely changes the answer and 10 s costs minutes.
DEFAULT_TIME_LIMIT = 2.0


# --------------------------------------------------------------------------------------------------
# the result


@dataclass(frozen=True, repr=False)
class StableUnits:
    """Which hidden units of a ReLU net are provably stable on an input box.

    Attributes
    ----------
    states : tuple of (n_l,) int8 ndarray
        Per hidden layer: ``ACTIVE`` (1, z >= 0 on the box), ``INACTIVE`` (-1, z <= 0 on the
        box) or ``UNDECIDED`` (0).
    lower, upper : tuple of (n_l,) float64 ndarray
        Proven bounds on each pre-activation over the box (interval bounds, tightened by the
        LP relaxation where it ran; clipped to 0 for units the MILP proved stable).
    decided_by : tuple of (n_l,) str ndarray
        ``"bounds"`` (interval bounds), ``"milp"`` (the LP relaxation or the exact MILP),
        ``"witness"`` (undecided, with box points where z > 0 and where z < 0) or ``"open"``
        (undecided: not proved either way; its extreme is within solver tolerance of 0, the
        MILP hit ``time_limit``, or ``exact=False`` and no witness pair is known).
    on_points, off_points : tuple of (n_l, d) float64 ndarray
        A box point where the unit's z > 0 (resp. z < 0), by a true forward pass; NaN rows
        where none is known.
    lows, highs : (d,) float64 ndarray
        The box.
    milp_solves : int
        Number of LPs and MILPs solved.

    Examples
    --------
    >>> net = from_weights([[[1.0], [-1.0]], [[1.0, 1.0]]], [[2.0, 0.0], [0.0]])
    >>> units = stable_units(net, (0.0, 1.0))  # relu(x + 2) always on, relu(-x) always off
    >>> units.states, units.counts()
    ((array([ 1, -1], dtype=int8),), [{'active': 1, 'inactive': 1, 'undecided': 0}])
    """

    states: tuple[np.ndarray, ...]
    lower: tuple[np.ndarray, ...]
    upper: tuple[np.ndarray, ...]
    decided_by: tuple[np.ndarray, ...]
    on_points: tuple[np.ndarray, ...]
    off_points: tuple[np.ndarray, ...]
    lows: np.ndarray
    highs: np.ndarray
    milp_solves: int

    @property
    def active(self) -> tuple[np.ndarray, ...]:
        """Indices of the always-active units, per layer."""
        return tuple(np.flatnonzero(s == ACTIVE) for s in self.states)

    @property
    def inactive(self) -> tuple[np.ndarray, ...]:
        """Indices of the never-active units, per layer."""
        return tuple(np.flatnonzero(s == INACTIVE) for s in self.states)

    @property
    def undecided(self) -> tuple[np.ndarray, ...]:
        """Indices of the undecided units, per layer."""
        return tuple(np.flatnonzero(s == UNDECIDED) for s in self.states)

    @property
    def widths(self) -> tuple[int, ...]:
        return tuple(len(s) for s in self.states)

    def counts(self) -> list[dict[str, int]]:
        """Per layer: how many units are active, inactive and undecided."""
        return [
            {"active": int((s == ACTIVE).sum()), "inactive": int((s == INACTIVE).sum()),
             "undecided": int((s == UNDECIDED).sum())}
            for s in self.states
        ]

    def __repr__(self) -> str:
        layers = ", ".join(f"{c['active']}/{c['inactive']}/{c['undecided']}" for c in self.counts())
        return f"StableUnits(active/inactive/undecided per layer: {layers}; {self.milp_solves} MILPs)"


# --------------------------------------------------------------------------------------------------
# validation


def _check_relu(net: object) -> NumpyMLP:
    mlp = as_numpy(net)  # TypeError / ValueError naming ``net``
    kinds = sorted({act.kind for act in mlp.activations} - {"relu"})
    if kinds:
        raise ValueError(
            f"net must be a ReLU network; it has {', '.join(kinds)} layers (stable units are defined here for relu)"
        )
    return mlp


def _check_box(box: object, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """``(lows, highs)``: each a scalar (the same for every input) or a (dim,) array."""
    allowed = f"(lows, highs) with lows, highs scalars or arrays of shape ({dim},) and lows <= highs"
    if isinstance(box, (str, bytes)) or not isinstance(box, (Sequence, np.ndarray)) or len(box) != 2:
        raise TypeError(f"box must be a pair {allowed}, got {box!r}")
    ends = []
    for name, value in zip(("lows", "highs"), box):
        arr = as_float_array(value, f"box {name}", expected="a number or an array of numbers")
        if arr.ndim == 0:
            arr = np.full(dim, float(arr))
        if arr.shape != (dim,):
            raise ValueError(f"box must be {allowed}; its {name} have shape {arr.shape} for a net with {dim} inputs")
        bad = ~np.isfinite(arr)
        if bad.any():
            raise ValueError(f"box {name} must be finite; entries {np.flatnonzero(bad).tolist()} are not")
        ends.append(arr)
    lows, highs = ends
    inverted = lows > highs
    if inverted.any():
        raise ValueError(f"box must have lows <= highs; inputs {np.flatnonzero(inverted).tolist()} have lows > highs")
    return lows, highs


# --------------------------------------------------------------------------------------------------
# interval bounds


def _interval(w: np.ndarray, b: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact range of w h + b over the box lo <= h <= hi, in midpoint-radius form."""
    mid, rad = 0.5 * (lo + hi), 0.5 * (hi - lo)
    centre = w @ mid + b
    spread = np.abs(w) @ rad
    return centre - spread, centre + spread


def interval_bounds(net: nn.Module, box: tuple) -> list[tuple[np.ndarray, np.ndarray]]:
    """Interval bounds on every hidden layer's pre-activations over an input box.

    With [l_{k-1}, u_{k-1}] the bounds on h_{k-1} (the box for k = 1), m = (l + u)/2 and
    r = (u - l)/2:

    .. math:: z_k \\in [W_k m + b_k - |W_k| r,\\; W_k m + b_k + |W_k| r],
              \\qquad h_k \\in [\\mathrm{relu}(l_k), \\mathrm{relu}(u_k)]

    Sound (every z_k(x), x in the box, lies inside) and exact for the first layer, but loose
    deeper: it forgets that units share their inputs.

    Parameters
    ----------
    net : torch.nn.Sequential
        A ReLU network (see :func:`exprlib.nets.as_numpy`).
    box : (lows, highs)
        Each a scalar (the same for every input) or a (d,) array_like, lows <= highs.

    Returns
    -------
    list of ((n_l,), (n_l,)) float64 ndarray pairs
        ``(lower, upper)`` for each hidden layer.

    Raises
    ------
    TypeError
        If ``net`` is not a supported network or ``box`` is not a pair of numbers/arrays.
    ValueError
        If ``net`` is not ReLU, or ``box`` has the wrong shape, non-finite entries or lows > highs.

    Examples
    --------
    >>> net = from_weights([[[1.0, -1.0]], [[1.0]], [[1.0]]], [[0.0], [-0.5], [0.0]])
    >>> [(lo.tolist(), hi.tolist()) for lo, hi in interval_bounds(net, (0.0, 1.0))]
    [([-1.0], [1.0]), ([-0.5], [0.5])]
    """
    mlp = _check_relu(net)
    lo, hi = _check_box(box, mlp.in_dim)
    out = []
    for w, b in zip(mlp.weights[:-1], mlp.biases[:-1]):
        z_lo, z_hi = _interval(w, b, lo, hi)
        out.append((z_lo, z_hi))
        lo, hi = np.maximum(z_lo, 0.0), np.maximum(z_hi, 0.0)
    return out


# --------------------------------------------------------------------------------------------------
# the MILP


class _Program:
    """The big-M MILP of layers 1..l-1 over the box; ``bound(w, sense)`` optimises w . h_{l-1}."""

    def __init__(self, mlp: NumpyMLP, l: int, states, lower, upper, lows, highs, time_limit: float | None) -> None:
        d = mlp.in_dim
        widths = mlp.widths[:l]
        n_delta = [int((states[k] == UNDECIDED).sum()) for k in range(l)]
        n_vars = d + sum(widths) + sum(n_delta)
        var_lo = np.zeros(n_vars)
        var_hi = np.zeros(n_vars)
        integrality = np.zeros(n_vars)
        var_lo[:d], var_hi[:d] = lows, highs
        rows, row_lo, row_hi = [], [], []
        prev = slice(0, d)
        h_start = d
        delta_start = d + sum(widths)
        for k in range(l):
            w, b, st = mlp.weights[k], mlp.biases[k], states[k]
            lo_k, hi_k = lower[k], upper[k]
            h = slice(h_start, h_start + widths[k])
            h_start += widths[k]
            var_lo[h] = np.where(st == ACTIVE, np.maximum(lo_k, 0.0), 0.0)
            var_hi[h] = np.where(st == INACTIVE, 0.0, np.maximum(hi_k, 0.0))
            for j in np.flatnonzero(st != INACTIVE):
                base = np.zeros(n_vars)
                base[prev] = -w[j]
                base[h.start + j] = 1.0  # base . v = h_j - (z_j - b_j)
                if st[j] == ACTIVE:  # h = z
                    rows.append(base)
                    row_lo.append(b[j])
                    row_hi.append(b[j])
                    continue
                q = delta_start
                delta_start += 1
                integrality[q] = 1
                var_hi[q] = 1.0
                rows.append(base)  # h >= z
                row_lo.append(b[j])
                row_hi.append(np.inf)
                tight = base.copy()  # h <= z - L (1 - delta)
                tight[q] = -lo_k[j]
                rows.append(tight)
                row_lo.append(-np.inf)
                row_hi.append(b[j] - lo_k[j])
                gate = np.zeros(n_vars)  # h <= U delta
                gate[h.start + j] = 1.0
                gate[q] = -hi_k[j]
                rows.append(gate)
                row_lo.append(-np.inf)
                row_hi.append(0.0)
            prev = h
        self.prev, self.n_vars, self.d = prev, n_vars, d
        self.bounds = Bounds(var_lo, var_hi)
        self.integrality = integrality
        self.rows = np.array(rows).reshape(len(rows), n_vars)
        self.row_lo, self.row_hi = np.array(row_lo), np.array(row_hi)
        self.options = {} if time_limit is None else {"time_limit": time_limit}
        self.lows, self.highs = lows, highs

    def _solve(self, c: np.ndarray, integral: bool, extra: tuple | None = None):
        rows, lo, hi = self.rows, self.row_lo, self.row_hi
        if extra is not None:
            rows = np.vstack([rows, extra[0]])
            lo, hi = np.append(lo, extra[1]), np.append(hi, extra[2])
        constraints = LinearConstraint(rows, lo, hi) if len(rows) else None
        integrality = self.integrality if integral else np.zeros(self.n_vars)
        return milp(c, integrality=integrality, bounds=self.bounds, constraints=constraints, options=self.options)

    def _point(self, res) -> np.ndarray | None:
        return None if res.x is None else np.clip(res.x[: self.d], self.lows, self.highs)

    def relaxed_bound(self, w: np.ndarray, maximise: bool) -> tuple[float, np.ndarray | None]:
        """A proven bound on max (min) of w . h_{l-1} from the LP relaxation (delta in [0, 1]),
        and the relaxation's optimal input (a good witness candidate)."""
        c = np.zeros(self.n_vars)
        c[self.prev] = -w if maximise else w
        res = self._solve(c, integral=False)
        if res.status != 0 or res.fun is None:
            return (np.inf if maximise else -np.inf), None
        return (-res.fun if maximise else res.fun), self._point(res)

    def optimum_bound(self, w: np.ndarray, maximise: bool) -> float:
        """A proven bound on max (min) of w . h_{l-1} from the MILP's dual bound (valid even when
        the time limit stops the solve early: then it is only looser)."""
        c = np.zeros(self.n_vars)
        c[self.prev] = -w if maximise else w
        res = self._solve(c, integral=True)
        dual = getattr(res, "mip_dual_bound", None)
        if dual is None or not np.isfinite(dual):
            return np.inf if maximise else -np.inf
        return -dual if maximise else dual

    def reaches(self, w: np.ndarray, level: float, maximise: bool) -> tuple[bool | None, np.ndarray | None]:
        """Is w . h_{l-1} >= level (maximise) or <= level somewhere in the box? A pure
        feasibility MILP: HiGHS stops at the first solution or proves that there is none.
        None when the time limit stopped it first."""
        row = np.zeros(self.n_vars)
        row[self.prev] = w
        extra = (row, level, np.inf) if maximise else (row, -np.inf, level)
        res = self._solve(np.zeros(self.n_vars), integral=True, extra=extra)
        if res.status == 2:  # infeasible
            return False, None
        if res.x is not None:
            return True, self._point(res)
        return None, None


# --------------------------------------------------------------------------------------------------
# public: classification


class _Witnesses:
    """Box points with their true pre-activations in every layer (they prove switching only)."""

    def __init__(self, mlp: NumpyMLP, points: np.ndarray) -> None:
        self.mlp = mlp
        self.points = points
        self.z = mlp.preactivations(points)

    def add(self, points: np.ndarray) -> None:
        self.points = np.vstack([self.points, points])
        new = self.mlp.preactivations(points)
        self.z = [np.vstack([a, b]) for a, b in zip(self.z, new)]


def stable_units(
    net: nn.Module,
    box: tuple,
    *,
    exact: bool = True,
    probes: int = DEFAULT_PROBES,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    tighten: bool = False,
) -> StableUnits:
    """Classify every hidden unit of a ReLU net as always active, never active or undecided on a box.

    A unit is never active when its pre-activation z <= 0 on the whole box (so relu(z) = 0
    there), always active when z >= 0 on the whole box and it is not never active (relu(z) = z
    there); z ≡ 0 counts as never active. Layer by layer, interval bounds decide first
    (see :func:`interval_bounds`, using the tightest bounds found for earlier layers); with
    ``exact`` the units they leave open go to a big-M MILP over the box, solved by HiGHS, whose
    dual bound is a proof. A unit is reported undecided only if it is not proved stable:
    ``decided_by`` says ``"witness"`` when box points where it is on and off are known
    (``on_points``/``off_points``), else ``"open"``.

    Parameters
    ----------
    net : torch.nn.Sequential
        A ReLU network, any number of inputs and outputs (see :func:`exprlib.nets.as_numpy`).
    box : (lows, highs)
        The input box {x : lows <= x <= highs}; each a scalar (the same for every input) or a
        (d,) array_like.
    exact : bool, default True
        False: interval bounds only (every unit they leave open is undecided).
    probes : int, default 256
        Halton points (deterministic) added to the box centre as witness candidates; 0 for none.
        They never decide stability, only spare MILP solves.
    time_limit : float or None, default 2.0
        Seconds per feasibility MILP; a unit whose MILP is stopped early stays undecided
        (``"open"``). None: no limit.
    tighten : bool, default False
        Before moving on to the next layer, bound every undecided unit by the exact MILP
        (optimisation-based bound tightening). Two more MILPs per undecided unit, but much
        smaller big-M constants: on untrained [32]x3 nets with 2-4 inputs it left 0-3 units
        open instead of 5-13. Worth it when ``exact`` leaves many units ``"open"``.

    Returns
    -------
    StableUnits

    Raises
    ------
    TypeError
        If ``net`` is not a supported network or an argument has the wrong type.
    ValueError
        If ``net`` is not ReLU, ``box`` has the wrong shape, non-finite entries or lows > highs,
        or ``time_limit`` is not positive.

    Notes
    -----
    Soundness: interval bounds are exact interval arithmetic in float64. For each side of a unit
    that no witness settles, the LP relaxation of the MILP (delta in [0, 1]) gives a proven
    bound; it decides the unit if it clears 0 by 1e-6 of the unit's bound magnitude (HiGHS' LP
    tolerances), and tightens the big-M constants of later layers. Otherwise a feasibility MILP
    asks whether z >= 0 (z <= 0) anywhere in the box: HiGHS stops at the first solution (a
    witness candidate) or proves there is none, and its tolerances only enlarge the feasible
    set, so "none" is a proof. A stable unit is therefore stable to rounding. Untrained nets
    rarely need a MILP (witnesses settle most units); nets trained with an l1 penalty need many.

    References
    ----------
    T. Serra, A. Kumar, S. Ramalingam, "Lossless compression of deep neural networks",
    CPAIOR 2020, arXiv:2001.00218.

    Examples
    --------
    >>> net = from_weights([[[1.0, -1.0]], [[1.0]], [[1.0]]], [[0.0], [-1.5], [0.0]])
    >>> stable_units(net, (0.0, 1.0), exact=False).states  # bounds: z_2 in [-1.5, -0.5]
    (array([0], dtype=int8), array([-1], dtype=int8))
    >>> stable_units(net, ([0.0, 0.5], [1.0, 0.5])).decided_by[0].tolist()
    ['witness']
    """
    mlp = _check_relu(net)
    lows, highs = _check_box(box, mlp.in_dim)
    for name, flag in (("exact", exact), ("tighten", tighten)):
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {flag!r}")
    probes = check_int("probes", probes, minimum=0)
    if time_limit is not None:
        time_limit = check_real("time_limit", time_limit, positive=True)
    d = mlp.in_dim
    centre = 0.5 * (lows + highs)
    points = [centre[None, :]]
    if probes:
        points.append(lows + qmc.Halton(d, scramble=False).random(probes) * (highs - lows))
    witnesses = _Witnesses(mlp, np.vstack(points))
    states, lower, upper, decided, on_pts, off_pts = [], [], [], [], [], []
    solves = 0
    h_lo, h_hi = lows, highs
    for l, (w, b) in enumerate(zip(mlp.weights[:-1], mlp.biases[:-1])):
        lo, hi = _interval(w, b, h_lo, h_hi)
        if l == 0:  # exact: the extremes sit at box corners, which are witnesses too
            witnesses.add(np.vstack([np.where(w > 0, highs, lows), np.where(w > 0, lows, highs)]))
        n = len(b)
        state = np.full(n, UNDECIDED, dtype=np.int8)
        by = np.full(n, "open", dtype=object)
        state[lo >= 0] = ACTIVE
        state[hi <= 0] = INACTIVE  # z ≡ 0 is never active
        by[state != UNDECIDED] = "bounds"
        margin = _LP_MARGIN * np.maximum(np.abs(lo), np.abs(hi))
        if exact and l > 0:
            program = _Program(mlp, l, states, lower, upper, lows, highs, time_limit)
            # LP-relaxation bounds for every open unit: they may decide it, and they tighten the
            # big-M constants (and interval bounds) of all later layers, which is what keeps the
            # later MILPs small; the relaxation's optima are witness candidates too.
            candidates = []
            for j in np.flatnonzero(state == UNDECIDED):
                for maximise in (True, False):
                    value, x = program.relaxed_bound(w[j], maximise)
                    solves += 1
                    value += b[j]
                    if x is not None:
                        candidates.append(x)
                    if maximise:
                        hi[j] = min(hi[j], value)
                        if value <= -margin[j]:
                            state[j], by[j] = INACTIVE, "milp"
                            break
                    else:
                        lo[j] = max(lo[j], value)
                        if value >= margin[j]:
                            state[j], by[j] = ACTIVE, "milp"
                if candidates:
                    witnesses.add(np.array(candidates))
                    candidates = []
                if tighten and state[j] == UNDECIDED and l < mlp.depth - 1:
                    # exact bounds (optimisation-based bound tightening): smaller big-M
                    # constants make the next layer's MILPs much easier to prove
                    for maximise in (True, False):
                        solves += 1
                        value = program.optimum_bound(w[j], maximise) + b[j]
                        if maximise:
                            hi[j] = min(hi[j], value)
                        else:
                            lo[j] = max(lo[j], value)
        for j in np.flatnonzero(state == UNDECIDED):
            z = witnesses.z[l][:, j]
            seen_on, seen_off = bool((z > 0).any()), bool((z < 0).any())
            if exact and l > 0 and not (seen_on and seen_off):
                for maximise, seen in ((True, seen_on), (False, seen_off)):
                    if seen:
                        continue
                    # the exact question: z >= 0 (z <= 0) somewhere in the box?
                    solves += 1
                    reached, x = program.reaches(w[j], -b[j], maximise)
                    if x is not None:
                        witnesses.add(x[None, :])
                        sign = 1 if maximise else -1
                        if reached and not (sign * witnesses.z[l][-1, j] > 0):
                            # a point with z = 0 to tolerance (as at the origin of a bias-free
                            # net): ask for a clear margin instead; if there is none the unit's
                            # extreme is within tolerance of 0 and it stays "open"
                            solves += 1
                            _, x = program.reaches(w[j], -b[j] + sign * margin[j], maximise)
                            if x is not None:
                                witnesses.add(x[None, :])
                    if reached is False:
                        if maximise:
                            state[j], by[j], hi[j] = INACTIVE, "milp", min(hi[j], 0.0)
                        else:
                            state[j], by[j], lo[j] = ACTIVE, "milp", max(lo[j], 0.0)
                        break
                z = witnesses.z[l][:, j]
                seen_on, seen_off = bool((z > 0).any()), bool((z < 0).any())
            if state[j] == UNDECIDED and seen_on and seen_off:
                by[j] = "witness"
        zl = witnesses.z[l]
        on = np.where((zl.max(axis=0) > 0)[:, None], witnesses.points[zl.argmax(axis=0)], np.nan)
        off = np.where((zl.min(axis=0) < 0)[:, None], witnesses.points[zl.argmin(axis=0)], np.nan)
        # a proven-inactive unit's upper bound is <= 0 even if bounds said more
        hi = np.where(state == INACTIVE, np.minimum(hi, 0.0), hi)
        lo = np.where(state == ACTIVE, np.maximum(lo, 0.0), lo)
        states.append(state)
        lower.append(lo)
        upper.append(hi)
        decided.append(by.astype(str))
        on_pts.append(on)
        off_pts.append(off)
        h_lo = np.where(state == INACTIVE, 0.0, np.maximum(lo, 0.0))
        h_hi = np.where(state == INACTIVE, 0.0, np.maximum(hi, 0.0))
    return StableUnits(tuple(states), tuple(lower), tuple(upper), tuple(decided), tuple(on_pts), tuple(off_pts),
                       lows, highs, solves)


# --------------------------------------------------------------------------------------------------
# public: compression


def _basis(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices B of linearly independent rows and C with rows ≈ C @ rows[B] (C[B] = I exactly).

    Rank by column-pivoted QR of rows^T with numpy's matrix_rank tolerance (max(shape) eps of
    the largest diagonal entry): only rows dependent to rounding are dropped.
    """
    k = len(rows)
    if k == 0:
        return np.zeros(0, dtype=int), np.zeros((0, 0))
    if rows.shape[1] == 0:  # the kept representation is empty: every row is zero
        return np.zeros(0, dtype=int), np.zeros((k, 0))
    _, r, perm = scipy.linalg.qr(rows.T, mode="economic", pivoting=True)
    diag = np.abs(np.diag(r))
    tol = max(rows.shape) * _EPS * (diag[0] if len(diag) else 0.0)
    rank = int((diag > tol).sum())
    if rank == k:
        return np.arange(k), np.eye(k)
    basis = np.sort(perm[:rank])
    coef = np.linalg.lstsq(rows[basis].T, rows.T, rcond=None)[0].T  # (k, rank)
    coef[basis] = np.eye(rank)
    return basis, coef


def compress(
    net: nn.Module,
    box: tuple,
    *,
    units: StableUnits | None = None,
    exact: bool = True,
) -> nn.Sequential:
    """A smaller ReLU net equal to ``net`` on the box: stable units removed or folded.

    Never-active units are removed (their relu is 0 on the box). Always-active units are affine
    on the box (their relu is the identity), so a layer whose remaining units are all active is
    composed into the next layer and disappears: W' = W_{l+1} W_l[A], b' = W_{l+1} b_l[A] +
    b_{l+1}. In a layer that keeps undecided units, the active units' outputs z_A = P_A r + p_A
    are affine in the layer's input r: only a basis B of rank(P_A) of them is kept and the rest,
    z_A = C z_B + (p_A - C p_B), are folded into the next layer (Serra et al. 2020). Undecided
    units are never removed. Off the box the result generally differs from ``net``.

    Parameters
    ----------
    net : torch.nn.Sequential
        A ReLU network (see :func:`exprlib.nets.as_numpy`).
    box : (lows, highs)
        As for :func:`stable_units`.
    units : StableUnits, optional
        A classification of this net on this box (from :func:`stable_units`); computed if None.
    exact : bool, default True
        Passed to :func:`stable_units` when ``units`` is None.

    Returns
    -------
    torch.nn.Sequential
        A float64 net built with :func:`exprlib.nets.from_weights`; possibly with fewer hidden
        layers (a single ``Linear`` when every unit is stable).

    Raises
    ------
    TypeError
        As for :func:`stable_units`, or if ``units`` is not a ``StableUnits``.
    ValueError
        As for :func:`stable_units`, or if ``units`` has other widths or another box.

    Examples
    --------
    >>> net = from_weights([[[1.0], [-1.0], [1.0]], [[1.0, 2.0, -1.0]]], [[2.0, 0.0, -0.5], [0.0]])
    >>> small = compress(net, (0.0, 1.0))  # relu(x + 2) on, relu(-x) off, relu(x - 1/2) switches
    >>> as_numpy(small).widths  # relu(-x) removed
    (2,)
    >>> x = np.linspace(0.0, 1.0, 5)[:, None]
    >>> bool(np.allclose(as_numpy(small).forward(x), as_numpy(net).forward(x)))
    True
    >>> as_numpy(compress(net, (1.0, 2.0))).widths  # every unit stable: a linear model
    ()
    """
    mlp = _check_relu(net)
    lows, highs = _check_box(box, mlp.in_dim)
    if units is None:
        units = stable_units(net, (lows, highs), exact=exact)
    elif not isinstance(units, StableUnits):
        raise TypeError(f"units must be a StableUnits from stable_units(net, box), got {type(units).__name__}")
    elif units.widths != mlp.widths:
        raise ValueError(f"units must classify this net: it has widths {units.widths}, the net {mlp.widths}")
    elif not (np.array_equal(units.lows, lows) and np.array_equal(units.highs, highs)):
        raise ValueError("units must be computed on the same box as the one passed to compress")
    kept_w, kept_b = [], []
    # z_l = pending_w r + pending_b, with r the output of the last kept hidden layer (or x)
    pending_w, pending_b = mlp.weights[0], mlp.biases[0]
    for l, state in enumerate(units.states):
        w_next, b_next = mlp.weights[l + 1], mlp.biases[l + 1]
        keep = np.flatnonzero(state == UNDECIDED)
        act = np.flatnonzero(state == ACTIVE)
        if len(keep) == 0:  # affine on the box: compose with the next layer
            pending_w = w_next[:, act] @ pending_w[act]
            pending_b = w_next[:, act] @ pending_b[act] + b_next
            continue
        basis, coef = _basis(pending_w[act])
        rows = np.concatenate([keep, act[basis]])
        kept_w.append(pending_w[rows])
        kept_b.append(pending_b[rows])
        folded = w_next[:, act] @ coef  # (n_next, rank): acts on the kept basis units
        pending_w = np.hstack([w_next[:, keep], folded])
        pending_b = b_next + w_next[:, act] @ (pending_b[act] - coef @ pending_b[act[basis]])
    return from_weights([*kept_w, pending_w], [*kept_b, pending_b])
