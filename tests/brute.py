"""A brute-force, exact oracle for activation regions, in rational arithmetic.

It shares nothing with :mod:`exprlib` on purpose (numpy, fractions and math only):
every float is a dyadic rational, so converting the weights with ``Fraction(float(w))`` is
exact and every comparison below is decided without rounding. It is slow and only meant for
small nets (widths <= 6, depth <= 5); the library's vectorized float64 algorithms are tested
against it.

* 1-D: a rational walk along the segment ``x(t) = start + t (end - start)``, t in [0, 1]. At t
  the pattern *just right of t* is fixed layer by layer from lexicographic (value, slope)
  signs; with that pattern every unit is affine in t, and the walk steps to the smallest root
  > t of any unit at any threshold.
* 2-D: recursive splitting of convex polygons (rational vertices) by every unit's line, given
  each polygon's earlier pattern; every final polygon then has its own pattern.

Networks are given as raw weights: ``weights[l]`` is out x in (the last one the readout, which
the region count ignores), ``biases[l]`` its vector, and one activation description per hidden
layer: ``"relu"``, ``"hardtanh"`` (limits -1, 1) or ``("hardtanh", lo, hi)``. Patterns follow the
course convention: ReLU 1 if z > 0 else 0; hard-tanh -1 if z <= lo, +1 if z >= hi, else 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np

__all__ = [
    "Polygons2D",
    "Walk1D",
    "euler_characteristic",
    "pattern_at",
    "polygon_area",
    "split_2d",
    "walk_1d",
]

_ZERO = Fraction(0)
_ONE = Fraction(1)


# ----------------------------------------------------------------------------- conversion


def _q(x: object) -> Fraction:
    """Exact rational value of a number (a float is a dyadic rational: no rounding happens)."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return Fraction(int(x))
    value = float(x)
    if not math.isfinite(value):
        raise ValueError(f"weights must be finite, got {value!r}")
    return Fraction(value)


def _matrix(w: object) -> list[list[Fraction]]:
    rows = np.asarray(w, dtype=object)
    if rows.ndim != 2:
        raise ValueError(f"weight matrices must be 2-D (out x in), got shape {rows.shape}")
    return [[_q(v) for v in row] for row in rows]


def _vector(b: object, n: int) -> list[Fraction]:
    if b is None:
        return [_ZERO] * n
    vals = [_q(v) for v in np.asarray(b, dtype=object).reshape(-1)]
    if len(vals) != n:
        raise ValueError(f"bias vector must have {n} entries, got {len(vals)}")
    return vals


def _is_one_description(desc: object) -> bool:
    """"relu", "hardtanh" or ("hardtanh", lo, hi) -- as opposed to a sequence of them."""
    if isinstance(desc, str):
        return True
    return (
        isinstance(desc, (tuple, list))
        and len(desc) == 3
        and desc[0] == "hardtanh"
        and not any(isinstance(x, (str, tuple, list)) for x in desc[1:])
    )


def _activation(desc: object) -> tuple:
    """Normalise an activation description to ("relu",) or ("hardtanh", lo, hi) in Fractions."""
    if desc == "relu":
        return ("relu",)
    if desc == "hardtanh":
        return ("hardtanh", Fraction(-1), Fraction(1))
    if isinstance(desc, (tuple, list)) and len(desc) == 3 and desc[0] == "hardtanh":
        lo, hi = _q(desc[1]), _q(desc[2])
        if not lo < hi:
            raise ValueError(f"hard-tanh needs lo < hi, got ({desc[1]!r}, {desc[2]!r})")
        return ("hardtanh", lo, hi)
    raise ValueError(f"activation must be 'relu', 'hardtanh' or ('hardtanh', lo, hi), got {desc!r}")


@dataclass(frozen=True)
class _Net:
    weights: list  # hidden layers then readout, Fraction matrices (out x in)
    biases: list
    activations: list  # one per hidden layer


def _net(weights: Sequence, biases: Sequence, activations: object) -> _Net:
    if len(weights) != len(biases) or not weights:
        raise ValueError(f"need matching, non-empty weights and biases, got {len(weights)} and {len(biases)}")
    ws = [_matrix(w) for w in weights]
    bs = [_vector(b, len(w)) for w, b in zip(ws, biases)]
    for l in range(1, len(ws)):
        if any(len(row) != len(ws[l - 1]) for row in ws[l]):
            raise ValueError(f"weights[{l}] must have {len(ws[l - 1])} columns")
    n_hidden = len(ws) - 1
    if n_hidden < 1:
        raise ValueError("the oracle needs at least one hidden layer (a readout alone has one region)")
    if _is_one_description(activations):
        activations = [activations] * n_hidden
    acts = [_activation(a) for a in activations]
    if len(acts) != n_hidden:
        raise ValueError(f"need one activation per hidden layer ({n_hidden}), got {len(acts)}")
    return _Net(ws, bs, acts)


