"""Tests for the exact 2-D region enumeration ``exprlib.regions.regions_2d`` (``_plane.py``).

Hand-checkable arrangements, the benchmark fixtures' agreed counts, the invariants of
``Regions2D.self_check`` on random nets, theorems (Zaslavsky), slices vs. folding by hand, the
sampled lower bound, linear pieces, the memory budget's refusals, and the error paths. The brute-force rational oracle and the
hypothesis comparison against it live in ``test_regions_properties.py``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from exprlib.constructions import montufar_net
from exprlib.nets import as_numpy, from_weights, load_npz, random_mlp
from exprlib.regions import RegionBudgetError, Regions2D, activation_pattern, count_regions_2d, regions_2d

from common import BENCHMARK_NETS as BENCHMARKS
SQUARE = (-1.0, 1.0, -1.0, 1.0)


def one_layer(rows, biases, activation="relu", readout=None):
    """A 2-input net with one hidden layer: z = rows @ (s, t) + biases, summed by the readout."""
    rows = np.asarray(rows, dtype=np.float64)
    readout = np.ones((1, len(rows))) if readout is None else np.asarray(readout, dtype=np.float64)
    return from_weights([rows, readout], [np.asarray(biases, dtype=np.float64), np.zeros(len(readout))], activation)


def hardtanh_net(rows, biases, lo, hi):
    net = one_layer(rows, biases, "hardtanh")
    net[1] = nn.Hardtanh(lo, hi)
    return net


def signed_areas(result: Regions2D) -> np.ndarray:
    out = []
    for i in range(len(result)):
        x, y = result.polygon(i).T
        out.append(0.5 * (np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))
    return np.array(out)


# ----------------------------------------------------------------------------- hand-checkable cases

HAND_CASES = [
    # (id, net, box, regions, sorted areas)
    ("one_unit", one_layer([[1.0, 0.0]], [0.0]), SQUARE, 2, [2.0, 2.0]),
    ("two_crossing_lines", one_layer([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0]), SQUARE, 4, [1.0] * 4),
    ("parallel_lines", one_layer([[1.0, 0.0], [2.0, 0.0]], [0.0, -1.0]), SQUARE, 3, [1.0, 1.0, 2.0]),
    # s = 0, t = 0, s + t = 0 through one point: 6 sectors (not 7)
    (
        "three_concurrent",
        one_layer([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [0.0] * 3),
        SQUARE,
        6,
        [0.5, 0.5, 0.5, 0.5, 1.0, 1.0],
    ),
    # s = -1 is the box's left edge: no cut
    ("line_along_box_edge", one_layer([[1.0, 0.0]], [1.0]), SQUARE, 1, [4.0]),
    # s + t = 2 touches the box at its corner (1, 1) only
    ("line_through_box_corner", one_layer([[1.0, 1.0]], [-2.0]), SQUARE, 1, [4.0]),
    # the diagonal s = t joins two corners: 2 triangles
    ("diagonal_corner_to_corner", one_layer([[1.0, -1.0]], [0.0]), SQUARE, 2, [2.0, 2.0]),
    # the box lies beyond the line
    ("line_outside", one_layer([[1.0, 0.0]], [5.0]), SQUARE, 1, [4.0]),
    ("zero_rows", one_layer(np.zeros((3, 2)), np.zeros(3)), SQUARE, 1, [4.0]),
    ("duplicated_units", one_layer([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]], [0.0] * 4), SQUARE, 4, [1.0] * 4),
    # a layer-2 unit |s| - 0 = relu(s) + relu(-s) only touches zero on the line s = 0 (trap 1),
    # and a second one |s| - 1/2 crosses at s = +-1/2
    (
        "touching_unit",
        from_weights(
            [[[1.0, 0.0], [-1.0, 0.0]], [[1.0, 1.0], [1.0, 1.0]], [[1.0, 1.0]]],
            [[0.0, 0.0], [0.0, -0.5], [0.0]],
        ),
        SQUARE,
        4,
        [1.0, 1.0, 1.0, 1.0],
    ),
    # hard-tanh clipped to [-0.5, 0.25]: strips s <= -0.5, inside, s >= 0.25
    ("hardtanh_custom_limits", hardtanh_net([[1.0, 0.0]], [0.0], -0.5, 0.25), SQUARE, 3, [1.0, 1.5, 1.5]),
    # both thresholds of hardtanh(s) on [-1, 1] are box edges: one region, the unit inside
    ("hardtanh_thresholds_on_edges", hardtanh_net([[1.0, 0.0]], [0.0], -1.0, 1.0), SQUARE, 1, [4.0]),
    # a zero row whose bias is the lower limit sits on it everywhere: pattern -1, no cut
    ("hardtanh_pinned_at_lo", hardtanh_net([[0, 0], [0, 1.0]], [-0.5, 0.0], -0.5, 0.5), SQUARE, 3, [1.0, 1.0, 2.0]),
    # a net without hidden layers is affine: one region
    ("no_hidden_layer", from_weights([[[1.0, 2.0]]], [[3.0]]), SQUARE, 1, [4.0]),
    # a thin box far from the origin, cut by two lines
    (
        "offset_box",
        one_layer([[1.0, 0.0], [0.0, 1.0]], [-100.5, -7.0]),
        (100.0, 101.0, 6.5, 7.25),
        4,
        [0.125, 0.125, 0.25, 0.25],
    ),
]


@pytest.mark.parametrize("name, net, box, expected, areas", HAND_CASES, ids=[c[0] for c in HAND_CASES])
def test_regions_2d_hand_cases(name, net, box, expected, areas):
    result = regions_2d(net, box)
    assert len(result) == expected
    assert count_regions_2d(net, box) == expected
    np.testing.assert_allclose(np.sort(result.areas), areas, rtol=1e-12)
    check = result.self_check()
    assert check["ok"], check


@pytest.mark.parametrize(
    "net, expected",
    [
        # ReLU: 1 iff z > 0 (a zero row is 0 everywhere)
        (one_layer([[1.0, 0.0], [0.0, 0.0]], [0.0, 0.0]), [[0, 0], [1, 0]]),
        # hard-tanh: -1 at or below lo, +1 at or above hi; the pinned unit is -1 everywhere
        (hardtanh_net([[1.0, 0.0], [0.0, 0.0]], [0.0, -0.5], -0.5, 0.25), [[-1, -1], [0, -1], [1, -1]]),
    ],
)
def test_regions_2d_patterns_follow_activation_pattern_convention(net, expected):
    result = regions_2d(net, SQUARE)
    assert result.patterns.dtype == np.int8
    assert sorted(result.patterns.tolist()) == expected
    np.testing.assert_array_equal(result.patterns, activation_pattern(net, result.centroids))


def test_regions_2d_storage_is_flat_convex_and_counter_clockwise():
    net = random_mlp(2, [12, 12], seed=3)
    result = regions_2d(net, SQUARE)
    n = len(result)
    assert result.offsets.shape == (n + 1,) and result.offsets[0] == 0
    assert result.offsets[-1] == len(result.vertices)
    assert result.vertices.shape[1] == 2 and result.vertices.dtype == np.float64
    assert np.all(np.diff(result.offsets) >= 3)
    np.testing.assert_allclose(signed_areas(result), result.areas, rtol=1e-9)  # positive: ccw
    for i in range(n):
        p = result.polygon(i)
        edges = np.roll(p, -1, axis=0) - p
        turn = edges[:, 0] * np.roll(edges[:, 1], -1) - edges[:, 1] * np.roll(edges[:, 0], -1)
        assert (turn >= -1e-12).all()  # convex: never turns clockwise
        assert np.all(p >= [SQUARE[0], SQUARE[2]]) and np.all(p <= [SQUARE[1], SQUARE[3]])
    np.testing.assert_array_equal(result.polygon(-1), result.polygon(n - 1))
    assert result.box == SQUARE and repr(result) == f"Regions2D({n} regions, box={SQUARE})"


@pytest.mark.parametrize("activation", ["relu", "hardtanh"])
def test_regions_2d_maps_equal_the_network_on_every_region(activation):
    """maps[i] @ (s, t, 1) is the net's output at the centroid and at every corner of region i."""
    net = random_mlp(3, [8, 8], 2, activation=activation, sigma_w=2.0, sigma_b=0.5, seed=11)
    origin, u, v = np.array([0.1, -0.2, 0.3]), np.array([1.0, 0.5, 0.0]), np.array([0.0, 1.0, -1.0])
    result = regions_2d(net, (-2.0, 2.0, -1.0, 3.0), origin=origin, u=u, v=v)
    assert result.maps.shape == (len(result), 2, 3)
    counts = np.diff(result.offsets)
    corner_region = np.repeat(np.arange(len(result)), counts)
    for points, region in ((result.centroids, np.arange(len(result))), (result.vertices, corner_region)):
        x = origin + points[:, :1] * u + points[:, 1:] * v
        expected = net(torch.from_numpy(x)).detach().numpy()
        homogeneous = np.column_stack([points, np.ones(len(points))])
        got = np.einsum("rok,rk->ro", result.maps[region], homogeneous)
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9)


