"""Tests for exact 1-D region counting (exprlib.regions._line) and dense sampling (_sampled).

Hand-computed example tables (degenerate cases in the tables themselves), the sawtooth's 2**depth
regions, the shared 1-D fixture's exact count, agreement between the batched entry points
(lines, polylines) and single segments, exact arcs against fine samplings, rescaling invariance,
the size budgets (refusals with their estimate, exact streamed counts) and the error paths. Brute-force oracle and hypothesis properties over random nets live in
``test_regions_properties.py``; they are not repeated here.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

import exprlib.regions._line as line_module
import exprlib.regions._sampled as sampled_module
from exprlib.constructions import sawtooth as telgarsky_sawtooth
from exprlib.nets import as_numpy, from_weights, load_npz, random_mlp
from exprlib.regions import (
    DEFAULT_MAX_REGIONS,
    DEFAULT_MEMORY_BUDGET,
    RegionBudgetError,
    activation_pattern,
    breakpoints_1d,
    breakpoints_arc,
    breakpoints_polyline,
    count_pieces_1d,
    count_regions_1d,
    count_regions_arc,
    count_regions_lines,
    count_regions_polyline,
    count_regions_sampled,
)

from common import BENCHMARK_NETS as BENCHMARK_DIR
HARDTANH_FIXTURE = BENCHMARK_DIR / "hardtanh_100in_100x12_sw2-16_sb2-0.3_seed0.npz"


def net_of(weights, biases, activation=nn.ReLU):
    """A float64 net; ``activation`` is a module factory used after every hidden layer."""
    net = from_weights(weights, biases)
    for i in range(1, len(net), 2):
        net[i] = activation()
    return net


def sawtooth(depth: int) -> nn.Sequential:
    """Telgarsky's tent map composed ``depth`` times: 2**depth regions on [0, 1].

    Unit 1 of every layer after the first only touches zero (at the dyadic points), unit 2
    crosses 1/2; the breakpoints are all j / 2**depth.
    """
    weights = [[[1.0], [1.0]]] + [[[2.0, -4.0], [2.0, -4.0]]] * (depth - 1) + [[[2.0, -4.0]]]
    biases = [[0.0, -0.5]] * depth + [[0.0]]
    return from_weights(weights, biases)


def hardtanh(lo: float, hi: float):
    return lambda: nn.Hardtanh(lo, hi)


# --------------------------------------------------------------------------------------------------
# example tables: (net, start, end, breakpoints, pieces)

EXAMPLES = {
    # relu(x - 1/2) on [0, 1]
    "one_unit": (net_of([[[1.0]], [[1.0]]], [[-0.5], [0.0]]), [0.0], [1.0], [0.5], 2),
    # relu(x - 1/2) and relu(2x - 1) cross at the same t: one breakpoint, not two
    "coincident": (net_of([[[1.0], [2.0]], [[1.0, 1.0]]], [[-0.5, -1.0], [0.0]]), [0.0], [1.0], [0.5], 2),
    # 1/3 is not a float: x - 1/3 and 3x - 1 cross a few ulps apart and must still merge
    "coincident_inexact": (net_of([[[1.0], [3.0]], [[1.0, 1.0]]], [[-1 / 3, -1.0], [0.0]]), [0.0], [1.0], [1 / 3], 2),
    # a zero row (z = 0 everywhere: pattern 0 all along) next to relu(x - 1/2)
    "zero_row": (net_of([[[0.0], [1.0]], [[5.0, 1.0]]], [[0.0, -0.5], [0.0]]), [0.0], [1.0], [0.5], 2),
    # an all-zero layer after a crossing unit: the second layer sits on its threshold everywhere
    "zero_layer": (
        net_of([[[1.0]], [[0.0]], [[1.0]]], [[-0.5], [0.0], [0.0]]),
        [0.0],
        [1.0],
        [0.5],
        1,  # the zero layer cuts the output off: one linear piece
    ),
    # two copies of the same unit: one breakpoint
    "duplicated": (net_of([[[1.0], [1.0]], [[1.0, 2.0]]], [[-0.25, -0.25], [0.0]]), [0.0], [1.0], [0.25], 2),
    # duplicated units whose readouts cancel: the output is 0 everywhere, 2 regions but 1 piece
    "duplicated_cancel": (net_of([[[1.0], [1.0]], [[1.0, -1.0]]], [[-0.5, -0.5], [0.0]]), [0.0], [1.0], [0.5], 1),
    # bias-free, 2 inputs, segment through the origin: x, y, x + y cross at t = 1/2, x - y == 0
    "bias_free_origin": (
        net_of([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, -1.0]], [[1.0, 1.0, 1.0, 1.0]]], [None, None]),
        [-1.0, -1.0],
        [1.0, 1.0],
        [0.5],
        2,
    ),
    # crossings exactly at the ends are no breakpoints: relu(x) on [0, 1], relu(x - 1) on [0, 1]
    "break_at_start": (net_of([[[1.0]], [[1.0]]], [[0.0], [0.0]]), [0.0], [1.0], [], 1),
    "break_at_end": (net_of([[[1.0]], [[1.0]]], [[-1.0], [0.0]]), [0.0], [1.0], [], 1),
    # relu(x) then relu(z) again on [-1, 1]: layer 2 sits on its threshold over the whole left half
    "touch_deeper": (net_of([[[1.0]], [[1.0]], [[1.0]]], [[0.0], [0.0], [0.0]]), [-1.0], [1.0], [0.5], 2),
    # hard-tanh(-0.5, 2)(x) on [-1, 3]: saturated, linear, saturated
    "hardtanh_custom": (
        net_of([[[1.0]], [[1.0]]], [[0.0], [0.0]], hardtanh(-0.5, 2.0)),
        [-1.0],
        [3.0],
        [0.125, 0.75],
        3,
    ),
    # hard-tanh(4x - 2) on [0, 1] from below lo to above hi: two crossings in one first interval
    "hardtanh_both_limits": (net_of([[[4.0]], [[1.0]]], [[-2.0], [0.0]], nn.Hardtanh), [0.0], [1.0], [0.25, 0.75], 3),
    # hard-tanh(x) then hard-tanh(3 h): layer 2 saturates inside layer 1's linear part
    "hardtanh_deeper": (
        net_of([[[1.0]], [[3.0]], [[1.0]]], [[0.0], [0.0], [0.0]], nn.Hardtanh),
        [-2.0],
        [2.0],
        [0.25, 5 / 12, 7 / 12, 0.75],  # layer 1 at x = -+1, layer 2 (3x = -+1) at x = -+1/3
        3,  # for |x| > 1/3 the output is constant -+1 although layer 1 still changes at |x| = 1
    ),
    # readouts 0.1 + 0.2 - 0.3 of three copies cancel up to rounding (~6e-17): 1 linear piece
    "cancel_up_to_rounding": (
        net_of([[[1.0], [1.0], [1.0]], [[0.1, 0.2, -0.3]]], [[-0.5, -0.5, -0.5], [0.0]]),
        [0.0],
        [1.0],
        [0.5],
        1,
    ),
    # a tiny genuine region, 1e-12 long, is kept (no absolute size filter)
    "tiny_region": (
        net_of([[[1.0], [1.0]], [[1.0, 1.0]]], [[-0.5, -0.5 - 1e-12], [0.0]]),
        [0.0],
        [1.0],
        [0.5, 0.5 + 1e-12],
        3,
    ),
    # a linear model: no hidden layer, one region
    "no_hidden_layer": (from_weights([[[2.0, -1.0]]], [[0.5]]), [0.0, 0.0], [1.0, 3.0], [], 1),
}


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_breakpoints_1d_examples(name):
    net, start, end, expected, _ = EXAMPLES[name]
    found = breakpoints_1d(net, start, end)
    assert found.dtype == np.float64
    np.testing.assert_allclose(found, expected, rtol=0, atol=1e-15)
    assert count_regions_1d(net, start, end) == len(expected) + 1


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_count_pieces_1d_examples(name):
    net, start, end, breakpoints, pieces = EXAMPLES[name]
    assert count_pieces_1d(net, start, end) == pieces
    assert pieces <= len(breakpoints) + 1


def test_breakpoints_1d_is_symmetric_under_reversal():
    net, start, end, expected, _ = EXAMPLES["hardtanh_custom"]
    np.testing.assert_allclose(breakpoints_1d(net, end, start), 1 - np.array(expected[::-1]), atol=1e-15)


@pytest.mark.parametrize("depth", range(1, 11))
def test_sawtooth_has_2_to_the_depth_regions(depth):
    net = sawtooth(depth)
    n = 2**depth
    found = breakpoints_1d(net, [0.0], [1.0])
    # dyadic weights: every crossing is computed exactly
    np.testing.assert_array_equal(found, np.arange(1, n) / n)
    assert count_regions_1d(net, [0.0], [1.0]) == n
    assert count_pieces_1d(net, [0.0], [1.0]) == n  # slopes alternate +-2**depth


def test_sawtooth_beyond_the_unit_interval():
    # Left of 0 layer 1 is off; right of 1 it is on but the tent 2 - 2x is negative, so layer 2
    # is off: one more region on each side, and x = 0, x = 1 become breakpoints.
    net = sawtooth(3)
    assert count_regions_1d(net, [-1.0], [2.0]) == 8 + 2


def test_bias_free_relu_net_is_constant_on_rays():
    # A bias-free ReLU net is positively homogeneous: along -v -> v the pattern can change only
    # at the origin, however deep the net.
    rng = np.random.default_rng(3)
    weights = [rng.normal(size=(8, 3))] + [rng.normal(size=(8, 8)) for _ in range(5)] + [rng.normal(size=(1, 8))]
    net = from_weights(weights, [None] * len(weights))
    v = rng.normal(size=3)
    np.testing.assert_allclose(breakpoints_1d(net, -v, v), [0.5], atol=1e-15)
    assert count_regions_1d(net, v, 3 * v) == 1


@pytest.mark.slow
def test_hardtanh_fixture_exact_count():
    # Speed is measured by benchmarks/regions.py, never asserted in tests.
    net = load_npz(HARDTANH_FIXTURE, "hardtanh")
    with np.load(HARDTANH_FIXTURE) as data:
        start, end = data["start"], data["end"]
    found = breakpoints_1d(net, start, end)
    assert len(found) + 1 == 117_453  # benchmarks/nets/README.md
    assert np.all(np.diff(found) > 0) and found[0] > 0 and found[-1] < 1


# --------------------------------------------------------------------------------------------------
# regions >= pieces; rescaling invariance


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("activation", ["relu", "hardtanh"])
def test_pieces_never_exceed_regions(seed, activation):
    rng = np.random.default_rng(seed)
    net = random_mlp(3, [12, 12, 12], activation=activation, sigma_w=3.0, sigma_b=0.5, seed=seed)
    start, end = rng.normal(size=3), rng.normal(size=3)
    regions = count_regions_1d(net, start, end)
    assert 1 <= count_pieces_1d(net, start, end) <= regions


def test_pieces_merge_regions_behind_saturated_units():
    # relu(x), relu(x - 1/2), then hard-tanh(0, 1/4) of their sum: layer 2 saturates at x = 1/4,
    # so layer 1's change at x = 1/2 is a region boundary that does not reach the output.
    net = nn.Sequential(nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 1), nn.Hardtanh(0.0, 0.25), nn.Linear(1, 1))
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor([[1.0], [1.0]]))
        net[0].bias.copy_(torch.tensor([0.0, -0.5]))
        net[2].weight.copy_(torch.tensor([[1.0, 1.0]]))
        net[2].bias.zero_()
        net[4].weight.fill_(1.0)
        net[4].bias.zero_()
    net = net.double()
    np.testing.assert_allclose(breakpoints_1d(net, [0.0], [1.0]), [0.25, 0.5], atol=1e-15)
    assert count_pieces_1d(net, [0.0], [1.0]) == 2


def _rescale(net: nn.Sequential, layer: int, unit: int, factor: float) -> nn.Sequential:
    """Multiply one hidden ReLU unit's incoming weights and bias by factor, its outgoing by 1/factor."""
    mlp = as_numpy(net)
    weights = [w.copy() for w in mlp.weights]
    biases = [b.copy() for b in mlp.biases]
    weights[layer][unit] *= factor
    biases[layer][unit] *= factor
    weights[layer + 1][:, unit] /= factor
    return from_weights(weights, biases)