def _fold(net: _Net, origin: Sequence, directions: Sequence[Sequence]) -> tuple[list, list]:
    """Layer 1 on the affine slice x = origin + sum_k c_k directions[k], exactly.

    W1' = W1 [d_1 ... d_m] and b1' = W1 origin + b1, so the slice coordinates become the inputs.
    """
    w1, b1 = net.weights[0], net.biases[0]
    n_in = len(w1[0]) if w1 else len(origin)
    o = [_q(v) for v in origin]
    ds = [[_q(v) for v in d] for d in directions]
    if len(o) != n_in or any(len(d) != n_in for d in ds):
        raise ValueError(f"the slice vectors must have {n_in} entries (the net's input dimension)")
    folded_w = [[sum((r * d for r, d in zip(row, dk)), _ZERO) for dk in ds] for row in w1]
    folded_b = [sum((r * x for r, x in zip(row, o)), _ZERO) + b for row, b in zip(w1, b1)]
    return folded_w, folded_b


def _thresholds(act: tuple) -> tuple[Fraction, ...]:
    return (_ZERO,) if act[0] == "relu" else (act[1], act[2])


def _unit_pattern(act: tuple, signs: Sequence[int]) -> int:
    """Pattern of one unit from the signs of (z - threshold) on an open set (0: z == threshold there)."""
    if act[0] == "relu":
        return 1 if signs[0] > 0 else 0
    if signs[0] <= 0:  # z <= lo
        return -1
    return 1 if signs[1] >= 0 else 0  # z >= hi


def _sign(x: Fraction) -> int:
    return (x > 0) - (x < 0)


def _apply(act: tuple, unit_pattern: int, row: list[Fraction]) -> list[Fraction]:
    """The unit's output as an affine row (coefficients..., constant) given its pattern."""
    if act[0] == "relu":
        return list(row) if unit_pattern == 1 else [_ZERO] * len(row)
    if unit_pattern == 0:
        return list(row)
    const = act[1] if unit_pattern == -1 else act[2]
    return [_ZERO] * (len(row) - 1) + [const]


def _affine_layer(w: list, b: list, h: list) -> list:
    """Rows of z = W h + b, where each h_k is an affine row (coeffs..., constant)."""
    width = len(h[0]) if h else 1
    out = []
    for row, bias in zip(w, b):
        z = [_ZERO] * width
        for wk, hk in zip(row, h):
            if wk:
                for i in range(width):
                    z[i] += wk * hk[i]
        z[-1] += bias
        out.append(z)
    return out


# ----------------------------------------------------------------------------- points


def pattern_at(weights: Sequence, biases: Sequence, activations: object, x: Sequence) -> tuple[int, ...]:
    """The exact activation pattern at one input point (a true forward pass in Fractions).

    Examples
    --------
    >>> pattern_at([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]], "relu", [0.0])
    (0, 0)
    >>> pattern_at([[[1.0]], [[1.0]]], [[0.0], [0.0]], ("hardtanh", -0.5, 0.5), [-0.5])
    (-1,)
    """
    net = _net(weights, biases, activations)
    h = [[_q(v)] for v in x]  # affine rows with no coefficients: just the constant
    if len(h) != len(net.weights[0][0]):
        raise ValueError(f"x must have {len(net.weights[0][0])} entries, got {len(h)}")
    pattern: list[int] = []
    for w, b, act in zip(net.weights[:-1], net.biases[:-1], net.activations):
        z = _affine_layer(w, b, h)
        units = [_unit_pattern(act, [_sign(row[0] - th) for th in _thresholds(act)]) for row in z]
        pattern += units
        h = [_apply(act, p, row) for p, row in zip(units, z)]
    return tuple(pattern)


# ----------------------------------------------------------------------------- 1-D walk