# ----------------------------------------------------------------------------- benchmark fixtures


@pytest.mark.parametrize(
    "name, expected",
    [
        ("relu_2in_32x32x32_seed0.npz", 1180),
        ("relu_2in_64x64x64x64x64x64_seed0.npz", 8392),
        pytest.param("relu_2in_128x128x128x128_seed0.npz", 29584, marks=pytest.mark.slow),
    ],
)
def test_regions_2d_benchmark_fixtures_exact_counts(name, expected):
    result = regions_2d(load_npz(BENCHMARKS / name), SQUARE)
    assert len(result) == expected
    check = result.self_check()
    assert check["ok"], check
    assert check["distinct_patterns"] == expected and check["euler"] == 1
    assert 1 <= result.count_pieces() <= expected


@pytest.mark.slow
def test_regions_2d_keeps_the_genuinely_tiny_region_of_the_128x4_fixture():
    # the smallest true region has area ~5.7e-15: no absolute size filter may drop it
    result = regions_2d(load_npz(BENCHMARKS / "relu_2in_128x128x128x128_seed0.npz"), SQUARE)
    assert result.areas.min() == pytest.approx(5.66e-15, rel=0.01)


def test_regions_2d_deep_sawtooth_has_two_to_the_depth_strips():
    """Telgarsky's tent map composed 16 times: 2**16 strips of width 2**-16 on [0, 1]^2.

    Regression: a band carried through all layers with |W| outgrows such deep nets.
    """
    depth = 16
    weights = [[[1.0, 0.0], [1.0, 0.0]]] + [[[2.0, -4.0], [2.0, -4.0]]] * (depth - 1) + [[[2.0, -4.0]]]
    biases = [[0.0, -0.5]] * depth + [[0.0]]
    result = regions_2d(from_weights(weights, biases), (0.0, 1.0, 0.0, 1.0))
    assert len(result) == 2**depth
    np.testing.assert_allclose(result.areas, 2.0**-depth, rtol=1e-6)
    assert result.count_pieces() == 2**depth  # slopes alternate +-2**depth


