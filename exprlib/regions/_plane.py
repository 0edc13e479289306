"""Exact 2-D linear regions: the partition of a planar slice of a network into convex polygons.

On the slice x(s, t) = origin + s u + t v, folded into the first layer (W_1' = W_1 [u v],
b_1' = W_1 origin + b_1), every pre-activation of layer l is affine on each region of the
earlier layers: z_j(s, t) = a_j s + b_j t + c_j. The box is kept as a flat "soup" of convex
polygons (corners in one array, a start and a count per polygon). For every unit j of a layer
and every threshold theta of its activation (ReLU 0; hard-tanh min_val, max_val), all polygons
whose corner values f = z_j - theta take both signs beyond a scale-aware band are cut at once:
each child keeps its side's corners and the crossings on the edges,

    p* = p_i + (p_k - p_i) f_i / (f_i - f_k),

so corners on the line go to both children and a unit that only touches a threshold never
cuts. Children share their parent's maps for the rest of the layer; a bounding-box test per
parent, then per polygon, skips the polygons a line cannot reach. Each polygon records on which
side of every threshold it lies, which gives its pattern; one matrix product over the parents
plus a sparse correction for the units whose lines cross them then gives every polygon's maps
of the next layer (ReLU masks; a saturated hard-tanh unit adds a constant). Two polygons always
differ in the unit whose line separated them, and each pattern's set is convex, so the final
polygons are exactly the regions.
"""

from __future__ import annotations

import contextlib
import math

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree
from torch import nn

from .._validation import as_input_vector
from ..nets import Activation, NumpyMLP, as_numpy
from ._budget import DEFAULT_MEMORY_BUDGET, _Overflow, check_memory_budget, plane_bytes, refusal

try:  # installed with scikit-learn; without it BLAS keeps its own thread count
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover
    threadpool_limits = None

__all__ = ["Regions2D", "count_regions_2d", "regions_2d"]

_EPS = np.finfo(np.float64).eps

# Half-width of the band around a threshold inside which a value counts as *on* it, relative to
# the size of the terms it is summed from on the parent polygon: sum_k |W_jk| max|h_k| + |b_j| +
# |theta|, with max|h_k| bounded by the terms of h_k's own map (|a| max|s| + |b| max|t| + |c|);
# the same 64 eps and the same one-layer scale as the 1-D refinement in ``_line.py``. A dot
# product of n terms is typically off by ~sqrt(n) eps of that size and interpolated corners add
# a few eps, so 64 eps stays clear of rounding noise: a line that only touches a corner, or runs
# along an edge, never cuts a polygon into a zero-area sliver. Any cut more than ~1e-14
# (relative) deep is kept: there is no filter on region size (a true region of area 5.7e-15
# exists in the [128]x4 benchmark net, and is kept).
_BAND = 64 * _EPS

# Two neighbouring regions are one linear piece when their output maps agree to within the
# rounding of the products that made them: a chain of sums over all units, each off by at most
# ~n eps of the sum of its absolute terms (Higham's gamma_n). We allow 2 eps per unit of the
# net, relative to the size of the readout's terms (the band's scale, for the output).
_PIECE_TOL_PER_UNIT = 2 * _EPS

# Copies of one point of the subdivision are computed in different polygons, so they can differ
# by rounding (~eps / sin of the angle between the lines). ``self_check`` merges corners closer
# than this (relative to the box size) before counting V and E, and ``count_pieces`` needs a
# shared edge longer than it. On the benchmark nets copies differ by at most ~1e-13 and distinct
# corners are at least ~1e-8 apart; 1e-11 sits between the two on a log scale.
_MERGE_RTOL = 1e-11

# The matrix products here are small (w x w times w x 3R0): a second BLAS thread gains little
# and, on a busy 2-core machine (or under pytest-xdist), spin-waiting threads cost far more. The
# [128]x4 benchmark took 0.70 s with OpenBLAS's 2 threads and 0.43 s with 1 on a loaded 2-core box.
_BLAS_THREADS = 1

# Areas of all regions must add up to the box area; a float64 sum of ~1e5 shoelace terms loses
# at most ~1e-12 of it.
_AREA_RTOL = 1e-9


# --------------------------------------------------------------------------------------------------
# the result