@pytest.mark.parametrize("factor", [1e-3, 0.5, 7.0, 1e4])
def test_counts_are_invariant_under_positive_rescaling(factor):
    rng = np.random.default_rng(11)
    net = random_mlp(2, [10, 10, 10], sigma_b=0.3, seed=5)
    start, end = rng.normal(size=2), rng.normal(size=2)
    scaled = _rescale(_rescale(net, 0, 3, factor), 1, 7, 1 / factor)
    assert count_regions_1d(scaled, start, end) == count_regions_1d(net, start, end)
    assert count_pieces_1d(scaled, start, end) == count_pieces_1d(net, start, end)
    np.testing.assert_allclose(breakpoints_1d(scaled, start, end), breakpoints_1d(net, start, end), atol=1e-12)


@settings(derandomize=True, max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    layer=st.integers(0, 2),
    unit=st.integers(0, 7),
    log_factor=st.floats(-6.0, 6.0),
)
def test_rescaling_invariance_property(seed, layer, unit, log_factor):
    rng = np.random.default_rng(seed)
    net = random_mlp(3, [8, 8, 8], sigma_w=2.0, sigma_b=0.5, seed=seed)
    start, end = rng.normal(size=3), rng.normal(size=3)
    scaled = _rescale(net, layer, unit, 10.0**log_factor)
    assert count_regions_1d(scaled, start, end) == count_regions_1d(net, start, end)