@dataclass(frozen=True)
class Walk1D:
    """The exact partition of a segment (all t values are Fractions in [0, 1]).

    ``steps`` are all points the walk stopped at (0 and 1 included) and ``step_patterns[i]`` is
    the pattern on (steps[i], steps[i + 1]). ``breakpoints`` keeps the steps where the patterns
    of the neighbouring intervals differ (by construction every interior step should be one:
    the earliest layer with a root there crosses it, but the walk does not rely on that), and
    ``patterns[i]``, ``lengths[i]`` describe region i. ``pieces`` counts linear pieces of the
    output along the segment: neighbouring regions whose maps in t are identical are merged.
    """

    steps: tuple
    step_patterns: tuple
    breakpoints: tuple
    patterns: tuple
    lengths: tuple
    pieces: int

    @property
    def count(self) -> int:
        return len(self.patterns)


def walk_1d(weights: Sequence, biases: Sequence, activations: object, start: Sequence, end: Sequence) -> Walk1D:
    """Exact activation regions along the segment from ``start`` to ``end``.

    Examples
    --------
    >>> w = walk_1d([[[1.0]], [[1.0]]], [[-0.5], [0.0]], "relu", [0.0], [1.0])
    >>> w.count, w.breakpoints, w.patterns
    (2, (Fraction(1, 2),), ((0,), (1,)))
    >>> walk_1d([[[0.0]], [[1.0]]], [[0.0], [0.0]], ("hardtanh", 0, 1), [0.0], [1.0]).patterns
    ((-1,),)
    """
    net = _net(weights, biases, activations)
    start_q = [_q(v) for v in start]
    direction = [_q(e) - s for e, s in zip(end, start_q)]
    if not any(direction):
        raise ValueError("start and end must differ")
    w1, b1 = _fold(net, start_q, [direction])
    hidden = [(w1, b1, net.activations[0])] + list(zip(net.weights[1:-1], net.biases[1:-1], net.activations[1:]))

    t = _ZERO
    steps, step_patterns, step_maps = [t], [], []
    while t < 1:
        h = [[_ONE, _ZERO]]  # the slice coordinate t itself, as an affine row (slope, constant)
        pattern: list[int] = []
        next_t = _ONE
        for w, b, act in hidden:
            z = _affine_layer(w, b, h)
            h = []
            for slope, const in z:
                signs = []
                for theta in _thresholds(act):
                    if slope:
                        root = (theta - const) / slope
                        if t < root < next_t:
                            next_t = root
                    # lexicographic sign: the value at t, or the slope where the value is 0
                    signs.append(_sign(const + slope * t - theta) or _sign(slope))
                p = _unit_pattern(act, signs)
                pattern.append(p)
                h.append(_apply(act, p, [slope, const]))
        out = _affine_layer(net.weights[-1], net.biases[-1], h)
        step_patterns.append(tuple(pattern))
        step_maps.append(tuple(tuple(r) for r in out))
        steps.append(next_t)
        t = next_t

    breakpoints, patterns, lengths, maps = [], [step_patterns[0]], [], [step_maps[0]]
    region_start = _ZERO
    for i in range(1, len(step_patterns)):
        if step_patterns[i] != step_patterns[i - 1]:
            breakpoints.append(steps[i])
            lengths.append(steps[i] - region_start)
            region_start = steps[i]
            patterns.append(step_patterns[i])
            maps.append(step_maps[i])
    lengths.append(_ONE - region_start)
    pieces = 1 + sum(maps[i] != maps[i - 1] for i in range(1, len(maps)))
    return Walk1D(tuple(steps), tuple(step_patterns), tuple(breakpoints), tuple(patterns), tuple(lengths), pieces)


# ----------------------------------------------------------------------------- 2-D splitting


def polygon_area(vertices: Sequence[tuple]) -> Fraction:
    """Signed shoelace area (positive for counter-clockwise vertices).

    Examples
    --------
    >>> polygon_area([(0, 0), (1, 0), (1, 1), (0, 1)])
    Fraction(1, 1)
    >>> polygon_area([(0, 0), (1, 0), (2, 0)])
    Fraction(0, 1)
    """
    n = len(vertices)
    twice = sum(
        (Fraction(vertices[i][0]) * vertices[(i + 1) % n][1] - Fraction(vertices[(i + 1) % n][0]) * vertices[i][1]
         for i in range(n)),
        _ZERO,
    )
    return twice / 2