class Regions2D:
    """The exact partition of a 2-D box of a slice into the linear regions of a network.

    Coordinates are slice coordinates (s, t): the point origin + s u + t v (for a 2-input net
    without a slice, the inputs themselves). Polygon i is
    ``vertices[offsets[i]:offsets[i + 1]]``, convex and counter-clockwise. Built by
    :func:`regions_2d`; ``count_pieces()`` and ``self_check()`` work on the stored partition.

    Attributes
    ----------
    box : (float, float, float, float)
        (smin, smax, tmin, tmax).
    vertices : (V, 2) float64 ndarray
        All polygon corners, polygon after polygon.
    offsets : (R + 1,) int64 ndarray
        CSR offsets of the polygons into ``vertices``.
    patterns : (R, N) int8 ndarray
        The activation pattern of each region (all N hidden units, layers in order; the
        convention of :func:`exprlib.regions.activation_pattern`).
    areas : (R,) float64 ndarray
    centroids : (R, 2) float64 ndarray
    maps : (R, out_dim, 3) float64 ndarray
        The network output on region i is ``maps[i] @ (s, t, 1)``, i.e. a s + b t + c.

    Examples
    --------
    >>> from exprlib.nets import from_weights
    >>> r = regions_2d(from_weights([[[1.0, -1.0]], [[2.0]]], [[0.0], [0.5]]), (-1, 1, -1, 1))
    >>> len(r), r.areas.tolist(), r.count_pieces()
    (2, [2.0, 2.0], 2)
    >>> r.maps[r.patterns[:, 0] == 1].tolist(), r.self_check()["ok"]
    ([[[2.0, -2.0, 0.5]]], True)
    """

    def __init__(
        self,
        box: tuple,
        vertices: np.ndarray,
        offsets: np.ndarray,
        patterns: np.ndarray,
        areas: np.ndarray,
        centroids: np.ndarray,
        maps: np.ndarray,
        *,
        edge_chords: np.ndarray,
        chords: np.ndarray,
        map_scale: np.ndarray,
        piece_tol: float,
        net: NumpyMLP,
        plane: tuple[np.ndarray, np.ndarray, np.ndarray],
    ) -> None:
        self.box = box
        self.vertices = vertices
        self.offsets = offsets
        self.patterns = patterns
        self.areas = areas
        self.centroids = centroids
        self.maps = maps
        # private: the chord (cut segment or box side, 0..3) each edge vertex[i] -> next lies on,
        # the chords' end points (C, 4) = (s0, t0, s1, t1), an absolute-term scale of every map,
        # and the net and slice (origin, u, v) that ``self_check`` runs forward.
        self._edge_chords = edge_chords
        self._chords = chords
        self._map_scale = map_scale
        self._piece_tol = piece_tol
        self._net = net
        self._plane = plane

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __repr__(self) -> str:
        return f"Regions2D({len(self)} regions, box={self.box})"

    def polygon(self, i: int) -> np.ndarray:
        """The corners of region i, (k, 2) float64, counter-clockwise."""
        if isinstance(i, bool) or not isinstance(i, (int, np.integer)):
            raise TypeError(f"i must be an int, got {i!r}")
        if not -len(self) <= i < len(self):
            raise ValueError(f"i must be in [0, {len(self)}) (or negative from the end), got {i}")
        i = int(i) % len(self)
        return self.vertices[self.offsets[i] : self.offsets[i + 1]]

    def count_pieces(self) -> int:
        """Number of linear pieces: neighbouring regions with identical output maps merged.

        Two regions are neighbours when they share an edge of positive length (touching at a
        point is not enough); maps are compared with a tolerance scaled by the absolute terms
        they were summed from. The result is between 1 and ``len(self)``.
        """
        a, b = self._neighbours()
        if len(a) == 0:
            return len(self)
        diff = np.abs(self.maps[a] - self.maps[b])  # (pairs, out, 3)
        smin, smax, tmin, tmax = self.box
        span = np.array([max(abs(smin), abs(smax)), max(abs(tmin), abs(tmax)), 1.0])
        size = diff @ span  # bounds the two maps' difference over the box, per output
        # A region whose units all saturate or switch off inherits its slope as a difference of its
        # parent's terms, so rounding leaves ~eps x (the largest slopes upstream) where the exact
        # slope is 0: scale the tolerance by the largest map over the box as well as the pair's own.
        largest = (np.abs(self.maps) @ span).max(axis=0)  # (out,)
        allowed = self._piece_tol * (self._map_scale[a] + self._map_scale[b] + largest)
        same = (size <= allowed).all(axis=1)
        graph = coo_matrix((np.ones(int(same.sum())), (a[same], b[same])), shape=(len(self), len(self)))
        return int(connected_components(graph, directed=False)[0])

    def self_check(self) -> dict:
        """Verify the partition and return what was checked.

        Returns
        -------
        dict
            ``regions``; ``area_sum`` and ``box_area`` (``areas_ok``: equal to 1e-9);
            ``distinct_patterns`` (``patterns_ok``: one pattern per region); ``vertices``,
            ``edges`` and ``euler`` = V - E + F of the planar subdivision with T-junctions
            resolved and F = regions (``euler_ok``: 1); ``forward_mismatches``: regions whose
            pattern, recomputed by a true forward pass at the centroid, differs from the stored
            one (``forward_ok``: 0); and ``ok``: all of them.
        """
        smin, smax, tmin, tmax = self.box
        box_area = (smax - smin) * (tmax - tmin)
        area_sum = float(np.sum(self.areas))
        n_regions = len(self)
        if self.patterns.shape[1]:
            rows = np.ascontiguousarray(self.patterns).view(np.dtype((np.void, self.patterns.shape[1])))
            distinct = len(np.unique(rows))
        else:
            distinct = min(n_regions, 1)
        n_vertices, n_edges = self._vertices_edges()
        mismatches = int(self._forward_mismatches().sum())
        result = {
            "regions": n_regions,
            "area_sum": area_sum,
            "box_area": box_area,
            "areas_ok": bool(abs(area_sum - box_area) <= _AREA_RTOL * box_area and (self.areas > 0).all()),
            "distinct_patterns": distinct,
            "patterns_ok": distinct == n_regions,
            "vertices": n_vertices,
            "edges": n_edges,
            "euler": n_vertices - n_edges + n_regions,
            "euler_ok": n_vertices - n_edges + n_regions == 1,
            "forward_mismatches": mismatches,
            "forward_ok": mismatches == 0,
        }
        result["ok"] = all(result[k] for k in ("areas_ok", "patterns_ok", "euler_ok", "forward_ok"))
        return result

    # ------------------------------------------------------------------------------------------

    def _forward_mismatches(self) -> np.ndarray:
        """Regions whose stored pattern a true forward pass at the centroid contradicts.

        The forward pass runs in input space, with the absolute size of every pre-activation's
        terms alongside. A unit lying exactly on a threshold over a whole region (structured
        nets) may come out a rounding error to either side there, so only a value beyond the
        band on the wrong side counts as a contradiction.
        """
        origin, u, v = self._plane
        x = origin + self.centroids[:, :1] * u + self.centroids[:, 1:] * v
        h, h_abs = x, np.abs(x)
        bad = np.zeros(len(x), dtype=bool)
        col = 0
        for w, b, act in zip(self._net.weights, self._net.biases, self._net.activations):
            z = h @ w.T + b
            z_abs = h_abs @ np.abs(w).T + np.abs(b)
            p = self.patterns[:, col : col + len(b)]
            col += len(b)
            if act.kind == "relu":
                band = _BAND * z_abs
                bad |= ((p == 1) & (z < -band) | (p == 0) & (z > band)).any(axis=1)
            else:
                band_lo, band_hi = _BAND * (z_abs + abs(act.lo)), _BAND * (z_abs + abs(act.hi))
                wrong = (p == -1) & (z > act.lo + band_lo)
                wrong |= (p == 1) & (z < act.hi - band_hi)
                wrong |= (p == 0) & ((z < act.lo - band_lo) | (z > act.hi + band_hi))
                bad |= wrong.any(axis=1)
                z_abs = np.maximum(z_abs, max(abs(act.lo), abs(act.hi)))
            h, h_abs = act(z), z_abs
        return bad

    def _edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Index of each edge's start vertex, of its end vertex, and of its polygon."""
        counts = np.diff(self.offsets)
        start = np.arange(len(self.vertices))
        end = start + 1
        end[self.offsets[1:] - 1] = self.offsets[:-1]
        return start, end, np.repeat(np.arange(len(self)), counts)

    def _chord_param(self, chord: np.ndarray, points: np.ndarray) -> np.ndarray:
        """Position of points along their chord, 0 at its start and 1 at its end."""
        c = self._chords[chord]
        d = c[:, 2:] - c[:, :2]
        return np.einsum("ij,ij->i", points - c[:, :2], d) / np.einsum("ij,ij->i", d, d)

    def _neighbours(self) -> tuple[np.ndarray, np.ndarray]:
        """Pairs of regions sharing an edge of positive length (each pair once)."""
        start, end, poly = self._edges()
        chord = self._edge_chords
        inner = chord >= 4  # box sides have one side only
        start, end, poly, chord = start[inner], end[inner], poly[inner], chord[inner]
        t0 = self._chord_param(chord, self.vertices[start])
        t1 = self._chord_param(chord, self.vertices[end])
        # a cut's "+" child runs along it forwards, its "-" child backwards
        forward = t1 > t0
        lo, hi = np.minimum(t0, t1), np.maximum(t0, t1)
        # sweep each chord: at every interval start, the intervals of both sides that cover it
        order = np.lexsort((lo, chord))
        lo, hi, poly, chord, forward = lo[order], hi[order], poly[order], chord[order], forward[order]
        idx = np.arange(len(lo))
        cur_f = np.maximum.accumulate(np.where(forward, idx, -1))
        cur_b = np.maximum.accumulate(np.where(~forward, idx, -1))
        ok = (cur_f >= 0) & (cur_b >= 0)
        f, b = cur_f[ok], cur_b[ok]
        same_chord = (chord[f] == chord[b]) & (chord[f] == chord[ok])
        overlap = np.minimum(hi[f], hi[b]) - np.maximum(lo[f], lo[b])
        # positive length: longer than the rounding of shared corners
        ends = self._chords[chord[f]]
        length = np.hypot(ends[:, 2] - ends[:, 0], ends[:, 3] - ends[:, 1])
        real = same_chord & (overlap * length > self._merge_radius())
        key = np.unique(poly[f[real]] * len(self) + poly[b[real]])
        return key // len(self), key % len(self)

    def _merge_radius(self) -> float:
        smin, smax, tmin, tmax = self.box
        return _MERGE_RTOL * max(smax - smin, tmax - tmin, abs(smin), abs(smax), abs(tmin), abs(tmax))

    def _vertices_edges(self) -> tuple[int, int]:
        """V and E of the planar subdivision, vertices merged, T-junctions resolved."""
        points, inverse = np.unique(self.vertices, axis=0, return_inverse=True)
        inverse = inverse.ravel()
        pairs = cKDTree(points).query_pairs(self._merge_radius(), output_type="ndarray")
        graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(len(points), len(points)))
        n_vertices, label = connected_components(graph, directed=False)
        vertex_id = label[inverse]
        # Every subdivision edge lies on one chord; a chord's vertices (corners of the polygons
        # on both of its sides) cut it into (distinct vertices on it) - 1 edges.
        start, end, _ = self._edges()
        chord = np.concatenate([self._edge_chords, self._edge_chords])
        ids = np.concatenate([vertex_id[start], vertex_id[end]])
        on_chord = len(np.unique(chord * n_vertices + ids))  # distinct (chord, vertex) pairs
        return int(n_vertices), int(on_chord - len(np.unique(chord)))