# ----------------------------------------------------------------------------- invariants


RANDOM_NETS = [
    # (in_dim, hidden, activation, sigma_w, sigma_b, seed)
    (2, [6], "relu", 1.5, 0.5, 0),
    (2, [10, 10, 10], "relu", 2**0.5, 0.3, 1),
    (3, [16, 8], "relu", 2.0, 1.0, 2),
    (4, [5, 5, 5, 5], "relu", 2**0.5, 0.1, 3),
    (2, [8, 8], "hardtanh", 3.0, 0.5, 4),
    (3, [12, 12, 6], "hardtanh", 4.0, 0.3, 5),
    (4, [20], "hardtanh", 1.0, 1.0, 6),
    (2, [24, 24], "hardtanh", 2.0, 0.0, 7),
]


@pytest.mark.parametrize("in_dim, hidden, activation, sigma_w, sigma_b, seed", RANDOM_NETS)
def test_regions_2d_self_check_on_random_nets(in_dim, hidden, activation, sigma_w, sigma_b, seed):
    net = random_mlp(in_dim, hidden, 2, activation=activation, sigma_w=sigma_w, sigma_b=sigma_b, seed=seed)
    rng = np.random.default_rng(seed)
    origin, u, v = rng.normal(size=(3, in_dim))
    box = (-2.0, 1.5, -1.0, 2.5)
    result = regions_2d(net, box, origin=origin, u=u, v=v)
    check = result.self_check()
    assert check["ok"], check
    assert check["area_sum"] == pytest.approx(3.5 * 3.5, rel=1e-9)
    assert result.patterns.shape == (len(result), sum(hidden))
    assert 1 <= result.count_pieces() <= len(result)
    if in_dim == 2:  # the input plane itself is the default slice
        assert count_regions_2d(net, box, origin=[0, 0], u=[1, 0], v=[0, 1]) == count_regions_2d(net, box)


