"""Tests for exprlib.constructions: each network matches its target at sampled points, has the
teeth its proof needs, and its EXACT region count meets the bound from exprlib.bounds (counted
by exprlib.regions and, for small nets, by the rational oracle in tests/brute.py)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from brute import split_2d, walk_1d
from common import sawtooth as canonical_sawtooth
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from exprlib import regions
from exprlib.bounds import montufar_lower, serra_1d_max, serra_upper, trivial_upper
from exprlib.constructions import montufar_net, relu_interpolant, sawtooth, serra_1d_net
from exprlib.nets import as_numpy

EPS = np.finfo(np.float64).eps
# Each tent composition doubles an incoming rounding error (slope 2) and adds a few ulps of
# its own, so after k layers the sawtooth differs from the numpy tent map by < 2^k * 8 eps.
SAWTOOTH_ULPS_PER_DOUBLING = 8.0
# relu_interpolant's output is a sum of n + 1 float64 terms: its rounding error is at most a
# small multiple of eps times n times the sum of the terms' magnitudes (no cancellation luck).
INTERPOLANT_ULPS = 64.0
# A grid offset by an irrational fraction of its step never puts two samples symmetrically
# around a tooth's tip, so consecutive samples are never exactly equal.
GRID_OFFSET = 2**-0.5


def _grid(n: int) -> np.ndarray:
    """n sample points in (0, 1), none at a dyadic or any other 'nice' point."""
    return (np.arange(n) + GRID_OFFSET) / n


def _raw(net: nn.Sequential) -> tuple[list, list, str]:
    mlp = as_numpy(net)
    return list(mlp.weights), list(mlp.biases), "relu"


def _monotone_runs(y: np.ndarray) -> list[np.ndarray]:
    """Split samples into maximal strictly monotone runs (neighbouring runs share their tip)."""
    steps = np.sign(np.diff(y))
    assert (steps != 0).all(), "a flat stretch: not a chain of monotone teeth"
    turns = np.flatnonzero(steps[1:] != steps[:-1]) + 1  # sample indices of the tips
    bounds = np.concatenate([[0], turns, [len(y) - 1]])
    return [y[a : b + 1] for a, b in zip(bounds[:-1], bounds[1:])]


def _assert_teeth_with_same_image(y: np.ndarray, teeth: int) -> None:
    """y (sampled along a line) is ``teeth`` monotone teeth that all have the same image.

    A sampled run's min/max miss the true ones by less than one grid step's change of y, so
    images are compared with that tolerance, and each image must be much wider than it.
    """
    runs = _monotone_runs(y)
    assert len(runs) == teeth
    step = np.abs(np.diff(y)).max()
    lows = np.array([r.min() for r in runs])
    highs = np.array([r.max() for r in runs])
    assert np.ptp(lows) <= step and np.ptp(highs) <= step
    assert (highs - lows > 10 * step).all()


# ----------------------------------------------------------------------------- structure


@pytest.mark.parametrize(
    ("net", "in_dim", "widths"),
    [
        (sawtooth(1), 1, (2,)),
        (sawtooth(5), 1, (2,) * 5),
        (montufar_net(2, [7, 3]), 2, (7, 3)),
        (montufar_net(1, [1]), 1, (1,)),
        (montufar_net(3, [10, 4, 3]), 3, (10, 4, 3)),
        (serra_1d_net([3, 5]), 1, (3, 5)),
        (relu_interpolant([0.0, 1.0], [2.0, 3.0]), 1, (1,)),
    ],
)
def test_constructions_are_float64_relu_nets(net, in_dim, widths):
    mlp = as_numpy(net)
    assert (mlp.in_dim, mlp.widths, mlp.out_dim) == (in_dim, widths, 1)
    assert all(act.kind == "relu" for act in mlp.activations)
    assert all(p.dtype == torch.float64 for p in net.parameters())


# ----------------------------------------------------------------------------- sawtooth


def tent(z: np.ndarray) -> np.ndarray:
    return np.maximum(2.0 * np.maximum(z, 0.0) - 4.0 * np.maximum(z - 0.5, 0.0), 0.0)


@pytest.mark.parametrize("depth", range(1, 11))
def test_sawtooth_equals_composed_tent_map(depth):
    x = np.concatenate([_grid(4001), np.arange(65) / 64])  # generic points and dyadic tips
    expected = x.copy()
    for _ in range(depth):
        expected = tent(expected)
    got = as_numpy(sawtooth(depth)).forward(x[:, None])[:, 0]
    np.testing.assert_allclose(got, expected, rtol=0, atol=2**depth * SAWTOOTH_ULPS_PER_DOUBLING * EPS)


@pytest.mark.parametrize("depth", [1, 2, 4, 7])
def test_sawtooth_has_2_to_the_k_teeth_onto_unit_interval(depth):
    y = as_numpy(sawtooth(depth)).forward(_grid(2**depth * 64)[:, None])[:, 0]
    _assert_teeth_with_same_image(y, 2**depth)
    step = np.abs(np.diff(y)).max()
    assert abs(y.min()) <= step and abs(y.max() - 1.0) <= step


@pytest.mark.parametrize("depth", [1, 3, 6])
def test_sawtooth_matches_the_canonical_test_net(depth):
    # tests/common.py writes the same net by hand (with hand-derived breakpoints)
    reference = canonical_sawtooth(depth)
    mlp = as_numpy(sawtooth(depth))
    for got, want in zip(mlp.weights, reference.weights):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(mlp.biases, reference.biases):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("depth", range(1, 11))
def test_sawtooth_has_exactly_2_to_the_k_regions(depth):
    net = sawtooth(depth)
    count = regions.count_regions_1d(net, [0.0], [1.0])
    assert count == 2**depth
    assert count <= serra_upper(1, [2] * depth) <= trivial_upper([2] * depth)


@pytest.mark.parametrize("depth", [1, 2, 5, 8])
def test_sawtooth_regions_oracle(depth):
    assert walk_1d(*_raw(sawtooth(depth)), [0.0], [1.0]).count == 2**depth


# ----------------------------------------------------------------------------- serra_1d_net

SERRA_WIDTHS = [[3], [4], [9], [3, 3], [3, 7], [5, 3, 4], [10, 6], [3, 3, 3, 3, 3], [4, 3, 5, 3], [40, 40, 40]]


@pytest.mark.parametrize("width", [3, 4, 7, 12])
def test_serra_layer_maps_unit_interval_onto_itself_in_n_plus_1_teeth(width):
    net = serra_1d_net([width])
    y = as_numpy(net).forward(_grid(20000)[:, None])[:, 0]
    _assert_teeth_with_same_image(y, width + 1)
    step = np.abs(np.diff(y)).max()
    assert abs(y.min()) <= step and abs(y.max() - 1.0) <= step
    # every unit's breakpoint -b/w lies strictly inside (0, 1)
    mlp = as_numpy(net)
    breakpoints = -mlp.biases[0] / mlp.weights[0][:, 0]
    assert ((breakpoints > 0) & (breakpoints < 1)).all()


@pytest.mark.parametrize("widths", [[3, 3], [4, 5], [3, 4, 3]])
def test_serra_net_output_has_prod_teeth_onto_unit_interval(widths):
    teeth = serra_1d_max(widths)
    y = as_numpy(serra_1d_net(widths)).forward(_grid(teeth * 400)[:, None])[:, 0]
    _assert_teeth_with_same_image(y, teeth)
    step = np.abs(np.diff(y)).max()
    assert abs(y.min()) <= step and abs(y.max() - 1.0) <= step


@pytest.mark.parametrize("widths", SERRA_WIDTHS)
def test_serra_1d_net_attains_serra_1d_max(widths):
    count = regions.count_regions_1d(serra_1d_net(widths), [0.0], [1.0])
    assert count == serra_1d_max(widths) == serra_upper(1, widths)


@pytest.mark.parametrize("widths", [[3], [3, 3], [5, 3, 4], [4, 3, 5, 3]])
def test_serra_1d_net_regions_oracle(widths):
    assert walk_1d(*_raw(serra_1d_net(widths)), [0.0], [1.0]).count == serra_1d_max(widths)


# ----------------------------------------------------------------------------- montufar_net


@pytest.mark.parametrize(("widths", "teeth"), [([3, 1], 3), ([4, 2], 4), ([1, 1], 1), ([3, 4, 2], 12), ([5, 2, 1], 10)])
def test_montufar_1d_folds_into_p_teeth_with_same_image(widths, teeth):
    # every unit of the last layer is affine (and not constant) in the folded coordinate
    z_last = as_numpy(montufar_net(1, widths)).preactivations(_grid(teeth * 500)[:, None])[-1]
    for z in z_last.T:
        _assert_teeth_with_same_image(z, teeth)


@pytest.mark.parametrize(
    ("n_in", "widths", "teeth"),
    [
        (2, [6, 3], 3),
        (2, [7, 4], 3),  # one leftover unit
        (2, [8, 5], 4),
        (2, [7, 6, 2], 9),  # two folding layers: 3 * 3 teeth
        (3, [10, 4], 3),  # one leftover unit
        (3, [9, 7, 3], 6),  # 3 * 2
    ],
)
def test_montufar_folds_each_coordinate_into_p_teeth_with_same_image(n_in, widths, teeth):
    mlp = as_numpy(montufar_net(n_in, widths))
    rng = np.random.default_rng(0)
    t = _grid(teeth * 500)
    for axis in range(n_in):
        x = np.tile(rng.uniform(0.05, 0.95, n_in), (len(t), 1))  # a generic line parallel to the axis
        x[:, axis] = t
        z_last = mlp.preactivations(x)[-1]
        varying = [z for z in z_last.T if np.ptp(z) > 1e-9]  # units that read this coordinate
        assert varying
        for z in varying:
            _assert_teeth_with_same_image(z, teeth)


@pytest.mark.parametrize(("n_in", "widths"), [(2, [7, 3]), (3, [10, 11, 4]), (2, [5, 2])])
def test_montufar_leftover_units_are_dead(n_in, widths):
    net = montufar_net(n_in, widths)
    mlp = as_numpy(net)
    x = np.random.default_rng(1).uniform(0, 1, (500, n_in))
    patterns = np.split(regions.activation_pattern(net, x), np.cumsum(widths)[:-1], axis=1)
    for layer, n in enumerate(widths[:-1]):
        leftover = slice(n // n_in * n_in, n)
        assert (mlp.weights[layer][leftover] == 0).all()
        assert (patterns[layer][:, leftover] == 0).all()


MONTUFAR_1D = [[1], [3], [1, 1], [3, 3], [2, 7], [4, 2, 5], [5, 5, 3], [6, 6, 6], [3, 3, 3, 3, 3], [40, 40, 40]]


@pytest.mark.parametrize("widths", MONTUFAR_1D)
def test_montufar_net_1d_meets_montufar_lower(widths):
    count = regions.count_regions_1d(montufar_net(1, widths), [0.0], [1.0])
    assert montufar_lower(1, widths) <= count <= serra_upper(1, widths)


MONTUFAR_2D = [
    [2], [5], [3, 5], [4, 4], [4, 4, 4], [7, 3], [9, 4], [6, 6, 4], [8, 7, 5], [7, 7, 7, 3],
    [3, 100], [10, 10, 8],  # 5051 regions, some of area ~1e-6; 23 125 regions
]


@pytest.mark.parametrize("widths", MONTUFAR_2D)
def test_montufar_net_2d_meets_montufar_lower(widths):
    count = regions.count_regions_2d(montufar_net(2, widths), box=(0, 1, 0, 1))
    assert montufar_lower(2, widths) <= count <= serra_upper(2, widths)


@pytest.mark.parametrize(
    ("n_in", "widths"),
    [(1, [3, 3]), (1, [4, 2, 5]), (2, [2]), (2, [5]), (2, [3, 5]), (2, [7, 3]), (2, [9, 4]), (2, [6, 6, 4])],
)
def test_montufar_net_regions_oracle(n_in, widths):
    # The construction realises the bound exactly: every fold is a full tooth and the
    # arrangement's regions all lie inside the folded cube, and nothing else cuts the cube.
    raw = _raw(montufar_net(n_in, widths))
    if n_in == 1:
        count = walk_1d(*raw, [0.0], [1.0]).count
    else:
        count = split_2d(*raw, (0, 1, 0, 1)).count
    assert count == montufar_lower(n_in, widths)


@settings(derandomize=True, max_examples=25, deadline=None)
@given(n_in=st.integers(1, 2), extra=st.lists(st.integers(0, 4), min_size=1, max_size=3))
def test_montufar_net_meets_its_bound_property(n_in, extra):
    widths = [n_in + e for e in extra]
    raw = _raw(montufar_net(n_in, widths))
    count = walk_1d(*raw, [0.0], [1.0]).count if n_in == 1 else split_2d(*raw, (0, 1, 0, 1)).count
    assert montufar_lower(n_in, widths) <= count <= serra_upper(n_in, widths)


# ----------------------------------------------------------------------------- relu_interpolant


def _interpolant_tolerance(net: nn.Sequential, x: np.ndarray) -> np.ndarray:
    """Rounding bound at each x: eps * n * (|y_0| + sum_i |c_i| relu(x - x_i)), scaled.

    Where every term is 0 the output is exactly 0, so the bound may be 0 too (hence <=).
    """
    mlp = as_numpy(net)
    hidden = np.maximum(x[:, None] @ mlp.weights[0].T + mlp.biases[0], 0.0)  # (n_points, n)
    magnitude = np.abs(mlp.biases[1][0]) + hidden @ np.abs(mlp.weights[1][0])
    return INTERPOLANT_ULPS * EPS * mlp.widths[0] * magnitude


INTERPOLANT_CASES = [
    ([0.0, 1.0], [2.0, 3.0]),  # two points: one unit
    ([0.0, 1.0, 3.0], [1.0, 3.0, 2.0]),
    ([-2.0, -1.5, 0.0, 0.1, 4.0], [5.0, -1.0, -1.0, 7.0, 0.0]),  # a flat piece, uneven spacing
    ([1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0]),  # all zero: every slope vanishes
    ([0.0, 1e-3, 1.0], [0.0, 1.0, 1.0]),  # a steep first piece
]


@pytest.mark.parametrize(("xs", "ys"), INTERPOLANT_CASES)
def test_relu_interpolant_hits_points_and_is_linear_between(xs, ys):
    xs, ys = np.array(xs), np.array(ys)
    net = relu_interpolant(xs, ys)
    mlp = as_numpy(net)
    assert mlp.widths == (len(xs) - 1,)
    assert (np.abs(mlp.forward(xs[:, None])[:, 0] - ys) <= _interpolant_tolerance(net, xs)).all()
    lam = np.linspace(0.0, 1.0, 7)[1:-1]
    inside = (xs[:-1, None] + lam * np.diff(xs)[:, None]).ravel()
    expected = (ys[:-1, None] + lam * np.diff(ys)[:, None]).ravel()
    got = mlp.forward(inside[:, None])[:, 0]
    assert (np.abs(got - expected) <= _interpolant_tolerance(net, inside)).all()


@pytest.mark.parametrize(("xs", "ys"), INTERPOLANT_CASES)
def test_relu_interpolant_outside_the_knots(xs, ys):
    mlp = as_numpy(relu_interpolant(xs, ys))
    left = mlp.forward(np.array([[xs[0] - 5.0], [xs[0] - 0.5]]))[:, 0]
    np.testing.assert_allclose(left, ys[0], rtol=0, atol=0)  # every unit off: exactly y_0
    last_slope = (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])
    right = mlp.forward(np.array([[xs[-1] + 2.0]]))[0, 0]
    np.testing.assert_allclose(right, ys[-1] + 2.0 * last_slope, rtol=1e-12, atol=1e-12)


@settings(derandomize=True, max_examples=100, deadline=None)
@given(
    gaps=st.lists(st.floats(1e-2, 10.0), min_size=1, max_size=30),
    start=st.floats(-10.0, 10.0),
    ys=st.lists(st.floats(-100.0, 100.0), min_size=31, max_size=31),
)
def test_relu_interpolant_hits_points_property(gaps, start, ys):
    xs = start + np.concatenate([[0.0], np.cumsum(gaps)])
    ys = np.array(ys[: len(xs)])
    net = relu_interpolant(xs, ys)
    err = np.abs(as_numpy(net).forward(xs[:, None])[:, 0] - ys)
    assert (err <= _interpolant_tolerance(net, xs)).all()


@pytest.mark.parametrize("n", [4, 8, 32])
def test_relu_interpolant_error_within_h2_over_8(n):
    # sin on [0, pi]: max|f''| = 1, so the sup error is at most h^2 / 8
    xs = np.linspace(0.0, np.pi, n + 1)
    h = xs[1] - xs[0]
    x = np.linspace(0.0, np.pi, 20001)
    err = np.abs(as_numpy(relu_interpolant(xs, np.sin(xs))).forward(x[:, None])[:, 0] - np.sin(x))
    assert err.max() <= h**2 / 8
    assert err.max() >= 0.85 * h**2 / 8  # and the bound is nearly attained (it is sharp)


@pytest.mark.parametrize(("xs", "ys"), INTERPOLANT_CASES)
def test_relu_interpolant_has_one_region_per_piece(xs, ys):
    # the units switch at x_1 .. x_{n-1} (x_0 is an end point), slope change or not
    assert regions.count_regions_1d(relu_interpolant(xs, ys), [xs[0]], [xs[-1]]) == len(xs) - 1


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: sawtooth(0), ValueError, r"depth must be >= 1, got 0"),
        (lambda: sawtooth(2.0), TypeError, r"depth must be an int >= 1, got 2.0"),
        (lambda: sawtooth(True), TypeError, r"depth must be an int >= 1, got True"),
        (lambda: montufar_net(2, [1, 4]), ValueError,
         r"montufar_net needs every width >= n_in \(Montúfar et al\. 2014\); got widths=\[1, 4\] for n_in=2"),
        (lambda: montufar_net(2, np.array([4, 4, 1])), ValueError, r"got widths=\[4, 4, 1\] for n_in=2"),
        (lambda: montufar_net(0, [3]), ValueError, r"n_in must be >= 1, got 0"),
        (lambda: montufar_net(2, []), ValueError, r"widths must hold at least one hidden width"),
        (lambda: montufar_net(2, 4), TypeError, r"widths must be a sequence of ints"),
        (lambda: montufar_net(2, [4, 4.0]), TypeError, r"widths\[1\] must be an int >= 1, got 4.0"),
        (lambda: serra_1d_net([3, 2, 4]), ValueError,
         r"serra_1d_net needs every width >= 3 \(Serra et al\. 2018, 1-D input\); got widths=\[3, 2, 4\]"),
        (lambda: serra_1d_net([3, 0]), ValueError, r"widths\[1\] must be >= 1, got 0"),
        (lambda: relu_interpolant([0.0, 1.0, 1.0], [0.0, 1.0, 2.0]), ValueError,
         r"xs must be strictly increasing; got xs\[1\]=1.0 followed by xs\[2\]=1.0"),
        (lambda: relu_interpolant([0.0, 2.0, 1.0], [0.0, 1.0, 2.0]), ValueError,
         r"xs must be strictly increasing; got xs\[1\]=2.0 followed by xs\[2\]=1.0"),
        (lambda: relu_interpolant([0.0], [1.0]), ValueError, r"xs must hold at least 2 points to interpolate, got 1"),
        (lambda: relu_interpolant([], []), ValueError, r"at least 2 points to interpolate, got 0"),
        (lambda: relu_interpolant([0.0, 1.0, 2.0], [0.0, 1.0]), ValueError,
         r"xs and ys must have the same length, got 3 and 2"),
        (lambda: relu_interpolant([0.0, np.nan, 2.0], [0.0, 1.0, 2.0]), ValueError,
         r"xs must not contain NaN; found 1"),
        (lambda: relu_interpolant([0.0, 1.0, 2.0], [0.0, 1.0, np.nan]), ValueError,
         r"ys must not contain NaN; found 1"),
        (lambda: relu_interpolant([0.0, 1.0, np.inf], [0.0, 1.0, 2.0]), ValueError, r"xs must be finite; found 1 inf"),
        (lambda: relu_interpolant([[0.0, 1.0]], [[0.0, 1.0]]), ValueError, r"xs must be 1-D, got shape \(1, 2\)"),
        (lambda: relu_interpolant(["a", "b"], [0.0, 1.0]), TypeError, r"xs must be a 1-D array of numbers"),
    ],
)
def test_constructions_invalid(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_constructions_valid_twins_of_the_invalid_calls():
    assert as_numpy(sawtooth(np.int64(1))).widths == (2,)
    assert as_numpy(montufar_net(2, np.array([4, 4, 2]))).widths == (4, 4, 2)
    assert as_numpy(serra_1d_net((3, 3, 4))).widths == (3, 3, 4)
    assert as_numpy(relu_interpolant([0.0, 1.0, 2.0], [0.0, 1.0, 2.0])).widths == (2,)
