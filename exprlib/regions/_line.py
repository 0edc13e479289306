"""Exact 1-D linear regions: where the activation pattern changes along segments, polylines and arcs.

Breakpoint refinement (``shared/notes/exact-regions.md``). Along x(t) = a + t (b - a) keep
sorted points 0 = t_0 < ... < t_K = 1 and the current layer's pre-activations Z (K+1 x n_l) at
them. Invariant: on every interval the patterns of all earlier layers are constant, so z_l is
affine in t there and fixed by its two endpoint rows. For each layer, every unit whose values at
the ends of an interval have strictly opposite signs (beyond a scale-aware tolerance band)
around one of its thresholds (ReLU 0; hard-tanh min_val, max_val) crosses it exactly once, at

    t* = t_i + (t_{i+1} - t_i) s_i / (s_i - s_{i+1}),      s = z - threshold,

and the whole row Z(t*) is the same affine interpolation. All crossings of a layer are merged
into the points at once, then one matrix product carries every point to the next layer. The
pattern of each layer on each interval is read off its endpoint values, and

    regions = 1 + #{interior points where the patterns of neighbouring intervals differ},

so a unit that touches a threshold without crossing, or several units crossing at one point,
never add a region. On a circular arc x(theta) = x0 cos theta + x1 sin theta every unit is
A cos theta + B sin theta + C on each interval; the same refinement then uses closed-form roots.

Size budgets (``_budget.py``): before each layer's new points are allocated their number is
checked against what ``memory_budget`` holds; past it the functions raise RegionBudgetError,
except ``count_regions_1d``, which counts the segment as a polyline of equal pieces, run by
run, and refuses only counts estimated beyond ``max_regions``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from torch import nn

from .._validation import as_float_array, as_input_vector
from ..nets import Activation, NumpyMLP, as_numpy
from ._budget import (
    DEFAULT_MAX_REGIONS,
    DEFAULT_MEMORY_BUDGET,
    RegionBudgetError,
    _Overflow,
    arc_bytes,
    check_growth,
    check_max_regions,
    check_memory_budget,
    line_bytes,
    refusal,
)

__all__ = [
    "breakpoints_1d",
    "breakpoints_arc",
    "breakpoints_polyline",
    "count_pieces_1d",
    "count_regions_1d",
    "count_regions_arc",
    "count_regions_lines",
    "count_regions_polyline",
]

_EPS = np.finfo(np.float64).eps

# Half-width of the band around a threshold inside which a pre-activation counts as *on* it,
# relative to the size of the terms it is summed from, sum_k |W_jk| max|h_k| + |b_j|. A dot
# product of n terms is typically off by ~sqrt(n) eps of that size, interpolated rows add a few
# eps, and errors of earlier layers add up layer by layer (about 10-20 eps per layer for widths
# ~100), so 64 eps stays clear of rounding noise -- a unit that only touches its threshold is
# never seen as crossing it -- while any crossing more than ~1e-14 (relative) away from a
# point is still found. Genuine regions are never filtered by their size.
_BAND = 64 * _EPS

# Two crossings (or a crossing and an existing point) whose positions are closer than their
# own uncertainty -- band / |slope| each -- are one point: this merges coincident breakpoints
# (duplicated units, structured nets) that rounding put a few ulps apart. The floor keeps
# distinct points distinct as float64 numbers (t has only ~eps |t| resolution).
_T_FLOOR = 4 * _EPS

# Two neighbouring regions are one linear piece when their output slopes (in t, every output)
# agree to within the rounding error of the products that made them: a sum of n terms is off by
# at most ~n eps times the sum of the absolute terms (Higham's gamma_n), and the slope is a chain
# of such sums over all layers. We use 2 eps per term of that chain, relative to the slope
# computed with |W| and |d| (the "absolute" slope), which bounds what rounding can produce.
_PIECE_TOL_PER_TERM = 2 * _EPS

# Batches of lines and long polylines are refined in chunks of segments holding about this many
# (point x unit) entries; each costs ~30 bytes over the float64 pre-activations, their codes and
# the scattered copies, so a chunk peaks near 250 MB. A single segment is never split.
_CHUNK_ENTRIES = 1 << 23


# --------------------------------------------------------------------------------------------------
# validation


def _show(arr: np.ndarray) -> str:
    """A short rendering of a vector for error messages (long ones are elided)."""
    values = arr.ravel().tolist()
    if len(values) <= 6:
        return str(values)
    return f"[{values[0]!r}, {values[1]!r}, {values[2]!r}, ..., {values[-1]!r}] ({len(values)} entries)"


def _as_vector(value: object, dim: int, name: str) -> np.ndarray:
    """A finite float64 vector of length ``dim``."""
    arr = as_input_vector(value, dim, name)
    bad = np.flatnonzero(~np.isfinite(arr))
    if len(bad):
        raise ValueError(
            f"{name} must be finite; it contains NaN or infinite values ({len(bad)} of them, "
            f"first {name}[{bad[0]}] = {arr[bad[0]]})"
        )
    return arr


def _as_matrix(value: object, dim: int, name: str, min_rows: int) -> np.ndarray:
    """A finite float64 array of shape (k, dim) with k >= min_rows."""
    arr = as_float_array(value, name)
    if arr.ndim != 2 or arr.shape[1] != dim or arr.shape[0] < min_rows:
        raise ValueError(
            f"{name} must have shape (k, {dim}) with k >= {min_rows} "
            f"(one row per point, {dim} = the network's input dimension), got shape {arr.shape}"
        )
    bad = ~np.isfinite(arr)
    if bad.any():
        row = int(np.argwhere(bad)[0, 0])
        raise ValueError(f"{name} must be finite; row {row} contains NaN or infinite values: {_show(arr[row])}")
    return arr


def _as_segment(mlp: NumpyMLP, start: object, end: object) -> tuple[np.ndarray, np.ndarray]:
    """The end points of a segment in the input space of ``mlp``, distinct."""
    start = _as_vector(start, mlp.in_dim, "start")
    end = _as_vector(end, mlp.in_dim, "end")
    if np.array_equal(start, end):
        raise ValueError(
            f"start and end must differ (a segment needs positive length), got start == end == {_show(start)}"
        )
    return start, end


# x0 and x1 count as dependent when the part of x1 orthogonal to x0 is no larger than the
# rounding error of computing it (a few eps of |x1|).
_DEPENDENT_RTOL = 16 * _EPS


def _check_independent(x0: np.ndarray, x1: np.ndarray, names: tuple[str, str] = ("x0", "x1")) -> None:
    norm0, norm1 = float(np.linalg.norm(x0)), float(np.linalg.norm(x1))
    if norm0 > 0 and norm1 > 0:
        unit0 = x0 / norm0
        orthogonal = x1 - (unit0 @ x1) * unit0
        if np.linalg.norm(orthogonal) > _DEPENDENT_RTOL * norm1:
            return
    a, b = names
    raise ValueError(
        f"{a} and {b} must be linearly independent (they span a plane), got {a} = {_show(x0)} and {b} = {_show(x1)}"
    )


# --------------------------------------------------------------------------------------------------
# per-layer building blocks shared by the segment and the arc refinements


def _codes(z: np.ndarray, act: Activation, band: np.ndarray) -> np.ndarray:
    """Where each value sits relative to the thresholds, as int8.

    ReLU: -1 below -band, 0 within the band around 0, +1 above. Hard-tanh: -2 below lo - band,
    -1 in the band around lo, 0 strictly inside, +1 in the band around hi, +2 above hi + band.
    """
    if act.kind == "relu":
        codes = np.greater(z, band).view(np.int8)
        codes -= np.less(z, -band).view(np.int8)
        return codes
    lo, hi = act.lo, act.hi
    codes = np.greater(z, lo + band).view(np.int8)
    codes += np.greater_equal(z, lo - band).view(np.int8)
    codes += np.greater_equal(z, hi - band).view(np.int8)
    codes += np.greater(z, hi + band).view(np.int8)
    codes -= 2
    return codes


def _on_threshold_code(act: Activation, threshold: np.ndarray) -> np.ndarray:
    """The code of values exactly on the given thresholds (ReLU 0; hard-tanh lo -1, hi +1)."""
    if act.kind == "relu":
        return np.zeros(np.shape(threshold), dtype=np.int8)
    return np.where(threshold == act.lo, -1, 1).astype(np.int8)


def _interval_pattern(lo_code: np.ndarray, hi_code: np.ndarray, act: Activation) -> np.ndarray:
    """The unit's pattern on an interval from the extreme codes of its values there.

    After refinement no interval holds values strictly on both sides of a threshold, so the
    pattern is fixed by the largest and smallest code: ReLU is active iff some value is clearly
    positive; hard-tanh is -1 iff every value is at or below lo, +1 iff at or above hi, else 0.
    A unit lying on a threshold over a whole interval (a zero row, a bias-free unit on a line
    through the origin) gets the pattern of the threshold itself, as ``Activation.pattern`` does.
    """
    if act.kind == "relu":
        return np.greater(hi_code, 0).view(np.int8)
    pattern = np.greater_equal(lo_code, 1).view(np.int8)
    pattern -= np.less_equal(hi_code, -1).view(np.int8)
    return pattern


def _slope_mask(pattern: np.ndarray, act: Activation) -> np.ndarray:
    """1.0 where the unit passes its input on (ReLU active, hard-tanh inside), else 0.0."""
    if act.kind == "relu":
        return pattern.astype(np.float64)
    return (pattern == 0).astype(np.float64)


def _saturation(pattern: np.ndarray, act: Activation) -> np.ndarray:
    """The constant output of a unit whose slope is 0 (hard-tanh lo / hi; ReLU 0)."""
    if act.kind == "relu":
        return np.zeros(pattern.shape)
    return np.where(pattern > 0, act.hi, np.where(pattern < 0, act.lo, 0.0))


def _changes(pattern: np.ndarray) -> np.ndarray:
    """True at each interior point whose two neighbouring intervals have different patterns."""
    return (pattern[:-1] != pattern[1:]).any(axis=1)


def _group_starts(key: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Chain crossings sorted by (key, position) whose uncertainty intervals [low, high] overlap.

    An element starts a new group when its key differs from the previous one or its ``low`` lies
    beyond the largest ``high`` seen so far under the same key. That running maximum is taken on
    exact int64 codes key * n + rank(high), which increase with the key, so no float offset can
    blur positions.
    """
    n = len(key)
    starts = np.ones(n, dtype=bool)
    if n < 2:
        return starts
    order = np.argsort(high, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    running = np.maximum.accumulate(key.astype(np.int64) * n + rank)
    high_so_far = high[order[running % n]]
    starts[1:] = (key[1:] != key[:-1]) | (low[1:] > high_so_far[:-1])
    return starts


# --------------------------------------------------------------------------------------------------
# segments and polylines


@dataclass
class _Refined:
    """The final points of a refinement: parameters, segment ids and which points are boundaries."""

    t: np.ndarray  # (K,) parameter of each point within its segment
    seg: np.ndarray  # (K,) segment id
    boundary: np.ndarray  # (K,) the activation pattern changes at this point
    slope: np.ndarray | None = None  # (K-1, out) output slope in t on each interval
    slope_abs: np.ndarray | None = None  # (K-1, out) the same chain computed with |W|, |d|


def _refine_segments(
    mlp: NumpyMLP,
    starts: np.ndarray,
    ends: np.ndarray,
    *,
    shared: bool,
    slopes: bool = False,
    limit: float = math.inf,
    projected_limit: float = math.inf,
    band_extent: np.ndarray | None = None,
) -> _Refined:
    """Breakpoint refinement over m segments at once (one GEMM per layer over all points).

    ``shared`` (a polyline): segment k runs from ``starts[k]`` to ``ends[k] == starts[k+1]`` and the
    vertices are single points, so every consecutive pair of points is an interval of one
    segment (the one of its left point; a vertex is stored as t = 0 of the next segment).
    Otherwise (independent lines) each segment has its own two end points and the pair
    (end of line k, start of line k+1) is no interval.

    Points live in two orders. Rows of the pre-activation matrix are in *storage* order: the new
    points of a layer are appended after the old ones, so no float array is ever reshuffled.
    Per-point arrays (t, segment, boundary flag, codes) are in *path* order, and ``perm[i]`` is the
    storage row of the i-th point along the path.

    Before a layer's new points are allocated, their number is checked against ``limit`` and
    its growth-based extrapolation against ``projected_limit`` (see ``_budget.check_growth``);
    past either, ``_Overflow`` is raised. ``band_extent`` (1, d) replaces the per-path max |x|
    that scales the tolerance bands (a stream of pieces of one segment keeps the segment's bands).
    """
    m = len(starts)
    if shared:
        vertices = np.concatenate([starts, ends[-1:]])
        t = np.zeros(m + 1)
        t[-1] = 1.0
        seg = np.concatenate([np.arange(m), [m - 1]])
    else:
        vertices = np.empty((2 * m, starts.shape[1]))
        vertices[0::2], vertices[1::2] = starts, ends
        t = np.tile([0.0, 1.0], m)
        seg = np.repeat(np.arange(m), 2)
    # Tolerance bands are scaled per line (a line far from the origin must not blur one near
    # it); a polyline is one path and gets one scale.
    groups = 1 if shared else m
    extent = np.maximum(np.abs(starts), np.abs(ends))  # (m, d): max |x| on each segment (affine)
    if groups == 1:
        extent = extent.max(axis=0, keepdims=True)
    if band_extent is not None:
        extent = band_extent

    perm = np.arange(len(t))
    seg_rows = seg.copy()  # segment of every storage row
    blocks = [0, len(t)]  # storage rows added per layer; each block is sorted by segment
    boundary = np.zeros(len(t), dtype=bool)
    w0, b0 = mlp.weights[0], mlp.biases[0]
    z = vertices @ w0.T + b0  # layer-1 pre-activations, storage order (R, n_1)
    scale = extent @ np.abs(w0).T + np.abs(b0)  # (groups, n_1): size of the summed terms
    if slopes:
        direction = ends - starts  # (m, d)
        grad = (direction @ w0.T)[seg[:-1]]  # dz_1/dt on each interval, path order (K-1, n_1)
        grad_abs = (np.abs(direction) @ np.abs(w0).T)[seg[:-1]]

    for layer, act in enumerate(mlp.activations):
        band = _BAND * scale
        codes = _codes(z, act, band[0] if groups == 1 else band[seg_rows])[perm]  # path order (K, n)
        t_left = t[:-1]
        if shared:
            t_right = np.where(seg[1:] == seg[:-1], t[1:], 1.0)
        else:
            t_right = t[1:]

        # --- crossings: strictly opposite codes at the two ends of an interval --------------------
        if act.kind == "relu":
            iv, unit = np.nonzero(codes[:-1] * codes[1:] < 0)
            thr = np.zeros(len(iv))
        else:
            c_min = np.minimum(codes[:-1], codes[1:])
            c_max = np.maximum(codes[:-1], codes[1:])
            cross_lo = (c_min == -2) & (c_max >= 0)
            cross_hi = (c_max == 2) & (c_min <= 0)
            iv, unit = np.nonzero(cross_lo | cross_hi)
            is_lo, is_hi = cross_lo[iv, unit], cross_hi[iv, unit]  # both: from below lo to above hi
            iv = np.concatenate([iv[is_lo], iv[is_hi]])
            unit = np.concatenate([unit[is_lo], unit[is_hi]])
            thr = np.concatenate([np.full(int(is_lo.sum()), act.lo), np.full(int(is_hi.sum()), act.hi)])
        if not shared:
            keep = seg[iv] == seg[iv + 1]  # the gap between two lines is no interval
            iv, unit, thr = iv[keep], unit[keep], thr[keep]

        f_iv = np.zeros(0, dtype=np.intp)
        if len(iv):
            s_left = z[perm[iv], unit] - thr
            s_right = z[perm[iv + 1], unit] - thr
            gap = s_left - s_right  # never 0: the two have strictly opposite signs
            frac = s_left / gap
            unit_band = band[0, unit] if groups == 1 else band[seg[iv], unit]
            width = t_right[iv] - t_left[iv]
            # Uncertainty of each crossing, in units of its interval.
            slack = unit_band / np.abs(gap) + _T_FLOOR * np.maximum(np.abs(t_left[iv]), np.abs(t_right[iv])) / width
            order = np.lexsort((frac, iv))
            iv, unit, thr, frac, slack = iv[order], unit[order], thr[order], frac[order], slack[order]
            first = _group_starts(iv, frac - slack, frac + slack)
            group = np.cumsum(first) - 1
            heads = np.flatnonzero(first)
            g_iv = iv[heads]
            g_frac = np.add.reduceat(frac, heads) / np.diff(np.append(heads, len(iv)))
            g_low = np.minimum.reduceat(frac - slack, heads)
            g_high = np.maximum.reduceat(frac + slack, heads)
            g_t = t_left[g_iv] + g_frac * (t_right[g_iv] - t_left[g_iv])
            # A group within its uncertainty of an end of its interval is that end (a crossing at
            # an existing point, e.g. a unit touching there with rounding noise beyond the band).
            at_left = (g_low <= 0.0) | (g_t <= t_left[g_iv])
            at_right = (g_high >= 1.0) | (g_t >= t_right[g_iv])
            both = at_left & at_right
            at_left[both] = g_frac[both] < 0.5
            at_right[both] = ~at_left[both]
            fresh = ~(at_left | at_right)
            # the budget: stop before this layer's new points are allocated
            check_growth(len(t) + int(fresh.sum()), len(t), layer, mlp.depth, limit, projected_limit)

            # Merged crossings: the unit is exactly on its threshold at the existing point.
            snapped = ~fresh[group]
            if snapped.any():
                point = np.where(at_left, g_iv, g_iv + 1)[group[snapped]]
                z[perm[point], unit[snapped]] = thr[snapped]
                codes[point, unit[snapped]] = _on_threshold_code(act, thr[snapped])

            # New points: the interpolated row, with its crossing units exactly on their thresholds.
            f_iv, f_frac, new_t = g_iv[fresh], g_frac[fresh], g_t[fresh]
            left_rows, right_rows = z[perm[f_iv]], z[perm[f_iv + 1]]
            rows = left_rows + f_frac[:, None] * (right_rows - left_rows)  # (n_new, n)
            member = fresh[group]
            at_row = (np.cumsum(fresh) - 1)[group[member]]
            rows[at_row, unit[member]] = thr[member]
            row_codes = _codes(rows, act, band[0] if groups == 1 else band[seg[f_iv]])
            row_codes[at_row, unit[member]] = _on_threshold_code(act, thr[member])

        # --- insert the new points along the path (sorted by interval, then position) -------------
        n_new = len(f_iv)
        parent = None
        if n_new:
            k_old = len(t)
            old_pos = np.arange(k_old) + np.searchsorted(f_iv, np.arange(k_old), side="left")
            new_pos = f_iv + 1 + np.arange(n_new)
            k_all = k_old + n_new
            new_seg = seg[f_iv]
            t = _scatter(t, new_t, old_pos, new_pos, k_all)
            seg = _scatter(seg, new_seg, old_pos, new_pos, k_all)
            boundary = _scatter(boundary, np.zeros(n_new, dtype=bool), old_pos, new_pos, k_all)
            codes = _scatter(codes, row_codes, old_pos, new_pos, k_all)
            perm = _scatter(perm, len(z) + np.arange(n_new), old_pos, new_pos, k_all)
            seg_rows = np.concatenate([seg_rows, new_seg])
            blocks.append(len(seg_rows))
            if slopes:
                parent = _scatter(np.arange(k_old), f_iv, old_pos, new_pos, k_all)[:-1]

        # --- pattern of this layer on every interval; boundaries where neighbours differ ----------
        hi_code = np.maximum(codes[:-1], codes[1:])
        lo_code = hi_code if act.kind == "relu" else np.minimum(codes[:-1], codes[1:])
        pattern = _interval_pattern(lo_code, hi_code, act)  # (K-1, n)
        boundary[1:-1] |= _changes(pattern)

        # --- carry every point to the next layer: one matrix product over all rows ----------------
        w, b = mlp.weights[layer + 1], mlp.biases[layer + 1]
        if slopes:
            if parent is not None:
                grad, grad_abs = grad[parent], grad_abs[parent]
            mask = _slope_mask(pattern, act)
            grad = (mask * grad) @ w.T
            grad_abs = (mask * grad_abs) @ np.abs(w).T
        if layer + 1 == mlp.depth:
            break
        parts = [z, rows] if n_new else [z]
        for part in parts:  # post-activations h, in place
            if act.kind == "relu":
                np.maximum(part, 0.0, out=part)
            else:
                np.clip(part, act.lo, act.hi, out=part)
        if act.kind == "relu":
            h_bound = _group_max(parts, seg_rows, blocks, groups)
        else:
            h_bound = np.full((groups, z.shape[1]), max(abs(act.lo), abs(act.hi)))
        z_next = np.empty((len(seg_rows), w.shape[0]))
        np.matmul(z, w.T, out=z_next[: len(z)])
        if n_new:
            np.matmul(rows, w.T, out=z_next[len(z) :])
        z_next += b
        z = z_next
        scale = h_bound @ np.abs(w).T + np.abs(b)

    if not slopes:
        return _Refined(t, seg, boundary)
    if mlp.depth == 0:
        direction = ends - starts
        grad = (direction @ w0.T)[seg[:-1]]
        grad_abs = (np.abs(direction) @ np.abs(w0).T)[seg[:-1]]
    return _Refined(t, seg, boundary, grad, grad_abs)


def _group_max(parts: list[np.ndarray], seg_rows: np.ndarray, blocks: list[int], groups: int) -> np.ndarray:
    """Largest post-activation of every unit over the points of each group (segment), (groups, n)."""
    if groups == 1:
        return np.max([p.max(axis=0) for p in parts], axis=0)[None]
    out = np.zeros((groups, parts[0].shape[1]))
    h = parts[0]
    for a, b in zip(blocks[:-1], blocks[1:]):
        block = h[a:b] if b <= len(h) else parts[1]
        segs = seg_rows[a:b]
        heads = np.flatnonzero(np.r_[True, segs[1:] != segs[:-1]])
        which = segs[heads]
        out[which] = np.maximum(out[which], np.maximum.reduceat(block, heads, axis=0))
    return out


class _Chunks:
    """Consecutive chunks [first, stop) of m segments whose refinement fits a memory budget.

    The first chunk holds ``overlap + 1`` segments; later ones are sized from the points per
    segment seen so far (at most doubling), so a batch of cheap lines is done in a few large
    products and a batch of dense ones never holds more than ~_CHUNK_ENTRIES work entries.
    """

    def __init__(self, mlp: NumpyMLP, total: int, *, overlap: int, max_points: float | None = None) -> None:
        self.width = max(mlp.widths + (mlp.in_dim,))
        self.total, self.overlap = total, overlap
        # points per chunk: the default work size, or a stream's own (a fraction of its budget)
        self.max_points = _CHUNK_ENTRIES / self.width if max_points is None else max_points
        self.segments, self.points = 0, 0

    def report(self, segments: int, points: int) -> None:
        self.segments += segments
        self.points += points

    def __iter__(self):
        first, size = 0, self.overlap + 1
        while True:
            stop = min(first + size, self.total)
            yield first, stop
            if stop >= self.total:
                return
            per_segment = max(self.points / max(self.segments, 1), 2.0)
            fit = int(self.max_points / per_segment)
            size = min(max(fit, self.overlap + 1), 2 * size)
            first = stop - self.overlap


def _scatter(old: np.ndarray, new: np.ndarray, old_pos: np.ndarray, new_pos: np.ndarray, size: int) -> np.ndarray:
    out = np.empty((size,) + old.shape[1:], dtype=old.dtype)
    out[old_pos] = old
    out[new_pos] = new
    return out


def _interior(refined: _Refined, *, shared: bool) -> np.ndarray:
    """Points strictly inside a segment (lines) or the path (polyline): candidates for boundaries."""
    inside = np.ones(len(refined.t), dtype=bool)
    inside[0] = inside[-1] = False
    if not shared:
        same = refined.seg[1:] == refined.seg[:-1]
        inside[1:-1] = same[:-1] & same[1:]
    return inside


def _line_boundaries(
    mlp: NumpyMLP, start: np.ndarray, end: np.ndarray, *, slopes: bool = False, limit: float = math.inf
) -> _Refined:
    return _refine_segments(mlp, start[None], end[None], shared=False, slopes=slopes, limit=limit, projected_limit=limit)


def _widest(mlp: NumpyMLP) -> int:
    return max(mlp.widths + (mlp.in_dim,))


def _refine_within_budget(
    func: str, mlp: NumpyMLP, memory_budget: object, refine, *, where: str, shrink: str, hint: str = "", extra: int = 0
):
    """``refine(limit)`` with the number of points ``memory_budget`` holds; RegionBudgetError past it."""
    budget = check_memory_budget(memory_budget)
    item = line_bytes(_widest(mlp) + extra)
    limit = budget / item
    try:
        return refine(limit)
    except _Overflow as over:
        raise refusal(
            func, over, things="breakpoints", where=where, shrink=shrink, keyword="memory_budget",
            budget=budget, limit=limit, item_bytes=item, hint=hint,
        ) from None


def _run_limits(mlp: NumpyMLP, memory_budget: object) -> tuple[float, float]:
    """Points that fit in the budget, and the points a run of polyline / line segments aims at."""
    limit = check_memory_budget(memory_budget) / line_bytes(_widest(mlp))
    return limit, min(_CHUNK_ENTRIES / _widest(mlp), limit * _STREAM_RUN_FRACTION)


_SEGMENT = "the segment (start, end)"
_COUNT_HINT = " To only count them, count_regions_1d streams the segment in pieces."


# --------------------------------------------------------------------------------------------------
# public: one segment


def breakpoints_1d(
    net: nn.Module, start: np.ndarray, end: np.ndarray, *, memory_budget: float | None = DEFAULT_MEMORY_BUDGET
) -> np.ndarray:
    """Exact parameters t in (0, 1) where the activation pattern changes along start -> end.

    Along x(t) = start + t (end - start) the pattern is piecewise constant; a breakpoint is a
    t where the patterns just left and just right of it differ. A unit that touches its
    threshold without crossing it gives none, several units crossing at one t give one, and
    t = 0, 1 are never breakpoints. Computed by breakpoint refinement (see the module notes), in
    float64 with scale-aware tolerances; tiny genuine intervals are kept.

    Parameters
    ----------
    net : torch.nn.Sequential
        ``Linear`` layers with ``ReLU`` or ``Hardtanh`` between them (see :func:`exprlib.nets.as_numpy`).
    start, end : (d,) array_like
        Finite end points of the segment, d = the network's input dimension.
    memory_budget : float or None, default 2 GiB
        Bytes the refinement may hold at its peak (every breakpoint, times ~30 bytes per unit
        of the widest layer). None: no limit.

    Returns
    -------
    (k,) float64 ndarray
        Sorted breakpoints, 0 < t_1 < ... < t_k < 1; the segment has k + 1 regions.

    Raises
    ------
    TypeError
        If ``net`` is not a supported network or an end point is not numeric.
    RegionBudgetError
        (a ValueError) Before the breakpoints would outgrow ``memory_budget``; the message
        gives the count reached, the estimated final count and memory, and what to shrink.
    ValueError
        If an end point has the wrong shape or non-finite entries, or start == end.

    Examples
    --------
    >>> from exprlib.nets import from_weights
    >>> net = from_weights([[[1.0], [1.0]], [[1.0, -1.0]]], [[0.0, -0.5], [0.0]])  # relu(x), relu(x - 1/2)
    >>> breakpoints_1d(net, [-1.0], [1.0])
    array([0.5 , 0.75])
    >>> breakpoints_1d(net, [1.0], [2.0])  # both units active all along
    array([], dtype=float64)
    """
    mlp = as_numpy(net)
    start, end = _as_segment(mlp, start, end)
    refined = _refine_within_budget(
        "breakpoints_1d", mlp, memory_budget, lambda limit: _line_boundaries(mlp, start, end, limit=limit),
        where="the segment", shrink=_SEGMENT, hint=_COUNT_HINT,
    )
    return refined.t[refined.boundary & _interior(refined, shared=False)]


def count_regions_1d(
    net: nn.Module,
    start: np.ndarray,
    end: np.ndarray,
    *,
    max_regions: int | None = DEFAULT_MAX_REGIONS,
    memory_budget: float | None = DEFAULT_MEMORY_BUDGET,
) -> int:
    """Exact number of activation regions along the segment start -> end.

    regions = len(breakpoints_1d(net, start, end)) + 1: maximal intervals of positive length
    with one activation pattern. When the breakpoints would not fit in ``memory_budget`` the
    segment is counted in consecutive pieces (a stream; the count is the same), and a count
    estimated to exceed ``max_regions`` is refused up front rather than left running.

    Parameters
    ----------
    net : torch.nn.Sequential
        A network (see :func:`exprlib.nets.as_numpy`).
    start, end : (d,) array_like
        Finite, distinct end points.
    max_regions : int or None, default 10**7
        Refuse counts estimated (from the growth per layer) or found to exceed this: counting
        goes at roughly 0.3-0.7 million regions a second. None: no limit.
    memory_budget : float or None, default 2 GiB
        Bytes held at once (~30 bytes per breakpoint and unit of the widest layer); beyond it
        the count streams. None: no limit.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``net`` is not a supported network or an end point is not numeric.
    RegionBudgetError
        (a ValueError) If the count is estimated to exceed ``max_regions``; the message gives
        the estimate and what to shrink.
    ValueError
        If an end point has the wrong shape or non-finite entries, or start == end.

    Examples
    --------
    >>> from exprlib.nets import from_weights
    >>> net = from_weights([[[1.0], [1.0]], [[1.0, -1.0]]], [[0.0, -0.5], [0.0]])
    >>> count_regions_1d(net, [-1.0], [1.0]), count_regions_1d(net, [0.0], [0.25])
    (3, 1)
    >>> from exprlib.constructions import sawtooth
    >>> count_regions_1d(sawtooth(30), [0.0], [1.0])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exprlib.regions.RegionBudgetError: count_regions_1d refused ... an estimated 1.1e+09 by the end ...
    """
    mlp = as_numpy(net)
    start, end = _as_segment(mlp, start, end)
    budget = check_memory_budget(memory_budget)
    cap = check_max_regions(max_regions)
    limit = budget / line_bytes(_widest(mlp))
    try:
        refined = _refine_segments(mlp, start[None], end[None], shared=False, limit=limit, projected_limit=cap)
    except _Overflow as over:
        if over.estimate > cap:
            raise _too_many_regions(over, cap) from None
        return _stream_count(mlp, start, end, over.estimate, limit, cap)
    return int((refined.boundary & _interior(refined, shared=False)).sum() + 1)


def _too_many_regions(over: _Overflow, cap: float) -> RegionBudgetError:
    return refusal(
        "count_regions_1d", over, things="breakpoints", where="the segment", shrink=_SEGMENT,
        keyword="max_regions", budget=cap, limit=cap,
    )


# A stream cuts the segment into pieces of about this fraction of the points that fit at once, and
# refines consecutive runs of them holding about a quarter of those points (runs overlap by one piece).
_STREAM_PIECE_FRACTION = 1 / 32
_STREAM_RUN_FRACTION = 1 / 4
_STREAM_MIN_POINTS = 1024
# Each restart has 4x the pieces; after 3 (64x) the breakpoints crowd too much for pieces of
# equal length, and the count is refused rather than left to creep on.
_STREAM_RESTARTS = 3


def _stream_count(mlp: NumpyMLP, start: np.ndarray, end: np.ndarray, estimate: float, limit: float, cap: float) -> int:
    """The exact region count of one segment, refined as a polyline of equal pieces, run by run.

    Exactly what ``breakpoints_polyline`` does for the points start, start + (end - start) / N,
    ..., end: a change at a vertex between two pieces is a breakpoint, one inside a piece too.
    The tolerance bands keep the scale of the whole segment (``extent``), so the pieces see the
    same bands as the one-pass refinement. A run that still overflows (the breakpoints are
    denser there than estimated) restarts the stream with pieces sized from that run's
    estimate (at least 4 times as many), at most ``_STREAM_RESTARTS`` times.
    """
    extent = np.maximum(np.abs(start), np.abs(end))[None]
    # a run must hold one layer's crossings of a short piece (~ widest layer): a few kB at most
    limit = max(limit, _STREAM_MIN_POINTS)
    pieces = max(2, math.ceil(estimate / (limit * _STREAM_PIECE_FRACTION)))
    restarts = 0
    while True:
        fraction = np.arange(pieces + 1)[:, None] / pieces
        points = start + fraction * (end - start)
        points[-1] = end
        total = 1
        chunks = _Chunks(mlp, pieces, overlap=1, max_points=limit * _STREAM_RUN_FRACTION)
        try:
            for first, stop in chunks:
                refined = _refine_segments(
                    mlp, points[first:stop], points[first + 1 : stop + 1], shared=True, limit=limit, band_extent=extent
                )
                keep = refined.boundary & _interior(refined, shared=True)
                if stop < pieces:  # the next run (from vertex stop - 1) decides the rest of that piece
                    last = stop - 1 - first  # segment ids are local to the run
                    keep &= (refined.seg < last) | ((refined.seg == last) & (refined.t == 0.0))
                total += int(keep.sum())
                chunks.report(stop - first, len(refined.t))
                if total > cap:  # found, not estimated: refuse to go on
                    raise _too_many_regions(_Overflow(total, total, mlp.depth - 1, mlp.depth, False, 1.0), cap)
        except _Overflow as over:
            # that run's pieces were denser than estimated: size the pieces from its estimate
            per_piece = over.estimate / (stop - first)
            pieces *= max(4, math.ceil(per_piece / (limit * _STREAM_PIECE_FRACTION)))
            if per_piece * pieces > 4 * cap:
                raise _too_many_regions(_Overflow(over.reached, per_piece * pieces, over.layer, over.depth,
                                                  True, over.growth), cap) from None
            restarts += 1
            if restarts > _STREAM_RESTARTS:  # breakpoints crowd into one spot of the segment
                raise refusal(
                    "count_regions_1d", over, things="breakpoints", where="a piece of the segment", shrink=_SEGMENT,
                    keyword="memory_budget", budget=limit * line_bytes(_widest(mlp)), limit=limit,
                    item_bytes=line_bytes(_widest(mlp)),
                ) from None
            continue
        return total


def count_pieces_1d(
    net: nn.Module, start: np.ndarray, end: np.ndarray, *, memory_budget: float | None = DEFAULT_MEMORY_BUDGET
) -> int:
    """Number of linear pieces along start -> end: neighbouring regions with one affine map merged.

    On each region the output is y(t) = alpha + beta t (every output); the network is
    continuous, so two neighbouring regions have the same map iff their slopes beta agree. The
    slopes come from the activation patterns, beta = W_{L+1} D_L W_L ... D_1 W_1 (end - start),
    and are compared up to the rounding error of that product. Always <= the region count.

    Parameters
    ----------
    net : torch.nn.Sequential
        A network (see :func:`exprlib.nets.as_numpy`).
    start, end : (d,) array_like
        Finite, distinct end points.
    memory_budget : float or None, default 2 GiB
        Bytes the refinement may hold at its peak, as for :func:`breakpoints_1d`. None: no limit.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``net`` is not a supported network or an end point is not numeric.
    RegionBudgetError
        (a ValueError) Before the breakpoints and slopes would outgrow ``memory_budget``.
    ValueError
        If an end point has the wrong shape or non-finite entries, or start == end.

    Examples
    --------
    >>> from exprlib.nets import from_weights
    >>> net = from_weights([[[1.0], [1.0]], [[1.0, 0.0]]], [[0.0, -0.5], [0.0]])  # 2nd unit unused
    >>> count_regions_1d(net, [-1.0], [1.0]), count_pieces_1d(net, [-1.0], [1.0])
    (3, 2)
    """
    mlp = as_numpy(net)
    start, end = _as_segment(mlp, start, end)
    refined = _refine_within_budget(
        "count_pieces_1d", mlp, memory_budget,
        lambda limit: _line_boundaries(mlp, start, end, slopes=True, limit=limit),
        where="the segment", shrink=_SEGMENT, extra=2 * mlp.out_dim,
    )
    points = np.flatnonzero(refined.boundary & _interior(refined, shared=False))
    left, right = refined.slope[points - 1], refined.slope[points]
    allowed = _piece_tolerance(mlp) * (refined.slope_abs[points - 1] + refined.slope_abs[points])
    differs = (np.abs(left - right) > allowed).any(axis=1)
    return int(differs.sum() + 1)


def _piece_tolerance(mlp: NumpyMLP) -> float:
    terms = sum(w.shape[1] for w in mlp.weights)  # length of the chain of sums behind a slope
    return _PIECE_TOL_PER_TERM * terms


# --------------------------------------------------------------------------------------------------
# public: polylines and batches of lines


def breakpoints_polyline(
    net: nn.Module, points: np.ndarray, *, memory_budget: float | None = DEFAULT_MEMORY_BUDGET
) -> tuple[np.ndarray, np.ndarray]:
    """Exact activation-pattern changes along the polyline points[0] -> points[1] -> ... -> points[-1].

    The polyline is one path: segment k runs from ``points[k]`` to ``points[k+1]`` with parameter
    t in [0, 1]. A change strictly inside segment k is reported as (k, t); a vertex
    ``points[k]`` (0 < k < len(points) - 1) where the pattern changes is reported as (k, 0.0),
    and a vertex with no change is no breakpoint. All segments are refined together (one matrix
    product per layer over all points).

    Parameters
    ----------
    net : torch.nn.Sequential
        A network (see :func:`exprlib.nets.as_numpy`).
    points : (k, d) array_like
        k >= 2 finite vertices; consecutive vertices must differ.
    memory_budget : float or None, default 2 GiB
        Bytes one run of consecutive segments may hold while it is refined (runs are sized to
        a quarter of it; the breakpoints returned are ~16 bytes each). None: no limit.

    Returns
    -------
    segment : (b,) int64 ndarray
        Segment index of each breakpoint.
    t : (b,) float64 ndarray
        Its parameter within that segment; pairs are in path order.

    Raises
    ------
    TypeError
        If ``net`` is not a supported network or ``points`` is not numeric.
    RegionBudgetError
        (a ValueError) If a single segment's breakpoints would outgrow ``memory_budget``.
    ValueError
        If ``points`` is not (k >= 2, d), holds non-finite entries or two equal consecutive vertices.

    Examples
    --------
    >>> from exprlib.nets import from_weights
    >>> net = from_weights([[[1.0]], [[1.0]]], [[-0.5], [0.0]])  # relu(x - 1/2)
    >>> breakpoints_polyline(net, [[0.0], [1.0], [0.0]])
    (array([0, 1]), array([0.5, 0.5]))
    >>> breakpoints_polyline(net, [[0.0], [0.5], [2.0]])  # the change sits on the vertex
    (array([1]), array([0.]))
    """
    mlp = as_numpy(net)
    points = _as_matrix(points, mlp.in_dim, "points", 2)
    _check_consecutive(points)
    limit, run = _run_limits(mlp, memory_budget)
    segments, params = [], []
    chunks = _Chunks(mlp, len(points) - 1, overlap=1, max_points=run)
    for first, stop in chunks:
        refined = _refine_within_budget(
            "breakpoints_polyline", mlp, memory_budget,
            lambda limit: _refine_segments(mlp, points[first:stop], points[first + 1 : stop + 1], shared=True, limit=limit),
            where=f"the polyline between points[{first}] and points[{stop}]", shrink="the polyline's segments (points)",
        )
        keep = refined.boundary & _interior(refined, shared=True)
        seg, t = refined.seg[keep] + first, refined.t[keep]
        if stop < len(points) - 1:
            # Chunks overlap by one segment: this one decides the vertex points[stop - 1], which is
            # inside its path; the next chunk (starting there) decides the rest of that segment.
            last = stop - 1
            inside = (seg < last) | ((seg == last) & (t == 0.0))
            seg, t = seg[inside], t[inside]
        segments.append(seg)
        params.append(t)
        chunks.report(stop - first, len(refined.t))
    return np.concatenate(segments).astype(np.int64), np.concatenate(params)


def count_regions_polyline(
    net: nn.Module, points: np.ndarray, *, memory_budget: float | None = DEFAULT_MEMORY_BUDGET
) -> int:
    """Exact number of activation regions along a polyline, taken as one path.

    Regions are maximal pieces of the path with one pattern, so a region may run through a
    vertex: regions = number of breakpoints (:func:`breakpoints_polyline`) + 1.

    Parameters
    ----------
    net : torch.nn.Sequential
        A network (see :func:`exprlib.nets.as_numpy`).
    points : (k, d) array_like
        k >= 2 finite vertices; consecutive vertices must differ.
    memory_budget : float or None, default 2 GiB
        As for :func:`breakpoints_polyline`.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``net`` is not a supported network or ``points`` is not numeric.
    RegionBudgetError
        (a ValueError) If a single segment's breakpoints would outgrow ``memory_budget``.
    ValueError
        If ``points`` is not (k >= 2, d), holds non-finite entries or two equal consecutive vertices.

    Examples
    --------
    >>> from exprlib.nets import from_weights
    >>> net = from_weights([[[1.0]], [[1.0]]], [[-0.5], [0.0]])
    >>> count_regions_polyline(net, [[0.0], [1.0], [0.0]]), count_regions_polyline(net, [[1.0], [2.0], [3.0]])
    (3, 1)
    """
    segment, _ = breakpoints_polyline(net, points, memory_budget=memory_budget)
    return int(len(segment) + 1)


def _check_consecutive(points: np.ndarray) -> None:
    same = np.flatnonzero((points[1:] == points[:-1]).all(axis=1))
    if len(same):
        k = int(same[0])
        raise ValueError(
            f"points[{k}] and points[{k + 1}] must differ (a polyline segment needs positive length), "
            f"got {_show(points[k])} twice"
        )


def count_regions_lines(
    net: nn.Module, starts: np.ndarray, ends: np.ndarray, *, memory_budget: float | None = DEFAULT_MEMORY_BUDGET
) -> np.ndarray:
    """Exact number of activation regions along each of many independent segments.

    Equivalent to ``[count_regions_1d(net, a, b) for a, b in zip(starts, ends)]`` but all segments
    are refined together (one matrix product per layer over all points), as in Hanin & Rolnick's
    experiments with many random lines.

    Parameters
    ----------
    net : torch.nn.Sequential
        A network (see :func:`exprlib.nets.as_numpy`).
    starts, ends : (m, d) array_like
        Finite end points, one segment per row; ``starts[i]`` and ``ends[i]`` must differ.
    memory_budget : float or None, default 2 GiB
        Bytes one batch of segments may hold while it is refined (batches are sized to a
        quarter of it). None: no limit.

    Returns
    -------
    (m,) int64 ndarray

    Raises
    ------
    TypeError
        If ``net`` is not a supported network or an argument is not numeric.
    RegionBudgetError
        (a ValueError) If a single segment's breakpoints would outgrow ``memory_budget``.
    ValueError
        If the shapes are not (m, d) alike, an entry is not finite, or a segment has start == end.

    Examples
    --------
    >>> from exprlib.nets import from_weights
    >>> net = from_weights([[[1.0], [1.0]], [[1.0, -1.0]]], [[0.0, -0.5], [0.0]])
    >>> count_regions_lines(net, [[-1.0], [0.0], [2.0]], [[1.0], [1.0], [3.0]])
    array([3, 2, 1])
    """
    mlp = as_numpy(net)
    starts = _as_matrix(starts, mlp.in_dim, "starts", 0)
    ends = _as_matrix(ends, mlp.in_dim, "ends", 0)
    if starts.shape != ends.shape:
        raise ValueError(f"starts and ends must have the same shape, got {starts.shape} and {ends.shape}")
    same = np.flatnonzero((starts == ends).all(axis=1))
    if len(same):
        i = int(same[0])
        raise ValueError(
            f"starts[{i}] and ends[{i}] must differ (a segment needs positive length), got {_show(starts[i])} for both"
        )
    if len(starts) == 0:
        return np.zeros(0, dtype=np.int64)
    limit, run = _run_limits(mlp, memory_budget)
    counts = np.empty(len(starts), dtype=np.int64)
    chunks = _Chunks(mlp, len(starts), overlap=0, max_points=run)
    for first, stop in chunks:
        refined = _refine_within_budget(
            "count_regions_lines", mlp, memory_budget,
            lambda limit: _refine_segments(mlp, starts[first:stop], ends[first:stop], shared=False, limit=limit),
            where=f"the segments starts[{first}:{stop}] -> ends[{first}:{stop}]", shrink="the segments (starts, ends)",
        )
        keep = refined.boundary & _interior(refined, shared=False)
        counts[first:stop] = np.bincount(refined.seg[keep], minlength=stop - first) + 1
        chunks.report(stop - first, len(refined.t))
    return counts


# --------------------------------------------------------------------------------------------------
# circular arcs: every unit is A cos theta + B sin theta + C on each interval


def _refine_arc(
    mlp: NumpyMLP, x0: np.ndarray, x1: np.ndarray, *, limit: float = math.inf
) -> tuple[np.ndarray, np.ndarray]:
    """Points theta_0 = 0 < ... < theta_K = pi/2 and which of them are boundaries.

    Per interval the current layer is z(theta) = A cos theta + B sin theta + C, unit by unit,
    with the coefficients stored as one (3, intervals, n) array. On a sub-interval of
    [0, pi/2] (shorter than pi) each unit has at most one critical point -- there
    dz/dtheta = B cos theta - A sin theta changes sign -- so it is monotone on at most two
    pieces; a piece whose ends have strictly opposite codes holds exactly one root, found in
    closed form. Children inherit their parent's coefficients; the pattern of an interval is
    read from the codes at its ends and at its critical point, and fixes the coefficients of
    the next layer. Before a layer's new points are allocated their number is checked against
    ``limit`` (``_Overflow`` past it or past its growth-based extrapolation).
    """
    theta = np.array([0.0, np.pi / 2])
    boundary = np.zeros(2, dtype=bool)
    w0, b0 = mlp.weights[0], mlp.biases[0]
    coef = np.stack([w0 @ x0, w0 @ x1, b0])[:, None]  # (3, intervals, n_1): cos, sin, 1 coefficients
    # |x(theta)| <= |x0| + |x1| entrywise bounds the summed terms.
    scale = np.abs(w0) @ (np.abs(x0) + np.abs(x1)) + np.abs(b0)

    for layer, act in enumerate(mlp.activations):
        band = _BAND * scale  # (n,)
        values = _arc_values(coef, theta[:-1], theta[1:])
        at_lo, at_hi, inside, is_max, crit_iv, crit_unit, at_crit = values
        found_iv, found_root, found_slack = [], [], []
        for thr in act.thresholds:
            side_lo, side_hi = _side(at_lo, thr, band), _side(at_hi, thr, band)
            side_crit = _side(at_crit, thr, band[crit_unit])  # sparse, at the inside critical points
            # Monotone pieces: [lo, crit] and [crit, hi] where the critical point is inside, else [lo, hi].
            second = side_crit * side_hi[crit_iv, crit_unit] < 0
            side_hi[crit_iv, crit_unit] = side_crit  # now the far end of the first piece
            first = np.nonzero(side_lo * side_hi < 0)
            for first_piece, (iv, unit) in ((True, first), (False, (crit_iv[second], crit_unit[second]))):
                if not len(iv):
                    continue
                ai, bi, ci = coef[0, iv, unit], coef[1, iv, unit], coef[2, iv, unit] - thr
                has_crit = inside[iv, unit]
                crit_t = _critical_angle(ai, bi, has_crit, is_max[iv, unit], 0.5 * (theta[iv] + theta[iv + 1]))
                if first_piece:
                    left, right = theta[iv], np.where(has_crit, crit_t, theta[iv + 1])
                else:
                    left, right = crit_t, theta[iv + 1]
                root = _arc_root(ai, bi, ci, left, right)
                speed = np.abs(bi * np.cos(root) - ai * np.sin(root))  # |dz/dtheta| at the root
                with np.errstate(divide="ignore"):
                    slack = np.minimum(band[unit] / speed, np.pi) + _T_FLOOR * root
                found_iv.append(iv)
                found_root.append(root)
                found_slack.append(slack)
        # Pattern of every interval as it stands (no crossing is strictly inside an unsplit one).
        pattern = _arc_pattern(values, act, band)  # (I, n)
        del values, at_lo, at_hi, inside, is_max, at_crit

        f_iv, new_theta = np.zeros(0, dtype=np.intp), np.zeros(0)
        if found_iv:
            iv = np.concatenate(found_iv)
            root = np.concatenate(found_root)
            slack = np.concatenate(found_slack)
            order = np.lexsort((root, iv))
            iv, root, slack = iv[order], root[order], slack[order]
            heads = np.flatnonzero(_group_starts(iv, root - slack, root + slack))
            g_iv = iv[heads]
            g_root = np.add.reduceat(root, heads) / np.diff(np.append(heads, len(iv)))
            # Values at the points come from each interval's own coefficients (nothing to snap), so
            # only a root that is an existing point in float64 is dropped.
            fresh = (g_root > theta[g_iv]) & (g_root < theta[g_iv + 1])
            f_iv, new_theta = g_iv[fresh], g_root[fresh]

        n_new = len(new_theta)
        check_growth(len(theta) + n_new, len(theta), layer, mlp.depth, limit, limit)
        parent = np.arange(len(theta) - 1)  # interval -> the interval whose coefficients it has
        if n_new:
            k_old, k_all = len(theta), len(theta) + n_new
            old_pos = np.arange(k_old) + np.searchsorted(f_iv, np.arange(k_old), side="left")
            new_pos = f_iv + 1 + np.arange(n_new)
            theta = _scatter(theta, new_theta, old_pos, new_pos, k_all)
            boundary = _scatter(boundary, np.zeros(n_new, dtype=bool), old_pos, new_pos, k_all)
            parent = _scatter(np.arange(k_old), f_iv, old_pos, new_pos, k_all)[:-1]
            pattern = pattern[parent]
            split = np.zeros(k_old - 1, dtype=bool)
            split[f_iv] = True
            child = np.flatnonzero(split[parent])  # only the pieces of split intervals are new
            child_values = _arc_values(coef[:, parent[child]], theta[child], theta[child + 1])
            pattern[child] = _arc_pattern(child_values, act, band)
        boundary[1:-1] |= _changes(pattern)

        if layer + 1 < mlp.depth:
            coef, h_bound = _arc_next_layer(coef, parent, pattern, act, mlp.weights[layer + 1], mlp.biases[layer + 1])
            scale = np.abs(mlp.weights[layer + 1]) @ h_bound + np.abs(mlp.biases[layer + 1])
    return theta, boundary


def _arc_next_layer(
    coef: np.ndarray, parent: np.ndarray, pattern: np.ndarray, act: Activation, w: np.ndarray, bias: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients of the next layer, z' = W (D z + saturation) + b on every interval.

    Interval i takes its coefficients from ``coef[:, parent[i]]``. Chunks of intervals go
    through the product one at a time so that the gathered copy never exists in full (the
    arc's memory peak is two coefficient arrays). Also returns max |h| per unit, for the bands.
    """
    n_next = w.shape[0]
    out = np.empty((3, len(parent), n_next))
    h_bound = np.zeros(coef.shape[2])
    step = max(1, _CHUNK_ENTRIES // (8 * coef.shape[2]))
    for first in range(0, len(parent), step):
        part = slice(first, first + step)
        h = coef[:, parent[part]]  # (3, chunk, n) gathered copy
        h *= _slope_mask(pattern[part], act)
        if act.kind == "hardtanh":
            h[2] += _saturation(pattern[part], act)
        np.maximum(h_bound, np.abs(h).sum(axis=0).max(axis=0), out=h_bound)
        out[:, part] = (h.reshape(-1, h.shape[2]) @ w.T).reshape(3, -1, n_next)
    out[2] += bias
    return out, h_bound


def _side(value: np.ndarray, threshold: float, band: np.ndarray) -> np.ndarray:
    """+1 / -1 where value is clearly above / below threshold (beyond the band), else 0 (int8)."""
    side = np.greater(value, threshold + band).view(np.int8)
    side -= np.less(value, threshold - band).view(np.int8)
    return side


def _arc_values(coef: np.ndarray, lo_t: np.ndarray, hi_t: np.ndarray) -> tuple:
    """Values at both ends of every interval and at its critical point, if one is strictly inside.

    Returns ``at_lo, at_hi`` (I, n), the masks ``inside, is_max`` (I, n) and the critical points
    as a sparse list ``crit_iv, crit_unit, at_crit``. Where dz/dtheta = B cos - A sin changes
    sign inside the interval the critical point is a maximum (value C + r, r = hypot(A, B)) if
    z rises at the left end, else a minimum (C - r).
    """
    cos_lo, sin_lo = np.cos(lo_t)[:, None], np.sin(lo_t)[:, None]
    cos_hi, sin_hi = np.cos(hi_t)[:, None], np.sin(hi_t)[:, None]
    a, b, c = coef
    at_lo = np.multiply(a, cos_lo)
    at_hi = np.multiply(a, cos_hi)
    inside = np.empty(a.shape, dtype=bool)
    is_max = np.empty(a.shape, dtype=bool)
    # Chunks of intervals keep the temporaries small (fresh memory is expensive to first touch).
    step = max(1, _CHUNK_ENTRIES // (8 * a.shape[1]))
    for first in range(0, len(a), step):
        part = slice(first, first + step)
        ap, bp = a[part], b[part]
        at_lo[part] += bp * sin_lo[part]
        at_hi[part] += bp * sin_hi[part]
        rising_lo = bp * cos_lo[part] > ap * sin_lo[part]  # dz/dtheta = B cos - A sin at each end
        falling_lo = bp * cos_lo[part] < ap * sin_lo[part]
        rising_hi = bp * cos_hi[part] > ap * sin_hi[part]
        falling_hi = bp * cos_hi[part] < ap * sin_hi[part]
        is_max[part] = rising_lo & falling_hi
        inside[part] = is_max[part] | (falling_lo & rising_hi)
    at_lo += c
    at_hi += c
    crit_iv, crit_unit = np.nonzero(inside)
    r = np.hypot(a[crit_iv, crit_unit], b[crit_iv, crit_unit])
    at_crit = c[crit_iv, crit_unit] + np.where(is_max[crit_iv, crit_unit], r, -r)
    return at_lo, at_hi, inside, is_max, crit_iv, crit_unit, at_crit


def _critical_angle(
    a: np.ndarray, b: np.ndarray, inside: np.ndarray, is_max: np.ndarray, mid: np.ndarray
) -> np.ndarray:
    """The critical angle of the interval around ``mid``: maxima at atan2(b, a) + 2 k pi, minima + pi."""
    phi = np.arctan2(b, a) + np.where(is_max, 0.0, np.pi)
    crit = phi + 2 * np.pi * np.round((mid - phi) / (2 * np.pi))
    return np.where(inside, crit, mid)


def _arc_root(a: np.ndarray, b: np.ndarray, c: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The root of a cos + b sin + c in [left, right], where it is monotone and changes sign.

    (cos, sin) is where the line a u + b v = -c meets the unit circle: the foot of the
    perpendicular -c (a, b) / r^2 plus or minus sqrt(r^2 - c^2) / r^2 (-b, a); r^2 - c^2 is
    formed as (r - |c|)(r + |c|) to keep its digits when the crossing is nearly tangent. Of the
    two roots the one in [left, right] is kept (clipped there against rounding).
    """
    r = np.hypot(a, b)
    r2 = r * r
    foot_u, foot_v = -c * a / r2, -c * b / r2
    half = np.sqrt(np.maximum((r - np.abs(c)) * (r + np.abs(c)), 0.0)) / r2
    root_p = np.arctan2(foot_v + half * a, foot_u - half * b)
    root_m = np.arctan2(foot_v - half * a, foot_u + half * b)
    dist_p = np.maximum(left - root_p, 0.0) + np.maximum(root_p - right, 0.0)
    dist_m = np.maximum(left - root_m, 0.0) + np.maximum(root_m - right, 0.0)
    return np.clip(np.where(dist_p <= dist_m, root_p, root_m), left, right)


def _arc_pattern(values: tuple, act: Activation, band: np.ndarray) -> np.ndarray:
    """Each unit's pattern on each interval, from its codes at the ends and the critical point."""
    at_lo, at_hi, _, _, crit_iv, crit_unit, at_crit = values
    code_lo, code_hi = _codes(at_lo, act, band), _codes(at_hi, act, band)
    hi_code = np.maximum(code_lo, code_hi)
    lo_code = hi_code if act.kind == "relu" else np.minimum(code_lo, code_hi, out=code_lo)
    code_crit = _codes(at_crit, act, band[crit_unit])
    hi_code[crit_iv, crit_unit] = np.maximum(hi_code[crit_iv, crit_unit], code_crit)
    if act.kind != "relu":
        lo_code[crit_iv, crit_unit] = np.minimum(lo_code[crit_iv, crit_unit], code_crit)
    return _interval_pattern(lo_code, hi_code, act)


def breakpoints_arc(
    net: nn.Module, x0: np.ndarray, x1: np.ndarray, *, memory_budget: float | None = DEFAULT_MEMORY_BUDGET
) -> np.ndarray:
    """Exact angles theta in (0, pi/2) where the pattern changes along x0 cos theta + x1 sin theta.

    The arc lies in the plane of x0 and x1. On an interval where the earlier layers' patterns
    are constant each unit is z(theta) = A cos theta + B sin theta + C, so its crossings of a
    threshold are closed-form roots -- no polyline approximation. As for segments, touching a
    threshold is no breakpoint, coincident ones appear once, and the ends are excluded.

    Parameters
    ----------
    net : torch.nn.Sequential
        A network (see :func:`exprlib.nets.as_numpy`).
    x0, x1 : (d,) array_like
        Finite, linearly independent vectors: the arc runs from x0 (theta = 0) to x1 (pi/2).
    memory_budget : float or None, default 2 GiB
        Bytes the refinement may hold at its peak (~60 bytes per interval and unit of the
        widest layer: three coefficients each). None: no limit.

    Returns
    -------
    (k,) float64 ndarray
        Sorted angles; the arc has k + 1 regions.

    Raises
    ------
    TypeError
        If ``net`` is not a supported network or a vector is not numeric.
    RegionBudgetError
        (a ValueError) Before the intervals would outgrow ``memory_budget``.
    ValueError
        If a vector has the wrong shape or non-finite entries, or x0, x1 are linearly dependent.

    Examples
    --------
    >>> from exprlib.nets import from_weights
    >>> net = from_weights([[[1.0, -1.0]], [[1.0]]], [[0.0], [0.0]])  # relu(x - y)
    >>> breakpoints_arc(net, [1.0, 0.0], [0.0, 1.0]) * 4 / np.pi  # x = y at theta = pi/4
    array([1.])
    >>> breakpoints_arc(net, [0.0, 1.0], [-1.0, 0.0])  # x - y = -sin - cos < 0 all along
    array([], dtype=float64)
    """
    mlp = as_numpy(net)
    x0 = _as_vector(x0, mlp.in_dim, "x0")
    x1 = _as_vector(x1, mlp.in_dim, "x1")
    _check_independent(x0, x1)
    budget = check_memory_budget(memory_budget)
    item = arc_bytes(_widest(mlp))
    try:
        theta, boundary = _refine_arc(mlp, x0, x1, limit=budget / item)
    except _Overflow as over:
        raise refusal(
            "breakpoints_arc", over, things="breakpoints", where="the arc", shrink="the arc (x0, x1)",
            keyword="memory_budget", budget=budget, limit=budget / item, item_bytes=item,
        ) from None
    boundary[0] = boundary[-1] = False
    return theta[boundary]


def count_regions_arc(
    net: nn.Module, x0: np.ndarray, x1: np.ndarray, *, memory_budget: float | None = DEFAULT_MEMORY_BUDGET
) -> int:
    """Exact number of activation regions along the arc x0 cos theta + x1 sin theta, theta in [0, pi/2].

    regions = len(breakpoints_arc(net, x0, x1)) + 1.

    Parameters
    ----------
    net : torch.nn.Sequential
        A network (see :func:`exprlib.nets.as_numpy`).
    x0, x1 : (d,) array_like
        Finite, linearly independent vectors.
    memory_budget : float or None, default 2 GiB
        As for :func:`breakpoints_arc`.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``net`` is not a supported network or a vector is not numeric.
    RegionBudgetError
        (a ValueError) Before the intervals would outgrow ``memory_budget``.
    ValueError
        If a vector has the wrong shape or non-finite entries, or x0, x1 are linearly dependent.

    Examples
    --------
    >>> from exprlib.nets import from_weights
    >>> net = from_weights([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[-0.5, -0.5], [0.0]])
    >>> count_regions_arc(net, [1.0, 0.0], [0.0, 1.0])  # x = 1/2 at pi/3, y = 1/2 at pi/6
    3
    """
    return int(len(breakpoints_arc(net, x0, x1, memory_budget=memory_budget)) + 1)