def _clip(vertices: list, values: list, keep: int) -> list:
    """Sutherland-Hodgman: the part of a convex polygon where keep * value >= 0 (exact crossings)."""
    out = []
    n = len(vertices)
    for i in range(n):
        p, q, fp, fq = vertices[i], vertices[(i + 1) % n], values[i], values[(i + 1) % n]
        if keep * fp >= 0:
            out.append(p)
        if (fp > 0 > fq) or (fp < 0 < fq):
            a = fp / (fp - fq)
            out.append((p[0] + a * (q[0] - p[0]), p[1] + a * (q[1] - p[1])))
    return out


@dataclass(frozen=True)
class Polygons2D:
    """The exact partition of a box in slice coordinates (s, t), one convex polygon per region.

    ``maps[i]`` is the output's affine map on polygon i in slice coordinates, rows (a_s, a_t, c).
    ``pieces`` merges edge-adjacent polygons whose maps are identical.
    """

    polygons: tuple
    patterns: tuple
    areas: tuple
    maps: tuple
    box_area: Fraction

    @property
    def count(self) -> int:
        return len(self.polygons)

    @property
    def pieces(self) -> int:
        return _count_pieces(self.polygons, self.maps)


def split_2d(
    weights: Sequence,
    biases: Sequence,
    activations: object,
    box: Sequence,
    origin: Sequence | None = None,
    u: Sequence | None = None,
    v: Sequence | None = None,
) -> Polygons2D:
    """Exact activation regions of the box (smin, smax, tmin, tmax) on the slice origin + s u + t v.

    Without origin/u/v the net must have 2 inputs and (s, t) are the inputs themselves.

    Examples
    --------
    >>> r = split_2d([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]], "relu", (-1, 1, -1, 1))
    >>> r.count, sorted(r.patterns), sorted(r.areas)
    (4, [(0, 0), (0, 1), (1, 0), (1, 1)], [Fraction(1, 1), Fraction(1, 1), Fraction(1, 1), Fraction(1, 1)])
    >>> split_2d([[[0.0, 0.0]], [[1.0]]], [[0.0], [0.0]], "relu", (0, 1, 0, 1)).patterns
    ((0,),)
    """
    net = _net(weights, biases, activations)
    n_in = len(net.weights[0][0])
    if origin is None and u is None and v is None:
        if n_in != 2:
            raise ValueError(f"a net with {n_in} inputs needs origin, u and v")
        origin, u, v = (0, 0), (1, 0), (0, 1)
    smin, smax, tmin, tmax = (_q(b) for b in box)
    if not (smin < smax and tmin < tmax):
        raise ValueError(f"box must have smin < smax and tmin < tmax, got {tuple(box)}")
    w1, b1 = _fold(net, origin, [u, v])
    hidden = [(w1, b1, net.activations[0])] + list(zip(net.weights[1:-1], net.biases[1:-1], net.activations[1:]))

    square = [(smin, tmin), (smax, tmin), (smax, tmax), (smin, tmax)]  # counter-clockwise
    identity = [[_ONE, _ZERO, _ZERO], [_ZERO, _ONE, _ZERO]]
    # each polygon: (vertices, pattern so far, affine rows of the current layer's input h)
    polys = [(square, (), identity)]
    for w, b, act in hidden:
        layer = [(verts, pat, _affine_layer(w, b, h)) for verts, pat, h in polys]
        for j in range(len(w)):
            for theta in _thresholds(act):
                split = []
                for verts, pat, z in layer:
                    a_s, a_t, c = z[j]
                    values = [a_s * x + a_t * y + c - theta for x, y in verts]
                    if any(f > 0 for f in values) and any(f < 0 for f in values):
                        for keep in (1, -1):
                            child = _clip(verts, values, keep)
                            if polygon_area(child) > 0:  # never a zero-area region
                                split.append((child, pat, z))
                    else:
                        split.append((verts, pat, z))
                layer = split
        polys = []
        for verts, pat, z in layer:
            # the vertex average is interior (positive area, convex): its sign is the polygon's
            cx = sum((x for x, _ in verts), _ZERO) / len(verts)
            cy = sum((y for _, y in verts), _ZERO) / len(verts)
            unit_patterns = []
            for a_s, a_t, c in z:
                value = a_s * cx + a_t * cy + c
                unit_patterns.append(_unit_pattern(act, [_sign(value - th) for th in _thresholds(act)]))
            h = [_apply(act, p, row) for p, row in zip(unit_patterns, z)]
            polys.append((verts, pat + tuple(unit_patterns), h))

    patterns = tuple(p for _, p, _ in polys)
    # Two final polygons always differ in the unit whose line separated them, so the number of
    # polygons is the number of distinct patterns, i.e. of regions (each pattern's set is convex).
    if len(set(patterns)) != len(patterns):
        raise AssertionError("oracle bug: two polygons share a pattern")
    areas = tuple(polygon_area(verts) for verts, _, _ in polys)
    box_area = (smax - smin) * (tmax - tmin)
    if sum(areas) != box_area:
        raise AssertionError(f"oracle bug: areas sum to {sum(areas)}, box area is {box_area}")
    maps = tuple(
        tuple(tuple(r) for r in _affine_layer(net.weights[-1], net.biases[-1], h)) for _, _, h in polys
    )
    return Polygons2D(tuple(tuple(verts) for verts, _, _ in polys), patterns, areas, maps, box_area)