# --------------------------------------------------------------------------------------------------
# batches of lines and polylines agree with single segments


@pytest.mark.parametrize("activation", ["relu", "hardtanh"])
def test_count_regions_lines_matches_single_segments(activation):
    rng = np.random.default_rng(2)
    net = random_mlp(4, [16, 16, 16], activation=activation, sigma_w=2.5, sigma_b=0.3, seed=2)
    starts, ends = rng.normal(size=(30, 4)), rng.normal(size=(30, 4))
    starts[0], ends[0] = 1e-6 * starts[0], 1e-6 * ends[0]  # a short line near the origin ...
    starts[1], ends[1] = 1e3 * starts[1], 1e3 * ends[1]  # ... batched with a long one
    counts = count_regions_lines(net, starts, ends)
    assert counts.dtype == np.int64 and counts.shape == (30,)
    assert counts.tolist() == [count_regions_1d(net, a, b) for a, b in zip(starts, ends)]


def test_count_regions_lines_is_independent_of_chunking(monkeypatch):
    rng = np.random.default_rng(4)
    net = random_mlp(3, [20, 20], activation="hardtanh", sigma_w=4.0, seed=4)
    starts, ends = rng.normal(size=(40, 3)), rng.normal(size=(40, 3))
    whole = count_regions_lines(net, starts, ends)
    monkeypatch.setattr(line_module, "_CHUNK_ENTRIES", 50)  # a chunk of a line or two at a time
    np.testing.assert_array_equal(count_regions_lines(net, starts, ends), whole)


def test_count_regions_lines_examples():
    net, *_ = EXAMPLES["hardtanh_custom"]
    counts = count_regions_lines(net, [[-1.0], [0.0], [5.0], [3.0]], [[3.0], [1.0], [6.0], [-1.0]])
    np.testing.assert_array_equal(counts, [3, 1, 1, 3])
    assert count_regions_lines(net, np.zeros((0, 1)), np.zeros((0, 1))).shape == (0,)