def test_self_check_detects_a_broken_partition():
    result = regions_2d(one_layer([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0]), SQUARE)
    assert result.self_check()["ok"]
    result.patterns[0] = result.patterns[1]  # two regions claim one pattern
    check = result.self_check()
    assert not check["ok"] and not check["patterns_ok"] and check["forward_mismatches"] >= 1
    result = regions_2d(one_layer([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0]), SQUARE)
    # shrink one square to half its size about its centre: a hole opens around it
    first = slice(result.offsets[0], result.offsets[1])
    centre = result.centroids[0]
    result.vertices[first] = centre + 0.5 * (result.vertices[first] - centre)
    result.areas[0] /= 4
    check = result.self_check()
    assert not check["areas_ok"] and not check["euler_ok"] and not check["ok"]
    assert check["patterns_ok"] and check["forward_ok"]


def test_slice_of_3_input_net_equals_the_slice_folded_by_hand():
    net = random_mlp(3, [10, 10], activation="relu", sigma_b=0.5, seed=21)
    mlp = as_numpy(net)
    origin, u, v = np.array([0.3, -0.1, 0.2]), np.array([1.0, 2.0, -1.0]), np.array([0.5, 0.0, 1.0])
    box = (-1.0, 1.0, -0.5, 1.5)
    sliced = regions_2d(net, box, origin=origin, u=u, v=v)
    # the same network restricted to the plane: W1' = W1 [u v], b1' = W1 origin + b1
    w1 = mlp.weights[0] @ np.column_stack([u, v])
    b1 = mlp.weights[0] @ origin + mlp.biases[0]
    folded = regions_2d(from_weights([w1, *mlp.weights[1:]], [b1, *mlp.biases[1:]]), box)
    assert len(sliced) == len(folded)
    assert {p.tobytes() for p in sliced.patterns} == {p.tobytes() for p in folded.patterns}
    np.testing.assert_allclose(np.sort(sliced.areas), np.sort(folded.areas), rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("n_units, seed", [(1, 0), (5, 1), (12, 2), (30, 3)])
def test_one_hidden_layer_in_general_position_gives_zaslavsky_count(n_units, seed):
    """n lines in general position cut a box holding all their crossings into sum_{j<=2} C(n, j)."""
    rng = np.random.default_rng(seed)
    w, b = rng.normal(size=(n_units, 2)), rng.normal(size=n_units)
    pairs = [(i, j) for i in range(n_units) for j in range(i + 1, n_units)]
    crossings = np.array([np.linalg.solve(w[[i, j]], -b[[i, j]]) for i, j in pairs]).reshape(-1, 2)
    feet = -b[:, None] * w / (w * w).sum(axis=1, keepdims=True)  # each line's point nearest 0
    half = 2.0 * np.abs(np.vstack([crossings, feet])).max()  # every line and crossing well inside
    result = regions_2d(one_layer(w, b), (-half, half, -half, half))
    assert len(result) == sum(math.comb(n_units, j) for j in range(3))
    assert result.self_check()["ok"]


@pytest.mark.parametrize("activation, seed", [("relu", 0), ("relu", 1), ("hardtanh", 2)])
def test_sampled_grid_patterns_never_exceed_the_exact_count(activation, seed):
    net = random_mlp(2, [10, 10], activation=activation, sigma_w=2.0, sigma_b=0.5, seed=seed)
    grid = np.linspace(-1.0, 1.0, 301)
    s, t = np.meshgrid(grid, grid)
    sampled = activation_pattern(net, np.column_stack([s.ravel(), t.ravel()]))
    exact = regions_2d(net, SQUARE)
    distinct = np.unique(sampled, axis=0)
    assert len(distinct) <= len(exact)
    # every sampled pattern is one of the exact regions' patterns
    assert {p.tobytes() for p in distinct} <= {p.tobytes() for p in exact.patterns}


def test_sampled_grid_finds_every_region_of_a_coarse_net():
    net = one_layer([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, -2.0]], [0.1, -0.2, 0.3, 0.25])
    grid = np.linspace(-1.0, 1.0, 201)
    s, t = np.meshgrid(grid, grid)
    sampled = activation_pattern(net, np.column_stack([s.ravel(), t.ravel()]))
    # four lines in general position, all six crossings inside the box: 1 + 4 + 6 regions,
    # the smallest of area 0.0156, wide enough for a grid of spacing 0.01
    assert len(np.unique(sampled, axis=0)) == count_regions_2d(net, SQUARE) == 11