def _count_pieces(polygons: Sequence, maps: Sequence) -> int:
    """Connected components of the graph 'shares an edge of positive length and has the same map'.

    Every edge is filed under (map, its exact line); two polygons are neighbours along a line
    when their edge intervals on it overlap with positive length (interiors are disjoint, so
    they lie on opposite sides). A sweep over each line's sorted intervals finds the overlaps.
    """
    parent = list(range(len(polygons)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_line: dict = {}
    for i, (poly, m) in enumerate(zip(polygons, maps)):
        for p, q in zip(poly, poly[1:] + poly[:1]):
            a, b = q[1] - p[1], p[0] - q[0]  # the line a x + b y = c, scaled so (a, b) starts with 1
            k = a if a else b
            key = (m, a / k, b / k, (a * p[0] + b * p[1]) / k)
            lo, hi = sorted((p[0], q[0])) if b else sorted((p[1], q[1]))  # position along the line
            by_line.setdefault(key, []).append((lo, hi, i))
    for intervals in by_line.values():
        intervals.sort()
        reach, owner = intervals[0][1], intervals[0][2]
        for lo, hi, i in intervals[1:]:
            if lo < reach:  # overlaps the group so far with positive length
                parent[find(i)] = find(owner)
            if hi > reach:
                reach, owner = hi, i
    return len({find(i) for i in range(len(polygons))})


def euler_characteristic(polygons: Sequence[Sequence[tuple]]) -> int:
    """V - E + F of the planar subdivision by the polygons (exact; T-junctions resolved).

    Every vertex lying inside another polygon's edge splits that edge. For a subdivision of a
    convex domain the result is 1.

    Examples
    --------
    >>> left, right = [(0, 0), (1, 0), (1, 2), (0, 2)], [(1, 0), (2, 0), (2, 1), (2, 2), (1, 2)]
    >>> euler_characteristic([left, right])
    1
    >>> euler_characteristic([left, [(1, 0), (2, 0), (2, 1), (1, 1)], [(1, 1), (2, 1), (2, 2), (1, 2)]])
    1
    """
    vertices = sorted({(Fraction(x), Fraction(y)) for poly in polygons for x, y in poly})
    coords = np.array([[float(x), float(y)] for x, y in vertices])
    scale = float(np.abs(coords).max()) if len(coords) else 1.0
    edges = set()
    for poly in polygons:
        poly = [(Fraction(x), Fraction(y)) for x, y in poly]
        for a, b in zip(poly, poly[1:] + poly[:1]):
            if a == b:
                continue
            # float prefilter (distance to the segment), then an exact decision
            fa, fb = np.array([float(a[0]), float(a[1])]), np.array([float(b[0]), float(b[1])])
            d = fb - fa
            rel = coords - fa
            along = rel @ d / (d @ d)
            dist = np.abs(rel[:, 0] * d[1] - rel[:, 1] * d[0]) / np.sqrt(d @ d)
            near = np.flatnonzero((dist <= 1e-6 * (scale + 1.0)) & (along > -1e-6) & (along < 1 + 1e-6))
            ex, ey = b[0] - a[0], b[1] - a[1]
            norm = ex * ex + ey * ey
            on_edge = []
            for k in near:
                r = vertices[k]
                cross = ex * (r[1] - a[1]) - ey * (r[0] - a[0])
                dot = ex * (r[0] - a[0]) + ey * (r[1] - a[1])
                if cross == 0 and 0 <= dot <= norm:
                    on_edge.append((dot, r))
            chain = [r for _, r in sorted(on_edge)]
            for p, q in zip(chain, chain[1:]):
                edges.add((min(p, q), max(p, q)))
    return len(vertices) - len(edges) + len(polygons)