@pytest.mark.parametrize("activation", ["relu", "hardtanh"])
def test_polyline_matches_single_segments(activation):
    rng = np.random.default_rng(5)
    net = random_mlp(3, [12, 12, 12], activation=activation, sigma_w=2.5, sigma_b=0.3, seed=5)
    points = rng.normal(size=(25, 3))
    segment, t = breakpoints_polyline(net, points)
    assert segment.dtype == np.int64 and t.dtype == np.float64
    for k in range(len(points) - 1):
        single = breakpoints_1d(net, points[k], points[k + 1])
        np.testing.assert_allclose(t[(segment == k) & (t > 0)], single, atol=1e-12)
    # random vertices lie on no boundary, so the path has exactly the segments' breakpoints
    assert not np.any(t == 0)
    assert count_regions_polyline(net, points) == 1 + sum(
        len(breakpoints_1d(net, a, b)) for a, b in zip(points[:-1], points[1:])
    )


def test_polyline_vertices():
    net = EXAMPLES["one_unit"][0]  # relu(x - 1/2)
    # a vertex on the boundary is reported once, as (k, 0.0)
    segment, t = breakpoints_polyline(net, [[0.0], [0.5], [1.0]])
    assert segment.tolist() == [1] and t.tolist() == [0.0]
    # a vertex where the path turns back without crossing is no boundary ...
    assert count_regions_polyline(net, [[0.0], [0.25], [0.0]]) == 1
    # ... a vertex on the boundary where the path turns back is no boundary either (touch)
    assert count_regions_polyline(net, [[0.0], [0.5], [0.0]]) == 1
    # collinear vertices: the same count as the single segment
    assert count_regions_polyline(net, [[0.0], [0.3], [0.7], [1.0]]) == count_regions_1d(net, [0.0], [1.0]) == 2
    # crossing out and back in
    assert count_regions_polyline(net, [[0.0], [1.0], [0.0]]) == 3


def test_polyline_is_independent_of_chunking(monkeypatch):
    rng = np.random.default_rng(6)
    net = random_mlp(2, [16, 16], sigma_b=0.3, seed=6)
    points = rng.normal(size=(60, 2))
    points[20] = points[19] + np.array([1e-3, 0.0])  # short segments across chunk edges
    grid = sawtooth(3)
    whole = breakpoints_polyline(net, points)
    vertex_path = [[0.0], [0.25], [0.5], [0.625], [1.0]]  # vertices on sawtooth breakpoints
    whole_vertex = breakpoints_polyline(grid, vertex_path)
    monkeypatch.setattr(line_module, "_CHUNK_ENTRIES", 40)
    chunked = breakpoints_polyline(net, points)
    np.testing.assert_array_equal(chunked[0], whole[0])
    np.testing.assert_allclose(chunked[1], whole[1], atol=1e-12)
    chunked_vertex = breakpoints_polyline(grid, vertex_path)
    np.testing.assert_array_equal(chunked_vertex[0], whole_vertex[0])
    np.testing.assert_array_equal(chunked_vertex[1], whole_vertex[1])
    # the 7 breakpoints j/8 of the sawtooth, three of them on vertices
    assert whole_vertex[0].tolist() == [0, 1, 1, 2, 3, 3, 3]
    np.testing.assert_allclose(whole_vertex[1], [0.5, 0.0, 0.5, 0.0, 0.0, 1 / 3, 2 / 3], atol=1e-15)


# --------------------------------------------------------------------------------------------------
# exact circular arcs


def test_arc_two_roots_in_one_interval():
    # relu(x + y - 1.2) on the unit quarter circle: positive between two roots, both inside
    # the first (only) interval, pi/4 -+ arccos(1.2 / sqrt 2).
    net = net_of([[[1.0, 1.0]], [[1.0]]], [[-1.2], [0.0]])
    half = math.acos(1.2 / math.sqrt(2))
    expected = [np.pi / 4 - half, np.pi / 4 + half]
    np.testing.assert_allclose(breakpoints_arc(net, [1.0, 0.0], [0.0, 1.0]), expected, rtol=1e-14)
    assert count_regions_arc(net, [1.0, 0.0], [0.0, 1.0]) == 3


def test_arc_coincident_roots_merge():
    # multiples of x - 1/2 (half of them switching on, half off) all cross at theta = pi/3; their
    # closed-form roots differ in the last bits and must still give one breakpoint
    scales = [1.0, -2.0, 3.0, -0.7, 1.3, -5.0, 0.1, -1.7]
    net = net_of([[[c, 0.0] for c in scales], [[1.0] * len(scales)]], [[-0.5 * c for c in scales], [0.0]])
    np.testing.assert_allclose(breakpoints_arc(net, [1.0, 0.0], [0.0, 1.0]), [np.pi / 3], rtol=1e-14)


def test_arc_tangent_touch_is_no_breakpoint():
    # (x + y) / sqrt 2 - 1 reaches 0 at theta = pi/4 only: it touches the threshold
    s = 1 / math.sqrt(2)
    net = net_of([[[s, s]], [[1.0]]], [[-1.0], [0.0]])
    assert breakpoints_arc(net, [1.0, 0.0], [0.0, 1.0]).size == 0