# --------------------------------------------------------------------------------------------------
# validation


def _check_box(box: object) -> tuple[float, float, float, float]:
    message = "box must be (smin, smax, tmin, tmax) with smin < smax and tmin < tmax, got {!r}"
    try:
        arr = np.asarray(box, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(message.format(box)) from err
    if arr.shape != (4,):
        raise ValueError(message.format(box))
    if not np.isfinite(arr).all():
        raise ValueError(message.format(box) + " (all four must be finite)")
    smin, smax, tmin, tmax = (float(x) for x in arr)
    if not (smin < smax and tmin < tmax):
        raise ValueError(message.format(box))
    return smin, smax, tmin, tmax


def _as_vector(value: object, dim: int, name: str) -> np.ndarray:
    arr = as_input_vector(value, dim, name)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite; it contains NaN or infinite values: {arr.tolist()}")
    return arr


def _check_slice(mlp: NumpyMLP, origin: object, u: object, v: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    given = [name for name, x in (("origin", origin), ("u", u), ("v", v)) if x is not None]
    if not given:
        if mlp.in_dim != 2:
            raise ValueError(
                f"net has {mlp.in_dim} inputs, so the plane is not its input space: "
                "pass origin, u and v to choose the slice origin + s u + t v"
            )
        return np.zeros(2), np.array([1.0, 0.0]), np.array([0.0, 1.0])
    if len(given) < 3:
        raise ValueError(f"origin, u and v must be given together (all three or none), got only {', '.join(given)}")
    origin = _as_vector(origin, mlp.in_dim, "origin")
    u = _as_vector(u, mlp.in_dim, "u")
    v = _as_vector(v, mlp.in_dim, "v")
    # |u ^ v|^2 = |u|^2 |v|^2 - (u.v)^2 from the Gram matrix; a pure rounding residue is ~eps of
    # |u|^2 |v|^2 (the same test as the arcs of ``_line.py``).
    nu, nv = float(u @ u), float(v @ v)
    if nu == 0.0 or nv == 0.0 or nu * nv - float(u @ v) ** 2 <= 64 * _EPS * nu * nv:
        raise ValueError(f"u and v must be linearly independent, got u = {u.tolist()} and v = {v.tolist()}")
    return origin, u, v


# --------------------------------------------------------------------------------------------------
# the polygon soup


class _Buf:
    """A growable 1-D array (amortised O(1) appends)."""

    __slots__ = ("a", "n")

    def __init__(self, values: object, dtype: type) -> None:
        values = np.asarray(values, dtype=dtype)
        self.a = np.empty(max(64, 2 * len(values)), dtype=dtype)
        self.a[: len(values)] = values
        self.n = len(values)

    def extend(self, values: np.ndarray) -> None:
        m = self.n + len(values)
        if m > len(self.a):
            grown = np.empty(max(m, 2 * len(self.a)), dtype=self.a.dtype)
            grown[: self.n] = self.a[: self.n]
            self.a = grown
        self.a[self.n : m] = values
        self.n = m

    @property
    def v(self) -> np.ndarray:
        return self.a[: self.n]


def _ranges(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated index ranges start..start+count and the offset of each range in them."""
    offsets = np.cumsum(counts) - counts
    total = int(offsets[-1] + counts[-1]) if len(counts) else 0
    return np.arange(total) + np.repeat(starts - offsets, counts), offsets


def _cyclic_neighbours(offsets: np.ndarray, counts: np.ndarray, total: int) -> tuple[np.ndarray, np.ndarray]:
    """Index of the next and of the previous corner of each corner, within its polygon."""
    last = offsets + counts - 1
    nxt = np.arange(1, total + 1)
    nxt[last] = offsets
    prv = np.arange(-1, total - 1)
    prv[offsets] = last
    return nxt, prv


class _Soup:
    """Convex polygons in flat arrays; a polygon is cut by appending its two children."""

    def __init__(self, box: tuple[float, float, float, float]) -> None:
        smin, smax, tmin, tmax = box
        corners_s, corners_t = [smin, smax, smax, smin], [tmin, tmin, tmax, tmax]  # counter-clockwise
        self.vs = _Buf(corners_s, np.float64)
        self.vt = _Buf(corners_t, np.float64)
        self.vchord = _Buf([0, 1, 2, 3], np.int64)  # chord of the edge leaving each corner
        self.start = _Buf([0], np.int64)
        self.count = _Buf([4], np.int64)
        self.parent = _Buf([0], np.int64)  # the polygon at the start of the layer it comes from
        self.alive = _Buf([True], bool)
        self.n_alive = 1  # polygons not cut (the regions so far)
        # called with the number of polygons a cut would leave, before it allocates them
        self.guard = lambda reached: None
        # bounding box as centre and half-widths: a cheap bound on a unit's range
        self.bs = _Buf([(smin + smax) / 2], np.float64)
        self.bt = _Buf([(tmin + tmax) / 2], np.float64)
        self.hs = _Buf([(smax - smin) / 2], np.float64)
        self.ht = _Buf([(tmax - tmin) / 2], np.float64)
        # codes[i, q]: where the q-th (unit, threshold) of the current layer lies on polygon i:
        # +1 some corner clearly above, -1 some corner clearly below, 0 all within the band
        self.codes = np.zeros((64, 0), dtype=np.int8)
        # chords: box sides 0..3 (counter-clockwise), then one per cut
        self.chords = [
            _Buf(corners_s, np.float64),
            _Buf(corners_t, np.float64),
            _Buf(np.roll(corners_s, -1), np.float64),
            _Buf(np.roll(corners_t, -1), np.float64),
        ]

    def start_layer(self, codes: np.ndarray) -> None:
        """Begin a layer: ``codes`` (polygons x cuts) holds what the parents' boxes already decide."""
        self.codes = np.empty((max(64, 2 * len(codes)), codes.shape[1]), dtype=np.int8)
        self.codes[: len(codes)] = codes

    def cut(self, q: int, flagged: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray, band: np.ndarray) -> None:
        """Cut every polygon where f = a s + b t + c (per parent) takes both signs beyond the band.

        ``flagged`` (per parent) marks the parents whose box the line may come within the band
        of; every other polygon already has its code for this cut ``q``. Each polygon tested here
        gets its code, each child of a cut its side.
        """
        parent = self.parent.v
        cand = np.flatnonzero(flagged[parent] & self.alive.v)
        if len(cand) == 0:
            return
        # bounding-box test: f ranges within centre value +- (|a| hs + |b| ht) on the polygon
        par = parent[cand]
        pa, pb, pc, tol = a[par], b[par], c[par], band[par]
        centre = pa * self.bs.a[cand] + pb * self.bt.a[cand] + pc
        reach = np.abs(pa) * self.hs.a[cand] + np.abs(pb) * self.ht.a[cand]
        high, low = centre - reach >= tol, centre + reach <= -tol
        self.codes[cand, q] = high.view(np.int8) - low.view(np.int8)
        near = ~(high | low)
        if not near.any():
            return
        cand, pa, pb, pc, tol = cand[near], pa[near], pb[near], pc[near], tol[near]

        counts = self.count.a[cand]
        idx, offsets = _ranges(self.start.a[cand], counts)
        s, t = self.vs.a[idx], self.vt.a[idx]
        f = np.repeat(pa, counts) * s + np.repeat(pb, counts) * t + np.repeat(pc, counts)
        tol = np.repeat(tol, counts)
        side = np.greater(f, tol).view(np.int8) - np.less(f, -tol).view(np.int8)
        has_pos = np.maximum.reduceat(side, offsets) > 0
        has_neg = np.minimum.reduceat(side, offsets) < 0
        self.codes[cand, q] = has_pos.view(np.int8) - has_neg.view(np.int8)
        split = has_pos & has_neg
        if not split.any():
            return
        self.guard(self.n_alive + int(split.sum()))

        # --- the polygons that are cut, their corners in cyclic order
        on = np.repeat(split, counts)
        s, t, f, side, chord_of = s[on], t[on], f[on], side[on], self.vchord.a[idx[on]]
        cut, counts = cand[split], counts[split]
        k, m = len(cut), len(s)
        offsets = np.cumsum(counts) - counts
        nxt, prv = _cyclic_neighbours(offsets, counts, m)
        side_next, side_prev = side[nxt], side[prv]
        pos, neg = side > 0, side < 0
        zero = side == 0
        cross = (side * side_next) < 0  # strictly opposite signs at the ends of edge i -> nxt

        # crossing points, always interpolated from the lexicographically smaller end so that
        # the two polygons sharing an edge compute bit-identical points
        ei = np.flatnonzero(cross)
        ej = nxt[ei]
        flip = (s[ei] > s[ej]) | ((s[ei] == s[ej]) & (t[ei] > t[ej]))
        e0, e1 = np.where(flip, ej, ei), np.where(flip, ei, ej)
        alpha = f[e0] / (f[e0] - f[e1])
        # slots 2i: corner i, 2i + 1: the crossing on edge i (if any)
        slot_s = np.repeat(s, 2)
        slot_t = np.repeat(t, 2)
        slot_s[2 * ei + 1] = s[e0] + alpha * (s[e1] - s[e0])
        slot_t[2 * ei + 1] = t[e0] + alpha * (t[e1] - t[e0])

        # A zero corner belongs to the "+" child when next to a "+" corner; all zero corners to
        # the "-" child (with a run of several zeros between the sides this never overlaps).
        # The new chord leaves the "+" child at its +/- transition and the "-" child at -/+.
        keep_plus = np.empty(2 * m, dtype=bool)
        keep_plus[0::2] = pos | (zero & ((side_prev > 0) | (side_next > 0)))
        keep_plus[1::2] = cross
        keep_minus = np.empty(2 * m, dtype=bool)
        keep_minus[0::2] = ~pos
        keep_minus[1::2] = cross
        out_plus = np.empty(2 * m, dtype=bool)
        out_plus[0::2] = zero & (side_prev > 0)
        out_plus[1::2] = cross & pos
        out_minus = np.empty(2 * m, dtype=bool)
        out_minus[0::2] = zero & (side_next > 0)
        out_minus[1::2] = cross & neg
        first = np.flatnonzero(out_plus & keep_plus)
        second = np.flatnonzero(out_minus & keep_minus)
        if len(first) != k or len(second) != k:
            raise RuntimeError("internal error in regions_2d: a cut polygon has no single crossing chord")

        new_chord = self.chords[0].n + np.arange(k)
        slot_chord = np.repeat(chord_of, 2)
        chord_plus = np.where(out_plus, np.repeat(new_chord, 2 * counts), slot_chord)
        chord_minus = np.where(out_minus, np.repeat(new_chord, 2 * counts), slot_chord)
        for buf, values in zip(self.chords, (slot_s[first], slot_t[first], slot_s[second], slot_t[second])):
            buf.extend(values)

        take_plus, take_minus = np.flatnonzero(keep_plus), np.flatnonzero(keep_minus)
        slot_offsets = 2 * offsets
        n_plus = np.add.reduceat(keep_plus, slot_offsets, dtype=np.int64)
        n_minus = np.add.reduceat(keep_minus, slot_offsets, dtype=np.int64)
        new_s = np.concatenate([slot_s[take_plus], slot_s[take_minus]])
        new_t = np.concatenate([slot_t[take_plus], slot_t[take_minus]])
        new_counts = np.concatenate([n_plus, n_minus])
        new_offsets = np.cumsum(new_counts) - new_counts
        self.start.extend(self.vs.n + new_offsets)
        self.count.extend(new_counts)
        self.vs.extend(new_s)
        self.vt.extend(new_t)
        self.vchord.extend(np.concatenate([chord_plus[take_plus], chord_minus[take_minus]]))
        self.parent.extend(np.concatenate([parent[cut], parent[cut]]))
        self.alive.extend(np.ones(2 * k, dtype=bool))
        self.alive.a[cut] = False
        self.n_alive += k
        n_old = self.start.n - 2 * k
        if self.start.n > len(self.codes):
            grown = np.empty((2 * self.start.n, self.codes.shape[1]), dtype=np.int8)
            grown[:n_old] = self.codes[:n_old]
            self.codes = grown
        self.codes[n_old : n_old + k] = self.codes[cut]
        self.codes[n_old + k : self.start.n] = self.codes[cut]
        self.codes[n_old : n_old + k, q] = 1
        self.codes[n_old + k : self.start.n, q] = -1
        s_lo, s_hi = np.minimum.reduceat(new_s, new_offsets), np.maximum.reduceat(new_s, new_offsets)
        t_lo, t_hi = np.minimum.reduceat(new_t, new_offsets), np.maximum.reduceat(new_t, new_offsets)
        self.bs.extend((s_lo + s_hi) / 2)
        self.hs.extend((s_hi - s_lo) / 2)
        self.bt.extend((t_lo + t_hi) / 2)
        self.ht.extend((t_hi - t_lo) / 2)

    def compact(self) -> tuple[np.ndarray, np.ndarray]:
        """Drop the polygons that were cut and group the rest by parent.

        Returns the parent of each remaining polygon (non-decreasing) and their codes.
        """
        alive = np.flatnonzero(self.alive.v)
        keep = alive[np.argsort(self.parent.a[alive], kind="stable")]
        counts = self.count.a[keep]
        idx, offsets = _ranges(self.start.a[keep], counts)
        for buf in (self.vs, self.vt, self.vchord):
            values = buf.a[idx]
            buf.n = 0
            buf.extend(values)
        parent, codes = self.parent.a[keep], self.codes[keep]
        for buf, values in (
            (self.start, offsets),
            (self.count, counts),
            (self.parent, np.arange(len(keep))),
            (self.alive, np.ones(len(keep), dtype=bool)),
            (self.bs, self.bs.a[keep]),
            (self.bt, self.bt.a[keep]),
            (self.hs, self.hs.a[keep]),
            (self.ht, self.ht.a[keep]),
        ):
            buf.n = 0
            buf.extend(values)
        return parent, codes

    def areas_centroids(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Shoelace area and centroid of every polygon (the soup must be compact)."""
        counts, offsets = self.count.v, self.start.v
        s, t = self.vs.v, self.vt.v
        nxt, _ = _cyclic_neighbours(offsets, counts, len(s))
        # relative to each polygon's first corner: a polygon of area 1e-15 far from the origin
        # would otherwise lose all its digits to cancellation
        ds = s - np.repeat(s[offsets], counts)
        dt = t - np.repeat(t[offsets], counts)
        cross = ds * dt[nxt] - ds[nxt] * dt
        twice = np.add.reduceat(cross, offsets)
        cs = np.add.reduceat((ds + ds[nxt]) * cross, offsets)
        ct = np.add.reduceat((dt + dt[nxt]) * cross, offsets)
        with np.errstate(divide="ignore", invalid="ignore"):
            cs, ct = cs / (3 * twice), ct / (3 * twice)
        # a degenerate polygon (never produced by the cuts) falls back to its corner average
        bad = ~(twice > 0)
        if bad.any():
            cs[bad] = np.add.reduceat(ds, offsets)[bad] / counts[bad]
            ct[bad] = np.add.reduceat(dt, offsets)[bad] / counts[bad]
        return twice / 2, s[offsets] + cs, t[offsets] + ct


# --------------------------------------------------------------------------------------------------
# the layer loop


def _layer_pattern(codes: np.ndarray, act: Activation) -> np.ndarray:
    """Patterns (R, n) from the codes (R, n * thresholds) of one layer.

    ReLU is active iff some corner is clearly positive; hard-tanh is -1 iff no corner is clearly
    above lo, +1 iff no corner is clearly below hi, else 0. A unit lying on a threshold over a
    whole polygon (a zero row) thus gets the threshold's own pattern, as ``Activation.pattern``.
    """
    if act.kind == "relu":
        return (codes > 0).view(np.int8)
    return (codes[:, 1::2] >= 0).view(np.int8) - (codes[:, 0::2] <= 0).view(np.int8)


def _activation_maps(pattern: np.ndarray, act: Activation) -> tuple[np.ndarray, np.ndarray | None]:
    """Per polygon and unit: 1.0 where the unit passes its input on, and the constant it adds."""
    if act.kind == "relu":
        return pattern.astype(np.float64), None
    return (pattern == 0).astype(np.float64), np.where(pattern > 0, act.hi, np.where(pattern < 0, act.lo, 0.0))


def _propagate(
    w: np.ndarray,
    b: np.ndarray,
    maps: np.ndarray,
    parent: np.ndarray,
    first: np.ndarray,
    pattern: np.ndarray,
    act: Activation,
) -> np.ndarray:
    """Maps (n', 3, R) of w h + b on every polygon from its parent's maps (n, 3, R0) and pattern.

    The polygons of one parent share its maps and differ only in the units whose lines cross
    it, so one matrix product over the parents, each taken with the pattern of its first
    polygon ``first``, plus a sparse correction for the units where a polygon's pattern differs
    from that reference, replaces a product over all polygons: R0 w^2 + (differences) w flops
    instead of R w^2.
    """
    n, _, n_parents = maps.shape
    n_poly = len(parent)
    passes, const = _activation_maps(pattern, act)  # (R, n)
    h_ref = maps * passes[first].T[:, None, :]  # (n, 3, R0): the reference activations' maps
    if const is not None:
        h_ref[:, 2, :] += const[first].T
    base = (w @ h_ref.reshape(n, 3 * n_parents)).reshape(len(w), 3, n_parents)
    base[:, 2, :] += b[:, None]
    out = base[:, :, parent]  # (n', 3, R)
    ref = first[parent]
    rows, units = np.nonzero(pattern != pattern[ref])
    if len(rows):
        delta = maps[units, :, parent[rows]] * (passes[rows, units] - passes[ref[rows], units])[:, None]
        if const is not None:
            delta[:, 2] += const[rows, units] - const[ref[rows], units]
        # one sparse (3 R' x n) matrix over the R' polygons that differ from their reference,
        # row x R' + i holding component x of the i-th one's differences
        changed, row = np.unique(rows, return_inverse=True)
        n_changed = len(changed)
        correction = csr_matrix(
            (delta.T.ravel(), (np.concatenate([row, row + n_changed, row + 2 * n_changed]), np.tile(units, 3))),
            shape=(3 * n_changed, n),
        )
        out[:, :, changed] += (correction @ w.T).reshape(3, n_changed, len(w)).transpose(2, 0, 1)
    return out


def _activation_size(
    maps: np.ndarray, boxes: tuple, first: np.ndarray, pattern: np.ndarray, act: Activation
) -> np.ndarray:
    """Per parent (n, R0): a bound on |h_k| and on the terms of its map over the parent's box.

    A unit passed on contributes |a_k| max|s| + |b_k| max|t| + |c_k| (its map's terms over the
    parent's bounding box); a saturated hard-tanh unit its constant; an inactive ReLU nothing.
    Taking the size of the current maps rather than carrying |W| products through all layers
    keeps the band proportional to the rounding of one layer, so it does not outgrow the
    regions of deep nets (a 20-layer sawtooth has 2**20 strips).
    """
    bs, bt, hs, ht = boxes
    size = np.abs(maps[:, 0]) * (np.abs(bs) + hs) + np.abs(maps[:, 1]) * (np.abs(bt) + ht) + np.abs(maps[:, 2])

    def in_some_polygon(state: np.ndarray) -> np.ndarray:  # (R, n) bool -> (n, R0)
        return np.maximum.reduceat(state.view(np.int8), first, axis=0).T > 0

    if act.kind == "relu":
        return np.where(in_some_polygon(pattern > 0), size, 0.0)
    size = np.where(in_some_polygon(pattern == 0), size, 0.0)
    size = np.maximum(size, np.where(in_some_polygon(pattern < 0), abs(act.lo), 0.0))
    return np.maximum(size, np.where(in_some_polygon(pattern > 0), abs(act.hi), 0.0))


def _check_overflow(maps: np.ndarray, scale: np.ndarray, layer: int) -> None:
    if not (np.isfinite(maps).all() and np.isfinite(scale).all()):
        raise ValueError(
            f"net overflows float64 on this box: the pre-activations of layer {layer + 1} are not finite; "
            "scale the weights or the box down"
        )


def _check_growth_2d(reached: int, at_start: int, done: int, n_units: int, layer: int, depth: int, limit: float) -> None:
    """Raise _Overflow when the polygons pass ``limit``, or are estimated to pass it 4 times over.

    The estimate: the units of a layer add about the same number of polygons each, so the layer
    ends near at_start + (reached - at_start) n_units / done; later layers grow by the same
    factor as this one (from layer 2 on: the first grows from one polygon, which says little).
    """
    layer_end = at_start + (reached - at_start) * n_units / done
    layers_left = depth - 1 - layer if layer >= 1 else 0
    growth = max(layer_end / at_start, 1.0) if layers_left else 1.0  # the factor for later layers
    estimate = math.exp(min(math.log(max(layer_end, 1.0)) + layers_left * math.log(growth), 700.0))
    if reached > limit:
        raise _Overflow(reached, max(estimate, reached), layer, depth, False, growth)
    if layer >= 1 and done >= max(2, n_units // 8) and reached >= 4096 and estimate > 4 * limit:
        raise _Overflow(reached, estimate, layer, depth, True, growth)


def _partition(
    mlp: NumpyMLP, origin: np.ndarray, u: np.ndarray, v: np.ndarray, box: tuple, limit: float = math.inf
) -> Regions2D:
    smin, smax, tmin, tmax = box
    span_s, span_t = max(abs(smin), abs(smax)), max(abs(tmin), abs(tmax))
    soup = _Soup(box)
    weights, biases = list(mlp.weights), list(mlp.biases)
    # fold the slice into the first matrix: z_1 = (W_1 u) s + (W_1 v) t + (W_1 origin + b_1)
    w0 = weights[0]
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported just below
        maps = np.stack([w0 @ u, w0 @ v, w0 @ origin + biases[0]], axis=1)[:, :, None]  # (n_1, 3, 1)
        # size of the terms each pre-activation is summed from, per parent: drives the band
        terms = np.abs(u) * span_s + np.abs(v) * span_t + np.abs(origin)
        scale = (np.abs(w0) @ terms + np.abs(biases[0]))[:, None]
    _check_overflow(maps, scale, 0)
    # (without hidden layers the first matrix is the readout and these are already its maps)
    patterns = np.zeros((1, 0), dtype=np.int8)
    for layer, act in enumerate(mlp.activations):
        thresholds = act.thresholds
        n_units = maps.shape[0]
        # parent boxes: where a line stays clear of a parent, its code holds for all descendants
        soup_boxes = soup.bs.v.copy(), soup.bt.v.copy(), soup.hs.v.copy(), soup.ht.v.copy()
        centre = maps[:, 0] * soup.bs.v + maps[:, 1] * soup.bt.v + maps[:, 2]  # (n, R0)
        reach = np.abs(maps[:, 0]) * soup.hs.v + np.abs(maps[:, 1]) * soup.ht.v
        codes = np.empty((soup.start.n, n_units * len(thresholds)), dtype=np.int8)
        flags = []
        for k, theta in enumerate(thresholds):
            band = _BAND * (scale + abs(theta))
            high = centre - reach - theta >= band
            low = centre + reach - theta <= -band
            codes[:, k :: len(thresholds)] = (high.view(np.int8) - low.view(np.int8)).T
            flags.append(~(high | low))
        soup.start_layer(codes)
        at_start = soup.n_alive
        for j in range(n_units):
            soup.guard = lambda reached, j=j: _check_growth_2d(reached, at_start, j + 1, n_units, layer, mlp.depth, limit)
            for k, theta in enumerate(thresholds):
                if flags[k][j].any():
                    band = _BAND * (scale[j] + abs(theta))
                    soup.cut(j * len(thresholds) + k, flags[k][j], maps[j, 0], maps[j, 1], maps[j, 2] - theta, band)
            _check_growth_2d(soup.n_alive, at_start, j + 1, n_units, layer, mlp.depth, limit)
        parent, codes = soup.compact()
        first = np.flatnonzero(np.diff(parent, prepend=-1))  # every parent keeps >= 1 polygon
        pattern = _layer_pattern(codes, act)
        patterns = np.concatenate([patterns[parent], pattern], axis=1)
        w_next, b_next = weights[layer + 1], biases[layer + 1]
        with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported just below
            h_size = _activation_size(maps, soup_boxes, first, pattern, act)
            maps = _propagate(w_next, b_next, maps, parent, first, pattern, act)
            scale = (np.abs(w_next) @ h_size + np.abs(b_next)[:, None])[:, parent]
        _check_overflow(maps, scale, layer + 1)

    areas, cen_s, cen_t = soup.areas_centroids()
    vertices = np.stack([soup.vs.v, soup.vt.v], axis=1)
    offsets = np.append(soup.start.v, soup.vs.n)
    chords = np.stack([buf.v for buf in soup.chords], axis=1)
    n_units_total = sum(mlp.widths)

    return Regions2D(
        box,
        vertices,
        offsets,
        patterns,
        areas,
        np.stack([cen_s, cen_t], axis=1),
        np.ascontiguousarray(maps.transpose(2, 0, 1)),
        edge_chords=soup.vchord.v.copy(),
        chords=chords,
        map_scale=scale.T.copy(),
        piece_tol=_PIECE_TOL_PER_UNIT * (n_units_total + 2),
        net=mlp,
        plane=(origin, u, v),
    )


# --------------------------------------------------------------------------------------------------
# public API


def regions_2d(
    net: nn.Module,
    box: tuple[float, float, float, float],
    *,
    origin: np.ndarray | None = None,
    u: np.ndarray | None = None,
    v: np.ndarray | None = None,
    memory_budget: float | None = DEFAULT_MEMORY_BUDGET,
) -> Regions2D:
    """The exact partition of a 2-D slice of a network into its linear regions (convex polygons).

    The slice is {origin + s u + t v : smin <= s <= smax, tmin <= t <= tmax}. Without origin,
    u and v the net must have 2 inputs and (s, t) are its inputs.

    Parameters
    ----------
    net : torch.nn.Sequential
        ReLU or hard-tanh MLP (see :func:`exprlib.nets.as_numpy`).
    box : (smin, smax, tmin, tmax)
        The rectangle in slice coordinates, smin < smax and tmin < tmax.
    origin, u, v : (d,) array_like, optional
        All three or none; u and v linearly independent, d = the net's input dimension.
    memory_budget : float or None, default 2 GiB
        Bytes the partition may hold at its peak: about 240 bytes per region and unit of the
        widest layer (its maps, their products and its pattern), checked after every unit's
        cuts, before the next arrays are allocated. None: no limit.

    Returns
    -------
    Regions2D
        One convex polygon per region with its pattern, area, centroid and output map.

    Raises
    ------
    TypeError
        If ``net`` is not a supported network or an argument is not numeric.
    RegionBudgetError
        (a ValueError) Before the regions would outgrow ``memory_budget``; the message gives
        the count reached, the estimated final count and memory, and says to shrink the box
        or the net.
    ValueError
        If the box is empty, inverted or not finite; if only some of origin, u, v are given,
        have the wrong length, contain NaN, or u and v are dependent; if a net without two
        inputs gets no slice; or if the net's values overflow float64 on the box.

    Notes
    -----
    Exact up to float64 rounding: values within 64 eps of the size of their terms count as on a
    threshold (a line touching a corner does not cut), and nothing is filtered by size. Regions
    are distinct patterns; ``count_pieces`` merges neighbours with identical maps.

    Examples
    --------
    >>> from exprlib.nets import from_weights
    >>> net = from_weights([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    >>> r = regions_2d(net, (-1, 1, -1, 1))
    >>> len(r), sorted(r.patterns.tolist()), r.areas.tolist()
    (4, [[0, 0], [0, 1], [1, 0], [1, 1]], [1.0, 1.0, 1.0, 1.0])
    >>> len(regions_2d(net, (0, 1, -1, 1)))  # the line s = 0 runs along the box edge
    2
    """
    mlp = as_numpy(net)
    box = _check_box(box)
    origin, u, v = _check_slice(mlp, origin, u, v)
    budget = check_memory_budget(memory_budget)
    item = plane_bytes(max(mlp.widths + (1,)), sum(mlp.widths))
    with threadpool_limits(_BLAS_THREADS, user_api="blas") if threadpool_limits else contextlib.nullcontext():
        try:
            return _partition(mlp, origin, u, v, box, budget / item)
        except _Overflow as over:
            raise refusal(
                "regions_2d", over, things="regions", where=f"the box {box}", shrink="the box",
                keyword="memory_budget", budget=budget, limit=budget / item, item_bytes=item,
            ) from None


def count_regions_2d(
    net: nn.Module,
    box: tuple[float, float, float, float],
    *,
    origin: np.ndarray | None = None,
    u: np.ndarray | None = None,
    v: np.ndarray | None = None,
    memory_budget: float | None = DEFAULT_MEMORY_BUDGET,
) -> int:
    """Number of linear regions of a net on a 2-D box of a slice: ``len(regions_2d(...))``.

    Parameters
    ----------
    net, box, origin, u, v, memory_budget
        As for :func:`regions_2d`: the count needs the whole partition, so it refuses
        (RegionBudgetError) where :func:`regions_2d` does.

    Returns
    -------
    int

    Raises
    ------
    TypeError, ValueError
        As for :func:`regions_2d` (RegionBudgetError is a ValueError).

    Examples
    --------
    >>> from exprlib.nets import from_weights
    >>> lines = from_weights([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0, 1.0]]], [[0.0] * 3, [0.0]])
    >>> count_regions_2d(lines, (-1, 1, -1, 1))  # three lines through the origin
    6
    >>> count_regions_2d(lines, (0, 1, 0, 1), origin=[0, 0], u=[1, 0], v=[0, 1])
    1
    """
    return len(regions_2d(net, box, origin=origin, u=u, v=v, memory_budget=memory_budget))