def test_count_regions_2d_is_unchanged_by_positive_rescaling_of_a_unit():
    net = random_mlp(2, [8, 8], sigma_b=0.5, seed=5)
    before = count_regions_2d(net, SQUARE)
    with torch.no_grad():
        net[0].weight[3] *= 7.5
        net[0].bias[3] *= 7.5
        net[2].weight[:, 3] /= 7.5
    assert count_regions_2d(net, SQUARE) == before


# ----------------------------------------------------------------------------- linear pieces


@pytest.mark.parametrize(
    "net, regions, pieces",
    [
        # s's unit feeds the output with weight 0: crossing s = 0 changes nothing
        (one_layer([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0], readout=[[0.0, 1.0]]), 4, 2),
        # relu(s) - relu(s) = 0 everywhere: two regions (duplicated units), one piece
        (one_layer([[1.0, 0.0], [1.0, 0.0]], [0.0, 0.0], readout=[[1.0, -1.0]]), 2, 1),
        # relu(s) - relu(s + 1/2): maps 0 | -(s + 1/2) | -1/2, all different
        (one_layer([[1.0, 0.0], [1.0, 0.0]], [0.0, 0.5], readout=[[1.0, -1.0]]), 3, 3),
        # hard-tanh saturated at both ends: constants -1 and +1 differ, so 3 pieces
        (hardtanh_net([[2.0, 0.0]], [0.0], -1.0, 1.0), 3, 3),
        # every unit's output weight is zero: the output is 0, one piece
        (one_layer([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [0.0, 0.1, 0.2], readout=[[0.0, 0.0, 0.0]]), 7, 1),
        (one_layer([[1.0, 0.0]], [0.0]), 2, 2),
    ],
)
def test_count_pieces_merges_neighbours_with_identical_maps(net, regions, pieces):
    result = regions_2d(net, SQUARE)
    assert len(result) == regions
    assert result.count_pieces() == pieces


def test_count_pieces_never_merges_regions_touching_at_a_point():
    # relu(s + t) - relu(s) - relu(t) is 0 on the quadrants s, t > 0 and s, t < 0, which touch
    # only at the origin; the other four sectors have maps s, -t, t, -s
    net = one_layer([[1.0, 1.0], [1.0, 0.0], [0.0, 1.0]], [0.0] * 3, readout=[[1.0, -1.0, -1.0]])
    result = regions_2d(net, SQUARE)
    assert len(result) == 6
    assert result.count_pieces() == 6
    net = one_layer([[1.0, -1.0], [1.0, 1.0]], [0.0, 0.0], readout=[[0.0, 0.0]])
    assert regions_2d(net, SQUARE).count_pieces() == 1  # all four share the zero map and edges


# ----------------------------------------------------------------------------- errors


TWO_IN = one_layer([[1.0, 0.0]], [0.0])
THREE_IN = random_mlp(3, [4], seed=0)


@pytest.mark.parametrize(
    "box",
    [(1.0, -1.0, -1.0, 1.0), (0.0, 0.0, -1.0, 1.0), (-1.0, 1.0, 2.0, 2.0), (-1, 1, -1), (-1, 1, -1, 1, 0)],
)
def test_regions_2d_rejects_empty_inverted_or_misshapen_box(box):
    message = r"box must be \(smin, smax, tmin, tmax\) with smin < smax and tmin < tmax, got"
    with pytest.raises(ValueError, match=message):
        regions_2d(TWO_IN, box)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_regions_2d_rejects_non_finite_box(bad):
    with pytest.raises(ValueError, match="box must be .*all four must be finite"):
        count_regions_2d(TWO_IN, (-1.0, 1.0, bad, 1.0))


def test_regions_2d_rejects_non_numeric_box():
    with pytest.raises(TypeError, match="box must be"):
        regions_2d(TWO_IN, ("a", "b", "c", "d"))


@pytest.mark.parametrize(
    "kwargs, given",
    [
        ({"origin": [0, 0, 0]}, "origin"),
        ({"u": [1, 0, 0], "v": [0, 1, 0]}, "u, v"),
        ({"origin": [0, 0, 0], "v": [0, 1, 0]}, "origin, v"),
    ],
)
def test_regions_2d_rejects_partial_slice(kwargs, given):
    with pytest.raises(ValueError, match=f"origin, u and v must be given together .* got only {given}"):
        regions_2d(THREE_IN, SQUARE, **kwargs)


def test_regions_2d_needs_a_slice_for_other_input_dimensions():
    with pytest.raises(ValueError, match="net has 3 inputs.*pass origin, u and v"):
        regions_2d(THREE_IN, SQUARE)
    assert count_regions_2d(THREE_IN, SQUARE, origin=[0, 0, 0], u=[1, 0, 0], v=[0, 1, 0]) >= 1


@pytest.mark.parametrize(
    "name, kwargs, match",
    [
        ("origin", {"origin": [0, 0], "u": [1, 0, 0], "v": [0, 1, 0]}, r"origin must be .* length 3 .* shape \(2,\)"),
        ("u", {"origin": [0, 0, 0], "u": [[1, 0, 0]], "v": [0, 1, 0]}, r"u must be .* length 3 .* shape \(1, 3\)"),
        ("v", {"origin": [0, 0, 0], "u": [1, 0, 0], "v": [0, np.nan, 0]}, r"v must be finite; it contains NaN"),
        ("origin", {"origin": [0, 0, np.inf], "u": [1, 0, 0], "v": [0, 1, 0]}, r"origin must be finite"),
        ("uv", {"origin": [0, 0, 0], "u": [1, 2, 3], "v": [2, 4, 6]}, r"must be linearly independent, got u = \[1.0"),
        ("uv", {"origin": [0, 0, 0], "u": [0, 0, 0], "v": [0, 1, 0]}, r"u and v must be linearly independent"),
    ],
)
def test_regions_2d_rejects_bad_slice_vectors(name, kwargs, match):
    with pytest.raises(ValueError, match=match):
        regions_2d(THREE_IN, SQUARE, **kwargs)


def test_regions_2d_rejects_non_numeric_slice_and_non_networks():
    with pytest.raises(TypeError, match="u must be an array of numbers, got dict"):
        regions_2d(THREE_IN, SQUARE, origin=[0, 0, 0], u={}, v=[0, 1, 0])
    with pytest.raises(TypeError, match="net must be a torch.nn.Sequential"):
        regions_2d(nn.Linear(2, 1), SQUARE)


def test_regions_2d_rejects_a_net_that_overflows_on_the_box():
    net = from_weights([np.full((2, 2), 1e300), np.full((2, 2), 1e300), np.ones((1, 2))], [None, None, None])
    with pytest.raises(ValueError, match="net overflows float64 on this box"):
        regions_2d(net, SQUARE)


def test_polygon_index_validation():
    result = regions_2d(TWO_IN, SQUARE)
    with pytest.raises(ValueError, match=r"i must be in \[0, 2\)"):
        result.polygon(2)
    with pytest.raises(TypeError, match="i must be an int, got 0.5"):
        result.polygon(0.5)


# --------------------------------------------------------------------------------------------------
# the memory budget: a clear error before a slice with millions of regions exhausts memory (issue 7)

# Montufar's folding net with widths [8] * 5 folds [0, 1]^2 onto itself 4**8 times, with 37
# regions of the last layer's arrangement in every fold: 2.4 million regions on the unit square.
MILLIONS = montufar_net(2, [8] * 5)
UNIT_SQUARE = (0.0, 1.0, 0.0, 1.0)


def test_regions_2d_refuses_millions_of_regions_with_estimate_and_what_to_shrink():
    # the default budget would also refuse, but only after ~750 000 regions (seconds, ~0.8 GB)
    with pytest.raises(RegionBudgetError) as info:
        count_regions_2d(MILLIONS, UNIT_SQUARE, memory_budget=50e6)
    message = str(info.value)
    assert message.startswith("regions_2d refused before running out of memory: the box (0.0, 1.0, 0.0, 1.0)")
    assert "an estimated 1,048,576 by the end (growing x16 per layer)" in message
    assert "memory_budget=50000000 (47.7 MiB)" in message
    assert "Shrink the box, or the net's depth or width, or raise memory_budget (None: no limit)." in message
    assert isinstance(info.value, ValueError) and info.value.estimate > 1e6


def test_regions_2d_refuses_when_the_count_itself_passes_the_budget():
    # 1180 regions, room for about 100: refused on the count reached, within the last layer
    net = load_npz(BENCHMARKS / "relu_2in_32x32x32_seed0.npz")
    with pytest.raises(RegionBudgetError, match=r"the box \(-1.0, 1.0, -1.0, 1.0\) reaches \d+ regions in layer"):
        regions_2d(net, SQUARE, memory_budget=1e6)
    assert count_regions_2d(net, SQUARE, memory_budget=None) == 1180
    # a smaller box has fewer regions: what the message tells the student to try
    assert count_regions_2d(net, (0.0, 0.1, 0.0, 0.1), memory_budget=1e6) < 100


@pytest.mark.parametrize(
    "budget, error, message",
    [
        (0, ValueError, r"memory_budget must be a positive number of bytes \(or None for no limit\), got 0"),
        ("lots", TypeError, r"memory_budget must be a number of bytes or None, got 'lots'"),
    ],
)
def test_regions_2d_validates_the_memory_budget(budget, error, message):
    with pytest.raises(error, match=message):
        regions_2d(MILLIONS, UNIT_SQUARE, memory_budget=budget)