@pytest.mark.parametrize(
    "weights, biases, activation, x0, x1, expected",
    [
        # x = 1/2 at pi/3 and y = 1/2 at pi/6
        (
            [[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]],
            [[-0.5, -0.5], [0.0]],
            nn.ReLU,
            [1.0, 0.0],
            [0.0, 1.0],
            [np.pi / 6, np.pi / 3],
        ),
        # hard-tanh(2x): x = 1/2 at pi/3; x = -1/2 never on the quarter circle
        ([[[2.0, 0.0]], [[1.0]]], [[0.0], [0.0]], nn.Hardtanh, [1.0, 0.0], [0.0, 1.0], [np.pi / 3]),
        # an ellipse arc (x0, x1 neither orthogonal nor unit): x = 2 cos + sin - 2 = 0 at atan(4/3)
        ([[[1.0, 0.0]], [[1.0]]], [[-2.0], [0.0]], nn.ReLU, [2.0, 0.0], [1.0, 3.0], [math.atan2(4, 3)]),
        # a zero row and a unit that crosses exactly at the start
        ([[[0.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]], nn.ReLU, [1.0, 0.0], [0.0, 1.0], []),
    ],
)
def test_breakpoints_arc_examples(weights, biases, activation, x0, x1, expected):
    net = net_of(weights, biases, activation)
    np.testing.assert_allclose(breakpoints_arc(net, x0, x1), expected, rtol=1e-14, atol=1e-15)
    assert count_regions_arc(net, x0, x1) == len(expected) + 1


def _arc_points(x0: np.ndarray, x1: np.ndarray, n: int) -> np.ndarray:
    theta = np.linspace(0.0, np.pi / 2, n)
    return np.cos(theta)[:, None] * x0 + np.sin(theta)[:, None] * x1


@pytest.mark.parametrize("seed", range(8))
def test_arc_against_fine_samplings(seed):
    rng = np.random.default_rng(seed)
    activation = ("relu", "hardtanh")[seed % 2]
    net = random_mlp(3, [10, 10, 10], activation=activation, sigma_w=2.5, sigma_b=0.5, seed=seed)
    x0, x1 = rng.normal(size=3), rng.normal(size=3)
    exact = count_regions_arc(net, x0, x1)
    # pattern changes between 20 001 samples on the arc: a lower bound, equal on a coarse net
    patterns = activation_pattern(net, _arc_points(x0, x1, 20_001))
    sampled = 1 + int((patterns[1:] != patterns[:-1]).any(axis=1).sum())
    assert exact >= sampled
    assert exact == sampled
    # the inscribed polygon with 2 001 vertices crosses the same boundaries
    assert count_regions_polyline(net, _arc_points(x0, x1, 2_001)) == exact


def test_arc_on_a_deep_chaotic_net_bounds_the_sampled_count():
    rng = np.random.default_rng(0)
    net = random_mlp(20, [40] * 6, activation="hardtanh", sigma_w=4.0, sigma_b=0.5, seed=0)
    x0, x1 = rng.normal(size=20), rng.normal(size=20)
    theta = breakpoints_arc(net, x0, x1)
    assert np.all(np.diff(theta) > 0) and theta[0] > 0 and theta[-1] < np.pi / 2
    patterns = activation_pattern(net, _arc_points(x0, x1, 20_001))
    changes = np.flatnonzero((patterns[1:] != patterns[:-1]).any(axis=1))
    assert len(theta) >= len(changes) > 100
    # every change seen between two samples has an exact breakpoint between them
    samples = np.linspace(0.0, np.pi / 2, 20_001)
    first_after = np.searchsorted(theta, samples[changes])
    assert np.all(first_after < len(theta)) and np.all(theta[first_after] <= samples[changes + 1])


# --------------------------------------------------------------------------------------------------
# dense sampling


@pytest.mark.parametrize("seed", range(6))
def test_sampled_count_is_a_lower_bound(seed):
    rng = np.random.default_rng(seed)
    net = random_mlp(2, [16, 16, 16], activation=("relu", "hardtanh")[seed % 2], sigma_w=3.0, sigma_b=0.5, seed=seed)
    start, end = rng.normal(size=2), rng.normal(size=2)
    exact = count_regions_1d(net, start, end)
    coarse = count_regions_sampled(net, start, end, n_samples=50)
    fine = count_regions_sampled(net, start, end, n_samples=200_000)
    assert coarse <= fine <= exact
    assert fine == exact  # 200 000 samples resolve every region of this small net


def test_sampled_counts_examples():
    net, *_ = EXAMPLES["hardtanh_custom"]  # breaks at t = 1/8 and 3/4 on [-1, 3]
    assert count_regions_sampled(net, [-1.0], [3.0], n_samples=6) == 3  # t = 0, 0.2, ..., 1
    # a sample exactly on the break at t = 3/4 is not trusted: the count stays a lower bound
    assert count_regions_sampled(net, [-1.0], [3.0], n_samples=5) == 2  # t = 0, 1/4, 1/2, 3/4, 1
    assert count_regions_sampled(net, [-1.0], [3.0], n_samples=2) == 2  # the middle region is missed
    quadrants = net_of([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    assert count_regions_sampled(quadrants, box=(-1, 1, -1, 1), resolution=2) == 4
    assert count_regions_sampled(quadrants, box=(0.1, 1, -1, 1), resolution=64) == 2


def test_sampled_2d_with_a_slice():
    # a 3-input net sliced by the plane x = (s, t, s + t): units x1, x2, x3 -> lines s = 0,
    # t = 0, s + t = 0: 6 regions in the box
    net = net_of([np.eye(3), [[1.0, 1.0, 1.0]]], [[0.0, 0.0, 0.0], [0.0]])
    origin, u, v = [0.0, 0.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0]
    assert count_regions_sampled(net, box=(-1, 1, -1, 1), origin=origin, u=u, v=v, resolution=64) == 6


def test_sampled_counts_are_independent_of_chunking(monkeypatch):
    rng = np.random.default_rng(8)
    net = random_mlp(2, [12, 12], activation="hardtanh", sigma_w=3.0, seed=8)
    start, end = rng.normal(size=2), rng.normal(size=2)
    one_d = count_regions_sampled(net, start, end, n_samples=5_000)
    two_d = count_regions_sampled(net, box=(-2, 2, -2, 2), resolution=100)
    monkeypatch.setattr(sampled_module, "_CHUNK_ENTRIES", 24 * 37)  # 37 samples per chunk
    assert count_regions_sampled(net, start, end, n_samples=5_000) == one_d
    assert count_regions_sampled(net, box=(-2, 2, -2, 2), resolution=100) == two_d


def test_sampled_2d_linear_model_has_one_region():
    assert count_regions_sampled(from_weights([[[1.0, 2.0]]], [[0.0]]), box=(-1, 1, -1, 1)) == 1


# --------------------------------------------------------------------------------------------------
# errors: valid twins first, then one bad element inside an array


NET2 = net_of([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])


def test_valid_inputs_accepted():
    assert count_regions_1d(NET2, (0.0, -1.0), np.array([1.0, 1.0])) == 2
    assert count_regions_1d(NET2, [-1, -1], [1, 1]) == 2  # ints are coerced to float64
    assert count_regions_arc(NET2, [1, 0], [0, 1]) == 1
    assert count_regions_polyline(NET2, [[-1, -1], [1, 1]]) == 2
    assert count_regions_sampled(NET2, [-1, -1], [1, 1], n_samples=2) == 2
    assert count_regions_sampled(NET2, box=[-1, 1, -1, 1], resolution=2) == 4


NET3 = net_of([np.eye(3), np.ones((1, 3))], [None, None])
BOX = (-1, 1, -1, 1)
NAN, INF = np.nan, np.inf

# (function, positional args, keyword args, error type, message pattern); one bad element inside
# an otherwise valid array wherever an array is checked.
INVALID = {
    "start_nan": (
        breakpoints_1d,
        (NET2, [0.0, NAN], [1.0, 1.0]),
        {},
        ValueError,
        r"start must be finite.*start\[1\] = nan",
    ),
    "end_inf": (breakpoints_1d, (NET2, [0.0, 0.0], [1.0, INF]), {}, ValueError, r"end must be finite"),
    "start_too_long": (breakpoints_1d, (NET2, [0.0, 1.0, 2.0], [1.0, 1.0]), {}, ValueError, r"length 2.*\(3,\)"),
    "start_2d": (
        breakpoints_1d,
        (NET2, [[0.0, 1.0]], [1.0, 1.0]),
        {},
        ValueError,
        r"start must be a 1-D array.*\(1, 2\)",
    ),
    "start_is_end": (breakpoints_1d, (NET2, [0.5, 0.5], [0.5, 0.5]), {}, ValueError, r"must differ.*\[0\.5, 0\.5\]"),
    "start_text": (breakpoints_1d, (NET2, ["a", "b"], [1.0, 1.0]), {}, TypeError, r"start must be an array of numbers"),
    "net_not_sequential": (breakpoints_1d, ("net", [0.0, 0.0], [1.0, 1.0]), {}, TypeError, r"torch.nn.Sequential"),
    "wrong_input_dim": (
        count_regions_1d,
        (NET2, [0.0], [1.0]),
        {},
        ValueError,
        r"start must be a 1-D array of length 2",
    ),
    "pieces_start_is_end": (
        count_pieces_1d,
        (NET2, [1.0, 2.0], [1.0, 2.0]),
        {},
        ValueError,
        r"start and end must differ",
    ),
    "arc_parallel": (
        breakpoints_arc,
        (NET2, [1.0, 2.0], [2.0, 4.0]),
        {},
        ValueError,
        r"x0 and x1 must be linearly independent",
    ),
    "arc_zero": (
        breakpoints_arc,
        (NET2, [0.0, 0.0], [0.0, 1.0]),
        {},
        ValueError,
        r"x0 and x1 must be linearly independent",
    ),
    "arc_nan": (count_regions_arc, (NET2, [1.0, NAN], [0.0, 1.0]), {}, ValueError, r"x0 must be finite"),
    "arc_wrong_dim": (
        count_regions_arc,
        (NET2, [1.0, 0.0], [0.0, 1.0, 0.0]),
        {},
        ValueError,
        r"x1 must be a 1-D array",
    ),
    "polyline_one_point": (
        breakpoints_polyline,
        (NET2, [[0.0, 0.0]]),
        {},
        ValueError,
        r"\(k, 2\) with k >= 2.*\(1, 2\)",
    ),
    "polyline_1d": (breakpoints_polyline, (NET2, [0.0, 0.0, 1.0]), {}, ValueError, r"points must have shape \(k, 2\)"),
    "polyline_repeat": (
        count_regions_polyline,
        (NET2, [[0.0, 0.0], [1.0, 1.0], [1.0, 1.0]]),
        {},
        ValueError,
        r"points\[1\] and points\[2\] must differ",
    ),
    "polyline_nan": (
        count_regions_polyline,
        (NET2, [[0.0, 0.0], [1.0, NAN], [2.0, 1.0]]),
        {},
        ValueError,
        r"points must be finite; row 1",
    ),
    "lines_shapes": (
        count_regions_lines,
        (NET2, [[0.0, 0.0]], [[1.0, 1.0], [2.0, 2.0]]),
        {},
        ValueError,
        r"starts and ends must have the same shape",
    ),
    "lines_start_is_end": (
        count_regions_lines,
        (NET2, [[0.0, 0.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]]),
        {},
        ValueError,
        r"starts\[1\] and ends\[1\] must differ",
    ),
    "lines_1d": (
        count_regions_lines,
        (NET2, [0.0, 0.0], [1.0, 1.0]),
        {},
        ValueError,
        r"starts must have shape \(k, 2\)",
    ),
    "lines_nan": (
        count_regions_lines,
        (NET2, [[0.0, 0.0], [NAN, 0.0]], [[1.0, 1.0], [1.0, 1.0]]),
        {},
        ValueError,
        r"starts must be finite; row 1",
    ),
    "n_samples_1": (
        count_regions_sampled,
        (NET2, [0, 0], [1, 1]),
        {"n_samples": 1},
        ValueError,
        r"n_samples must be >= 2, got 1",
    ),
    "n_samples_float": (
        count_regions_sampled,
        (NET2, [0, 0], [1, 1]),
        {"n_samples": 100.0},
        TypeError,
        r"n_samples must be an int",
    ),
    "n_samples_bool": (
        count_regions_sampled,
        (NET2, [0, 0], [1, 1]),
        {"n_samples": True},
        TypeError,
        r"n_samples must be an int",
    ),
    "resolution_1": (
        count_regions_sampled,
        (NET2,),
        {"box": BOX, "resolution": 1},
        ValueError,
        r"resolution must be >= 2, got 1",
    ),
    "no_mode": (count_regions_sampled, (NET2,), {}, ValueError, r"give start and end .* or box=.*got neither"),
    "both_modes": (count_regions_sampled, (NET2, [0, 0], [1, 1]), {"box": BOX}, ValueError, r"not both"),
    "end_missing": (
        count_regions_sampled,
        (NET2, [0.0, 0.0]),
        {},
        ValueError,
        r"needs both start and end; end is missing",
    ),
    "sampled_start_is_end": (
        count_regions_sampled,
        (NET2, [0, 0], [0, 0]),
        {},
        ValueError,
        r"start and end must differ",
    ),
    "sampled_nan": (count_regions_sampled, (NET2, [0, NAN], [1, 0]), {}, ValueError, r"start must be finite"),
    "slice_in_1d": (
        count_regions_sampled,
        (NET2, [0, 0], [1, 0]),
        {"u": [1, 0]},
        ValueError,
        r"belong to the 2-D mode",
    ),
    "box_short": (count_regions_sampled, (NET2,), {"box": (-1, 1, -1)}, ValueError, r"box must be four numbers"),
    "box_reversed": (
        count_regions_sampled,
        (NET2,),
        {"box": (1, -1, -1, 1)},
        ValueError,
        r"smin < smax.*\[1\.0, -1\.0",
    ),
    "box_nan": (count_regions_sampled, (NET2,), {"box": (-1, 1, -1, NAN)}, ValueError, r"box must be finite"),
    "slice_partial": (
        count_regions_sampled,
        (NET2,),
        {"box": BOX, "u": [1.0, 0.0], "v": [0.0, 1.0]},
        ValueError,
        r"given together.*got only u, v",
    ),
    "slice_dependent": (
        count_regions_sampled,
        (NET2,),
        {"box": BOX, "origin": [0, 0], "u": [1, 1], "v": [2, 2]},
        ValueError,
        r"u and v must be linearly independent",
    ),
    "slice_missing": (count_regions_sampled, (NET3,), {"box": BOX}, ValueError, r"needed to slice a 3-input network"),
    "slice_wrong_dim": (
        count_regions_sampled,
        (NET2,),
        {"box": BOX, "origin": [0, 0, 0], "u": [1, 0], "v": [0, 1]},
        ValueError,
        r"origin must be a 1-D array of length 2",
    ),
}


@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_inputs_raise(case):
    func, args, kwargs, error, message = INVALID[case]
    with pytest.raises(error, match=message):
        func(*args, **kwargs)


# --------------------------------------------------------------------------------------------------
# size budgets: a clear error (or a streamed count), never a dead kernel (issue 7)

ZERO, ONE = np.array([0.0]), np.array([1.0])


def test_budget_defaults_fit_a_student_laptop():
    assert DEFAULT_MEMORY_BUDGET == 2 * 2**30
    assert DEFAULT_MAX_REGIONS == 10**7
    assert issubclass(RegionBudgetError, ValueError)
    exact = (breakpoints_1d, count_regions_1d, count_pieces_1d, breakpoints_arc, count_regions_arc)
    batched = (breakpoints_polyline, count_regions_polyline, count_regions_lines)
    for func in exact + batched:
        assert "memory_budget" in func.__doc__ and "RegionBudgetError" in func.__doc__


def test_count_regions_1d_refuses_sawtooth_30_at_once_with_the_estimate():
    # issue 7: 2**30 ~ 1.1e9 regions used to be killed for memory. The growth (x2 per layer) is
    # seen by layer 12, long before any large array exists.
    with pytest.raises(RegionBudgetError) as info:
        count_regions_1d(telgarsky_sawtooth(30), ZERO, ONE)
    message = str(info.value)
    assert "an estimated 1.1e+09" in message and "growing x2 per layer" in message
    assert "Shrink the segment (start, end), or the net's depth or width" in message
    assert "max_regions=10,000,000" in message and "raise max_regions" in message
    assert info.value.reached < 10_000 and info.value.estimate == pytest.approx(2**30, rel=0.01)


def test_breakpoints_1d_refuses_sawtooth_30_beyond_the_memory_budget():
    with pytest.raises(RegionBudgetError, match=r"memory_budget=2147483648 \(2 GiB\)") as info:
        breakpoints_1d(telgarsky_sawtooth(30), ZERO, ONE)
    message = str(info.value)
    assert "GiB" in message and "start, end" in message and "depth or width" in message
    assert "count_regions_1d streams the segment in pieces" in message


def test_refusal_names_the_count_reached_when_the_estimate_is_low():
    # a budget below what even one layer needs: the hard limit, not the extrapolation, refuses
    net = random_mlp(1, [16, 16], sigma_b=1.0, seed=0)
    with pytest.raises(RegionBudgetError, match=r"the segment reaches \d+ breakpoints in layer 1 of 2"):
        breakpoints_1d(net, [-3.0], [3.0], memory_budget=100)
    with pytest.raises(RegionBudgetError, match=r"memory_budget=100 \(100 B\)"):
        count_pieces_1d(net, [-3.0], [3.0], memory_budget=100)


@pytest.mark.parametrize("depth", [6, 11, 14])
def test_count_regions_1d_streams_exactly_beyond_the_memory_budget(depth):
    net = telgarsky_sawtooth(depth)
    # budget of ~300 points: the segment is counted in many pieces, whose ends often sit on
    # the dyadic points where the sawtooth's units touch zero
    assert count_regions_1d(net, ZERO, ONE, memory_budget=100_000) == 2**depth
    # a budget of 1 byte: the first estimate (from layer 1 alone) is far too low, and the stream
    # re-cuts its pieces from the first run that overflows (runs of ~1000 points: slow for 2**14)
    if depth <= 11:
        assert count_regions_1d(net, ZERO, ONE, memory_budget=1) == 2**depth
    assert count_regions_1d(net, ZERO, ONE, memory_budget=None, max_regions=None) == 2**depth


def test_count_regions_1d_streams_random_nets_exactly():
    for seed in range(4):
        activation = "hardtanh" if seed % 2 else "relu"
        net = random_mlp(3, [12] * 5, activation=activation, sigma_w=3.0, sigma_b=0.5, seed=seed)
        start, end = np.array([-3.0, -2.0, -1.0]), np.array([3.0, 2.0, 1.5])
        assert count_regions_1d(net, start, end, memory_budget=1) == len(breakpoints_1d(net, start, end)) + 1


@pytest.mark.slow
def test_hardtanh_fixture_streamed_count_is_exact():
    net = load_npz(HARDTANH_FIXTURE, "hardtanh")
    with np.load(HARDTANH_FIXTURE) as data:
        start, end = data["start"], data["end"]
    # one pass would need ~590 MB by the budget's measure: 150 MB makes it stream in pieces
    assert count_regions_1d(net, start, end, memory_budget=150e6) == 117_453  # benchmarks/nets/README.md
    with pytest.raises(RegionBudgetError, match=r"breakpoints_1d refused .* memory_budget=150000000"):
        breakpoints_1d(net, start, end, memory_budget=150e6)


def test_count_regions_1d_refuses_a_stream_that_finds_more_than_max_regions():
    # 2**14 regions: too many for max_regions=5000, seen while streaming (the estimate from
    # growth fires only 4x over the limit)
    with pytest.raises(RegionBudgetError, match=r"max_regions=5,000"):
        count_regions_1d(telgarsky_sawtooth(14), ZERO, ONE, memory_budget=100_000, max_regions=5_000)
    assert count_regions_1d(telgarsky_sawtooth(12), ZERO, ONE, max_regions=5_000) == 4096


def test_batched_and_arc_forms_refuse_beyond_the_memory_budget():
    net = telgarsky_sawtooth(24)
    with pytest.raises(RegionBudgetError, match=r"polyline between points\[0\] and points\[2\].*Shrink the polyline"):
        count_regions_polyline(net, [[0.0], [1.0], [0.0]], memory_budget=1e6)
    with pytest.raises(RegionBudgetError, match=r"starts\[0:1\].*Shrink the segments \(starts, ends\)"):
        count_regions_lines(net, [[0.0]], [[1.0]], memory_budget=1e6)
    deep = random_mlp(2, [32] * 8, sigma_w=4.0, sigma_b=0.3, seed=0)
    with pytest.raises(RegionBudgetError, match=r"breakpoints_arc refused .* Shrink the arc \(x0, x1\)"):
        count_regions_arc(deep, [3.0, 0.0], [0.0, 3.0], memory_budget=1e5)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"memory_budget": 0}, ValueError, r"memory_budget must be a positive number of bytes .* got 0"),
        ({"memory_budget": -1.0}, ValueError, r"memory_budget must be a positive number of bytes"),
        ({"memory_budget": float("nan")}, ValueError, r"memory_budget must be a positive number of bytes"),
        ({"memory_budget": "2GB"}, TypeError, r"memory_budget must be a number of bytes or None, got '2GB'"),
        ({"memory_budget": True}, TypeError, r"memory_budget must be a number of bytes or None"),
        ({"max_regions": 0}, ValueError, r"max_regions must be >= 1 \(or None for no limit\), got 0"),
        ({"max_regions": 1e6}, TypeError, r"max_regions must be an int or None, got 1000000.0"),
    ],
)
def test_budget_arguments_are_validated(kwargs, error, message):
    with pytest.raises(error, match=message):
        count_regions_1d(telgarsky_sawtooth(2), ZERO, ONE, **kwargs)
