"""Tests for exprlib.trajectory: arcs, layer-by-layer lengths, growth rates and their theory.

Measured growth is random: the statistical tests below use a few fixed seeds and tolerances that
are several times the seed-to-seed spread measured while writing them (noted at each test).
"""

import math
import tracemalloc

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate
from torch import nn

import exprlib.trajectory as trajectory
from common import HARDTANH_ONE, ZERO_NET, sawtooth
from exprlib.nets import as_numpy, from_weights, random_mlp
from exprlib.trajectory import (
    arc,
    arc_endpoints,
    exact_layer_lengths,
    exact_layer_lengths_arc,
    ARC_SEED_OFFSET,
    arc_length_experiment,
    exact_arc_profile,
    exact_layer_transitions_arc,
    exact_transitions_arc,
    growth_rate,
    hardtanh_meanfield_growth,
    layer_images,
    layer_lengths,
    length,
    perturbation_by_layer,
    project_2d,
    raghu_beta,
    raghu_relu_bound,
    relu_growth,
    transitions,
)

# relu(x), relu(-x): the segment -1 -> 2 maps to (0, 1) -> (0, 0) -> (2, 0), length 3.
ABS_NET = from_weights([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
# relu(x), relu(x - 1): pattern boundaries at x = 0 and x = 1.
TWO_KINKS = from_weights([[[1.0], [1.0]], [[1.0, 1.0]]], [[0.0, -1.0], [0.0]])
# relu(x), relu(y) in the plane.
PLANE_RELU = from_weights([np.eye(2), np.ones((1, 2))], [np.zeros(2), np.zeros(1)])


def _ellipse_arc_length(x0, x1, lo=0.0, hi=np.pi / 2):
    """Oracle: arc length of x0 cos t + x1 sin t by adaptive quadrature of its speed."""
    speed = lambda t: np.linalg.norm(-x0 * np.sin(t) + x1 * np.cos(t))  # noqa: E731
    return integrate.quad(speed, lo, hi, epsabs=1e-13, epsrel=1e-12, limit=200)[0]


def _scaled_rotation_net(dim, depth, scale, seed):
    """Hard-tanh net whose hidden layers are scale * (random orthogonal matrix), no biases."""
    rng = np.random.default_rng(seed)
    weights = [scale * np.linalg.qr(rng.standard_normal((dim, dim)))[0] for _ in range(depth)]
    return from_weights(weights + [np.ones((1, dim))], [np.zeros(dim)] * depth + [np.zeros(1)], "hardtanh")


# --------------------------------------------------------------------------------------------------
# arcs and determinism


def test_arc_is_deterministic_per_seed_and_differs_between_seeds():
    a, b, c = arc(5, 100, seed=3), arc(5, 100, seed=3), arc(5, 100, seed=4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    x0, x1 = arc_endpoints(5, seed=3)
    y0, y1 = arc_endpoints(5, seed=3)
    np.testing.assert_array_equal(x0, y0)
    np.testing.assert_array_equal(x1, y1)
    assert not np.array_equal(x0, arc_endpoints(5, seed=4)[0])


def test_arc_uses_arc_endpoints_exactly():
    x0, x1 = arc_endpoints(4, seed=7)
    points = arc(4, 9, seed=7)
    np.testing.assert_array_equal(points[0], x0)
    np.testing.assert_array_equal(points[-1], x1)
    theta = np.linspace(0, np.pi / 2, 9)
    np.testing.assert_allclose(points, np.cos(theta)[:, None] * x0 + np.sin(theta)[:, None] * x1, atol=1e-15)
    assert points.dtype == np.float64 and points.shape == (9, 4)


def test_arc_endpoints_are_standard_normal():
    # 2 x 20 000 N(0, 1) entries: mean within 0.03, std within 2 %.
    x0, x1 = arc_endpoints(20_000, seed=0)
    for x in (x0, x1):
        assert abs(x.mean()) < 0.03 and x.std() == pytest.approx(1.0, rel=0.02)


# --------------------------------------------------------------------------------------------------
# length


@pytest.mark.parametrize(
    "points, expected",
    [
        ([[0.0, 0.0], [3.0, 4.0], [3.0, 5.0]], 6.0),
        ([[0.0], [2.0], [1.0]], 3.0),  # back and forth in R^1
        ([[1.0, 2.0], [1.0, 2.0]], 0.0),  # degenerate: repeated point
        ([[0.0, 0.0, 0.0], [0.5, 0.5, 0.5], [1.0, 1.0, 1.0]], math.sqrt(3.0)),  # collinear subdivision
        (np.zeros((5, 7)), 0.0),
    ],
)
def test_length_examples(points, expected):
    assert length(points) == pytest.approx(expected, rel=1e-15, abs=0.0)


def test_length_of_fine_arc_converges_to_ellipse_arc_length():
    x0, x1 = arc_endpoints(5, seed=3)
    exact = _ellipse_arc_length(x0, x1)
    coarse, fine = length(arc(5, 200, seed=3)), length(arc(5, 20_001, seed=3))
    # Inscribed polylines are shorter; the chord error is O(h^2): 100x finer spacing, ~1e4x smaller.
    assert coarse < fine <= exact
    assert fine == pytest.approx(exact, rel=1e-8)
    assert (exact - fine) < 1e-3 * (exact - coarse)


@settings(derandomize=True, max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-10, 10), st.floats(-10, 10)), min_size=2, max_size=8),
    st.floats(0.0, 1.0),
    st.integers(0, 6),
)
def test_length_never_decreases_when_a_vertex_is_inserted(vertices, weight, where):
    points = np.array(vertices)
    i = where % (len(points) - 1)
    # A point off the segment p_i p_{i+1} lengthens the path (triangle inequality); on it, no change.
    inserted = points[i] * (1 - weight) + points[i + 1] * weight + np.array([0.0, weight])
    refined = np.insert(points, i + 1, inserted, axis=0)
    assert length(refined) >= length(points) * (1 - 1e-12) - 1e-12
    assert length(points) >= np.linalg.norm(points[-1] - points[0]) * (1 - 1e-12) - 1e-12


# --------------------------------------------------------------------------------------------------
# layer_lengths


@pytest.mark.parametrize(
    "points, expected",
    [
        ([[-1.0], [0.0], [2.0]], [3.0, 3.0]),  # samples hit the kink: exact
        ([[-1.0], [2.0]], [3.0, math.sqrt(5.0)]),  # kink missed: (0, 1) -> (2, 0)
        ([[1.0], [2.0], [3.0]], [2.0, 2.0]),  # one region: relu is the identity on it
        ([[-2.0], [-2.0]], [0.0, 0.0]),  # degenerate
    ],
)
def test_layer_lengths_examples(points, expected):
    np.testing.assert_allclose(layer_lengths(ABS_NET, points), expected, rtol=1e-15)


def test_layer_lengths_first_entry_is_the_input_length():
    net = random_mlp(6, [10, 10, 10], activation="hardtanh", sigma_w=3.0, seed=0)
    points = arc(6, 500, seed=1)
    lengths = layer_lengths(net, points)
    assert lengths.shape == (4,) and lengths.dtype == np.float64
    assert lengths[0] == length(points)


@pytest.mark.parametrize("activation", ["relu", "hardtanh"])
def test_layer_lengths_match_a_torch_forward_pass(activation):
    net = random_mlp(4, [12, 9, 12], activation=activation, sigma_w=2.5, sigma_b=0.3, seed=2)
    points = arc(4, 300, seed=5)
    expected, h = [length(points)], torch.from_numpy(points)
    with torch.no_grad():
        for module in net:
            h = module(h)
            if isinstance(module, (nn.ReLU, nn.Hardtanh)):
                expected.append(length(h.numpy()))
    np.testing.assert_allclose(layer_lengths(net, points), expected, rtol=1e-12)


def test_identity_like_nets_preserve_length():
    # Bias +10 keeps every relu unit active on |x| < 10: each layer is a translation.
    dim = 3
    net = from_weights([np.eye(dim)] * 4 + [np.ones((1, dim))], [np.full(dim, 10.0)] * 4 + [np.zeros(1)])
    points = arc(dim, 400, seed=0)
    lengths = layer_lengths(net, points)
    np.testing.assert_allclose(lengths, length(points), rtol=1e-12)
    assert growth_rate(lengths) == pytest.approx(1.0, abs=1e-12)


def test_scaled_rotations_shrink_length_geometrically():
    # |h_l| = 0.5^l |x| < 1, so hard-tanh stays linear: the image is 0.5^l times a rotated copy.
    net = _scaled_rotation_net(4, depth=5, scale=0.5, seed=1)
    points = 0.2 * arc(4, 300, seed=2)
    lengths = layer_lengths(net, points)
    np.testing.assert_allclose(lengths, length(points) * 0.5 ** np.arange(6), rtol=1e-12)
    assert growth_rate(lengths) == pytest.approx(0.5, rel=1e-12)


def test_chunked_processing_gives_the_same_lengths_and_transitions(monkeypatch):
    net = random_mlp(3, [8, 8, 8], activation="hardtanh", sigma_w=4.0, sigma_b=0.5, seed=4)
    points = arc(3, 1_001, seed=9)
    whole, changes = layer_lengths(net, points), transitions(net, points)
    monkeypatch.setattr(trajectory, "_CHUNK_ENTRIES", 40)  # 5 rows per chunk: ~250 chunk seams
    np.testing.assert_allclose(layer_lengths(net, points), whole, rtol=1e-12)
    assert transitions(net, points) == changes


def test_layer_lengths_large_trajectory_stays_in_bounded_memory():
    # The contract's size: 10^5 points x width 100 x depth 12 (one layer of post-activations alone
    # is 80 MB). Chunking keeps the peak traced allocation well under that (measured ~49 MiB).
    net = random_mlp(2, [100] * 12, activation="hardtanh", sigma_w=4.0, sigma_b=0.3**0.5, seed=0)
    points = arc(2, 100_000, seed=1)
    tracemalloc.start()
    try:
        lengths = layer_lengths(net, points)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20
    assert np.all(np.isfinite(lengths)) and np.all(np.diff(lengths[1:]) > 0)


# --------------------------------------------------------------------------------------------------
# growth_rate


@pytest.mark.parametrize(
    "lengths, expected",
    [
        ([1.0, 2.0, 4.0, 8.0], 2.0),
        ([3.0, 1.5, 0.75], 0.5),
        ([5.0, 5.0], 1.0),
        ([2.0, 7.0], 3.5),  # two values: the ratio
        ([1.0, 3.0, 1.0, 3.0], 3.0 ** 0.2),  # least squares, not last/first
        (np.array([1e-300, 1e-290]), 1e10),
    ],
)
def test_growth_rate_examples(lengths, expected):
    assert growth_rate(lengths) == pytest.approx(expected, rel=1e-12)


@settings(derandomize=True, max_examples=50, deadline=None)
@given(st.floats(0.05, 20.0), st.floats(1e-3, 1e3), st.integers(2, 12))
def test_growth_rate_recovers_any_geometric_sequence(rate, scale, size):
    lengths = scale * rate ** np.arange(size, dtype=np.float64)
    assert growth_rate(lengths) == pytest.approx(rate, rel=1e-10)
    assert growth_rate(7.0 * lengths) == pytest.approx(growth_rate(lengths), rel=1e-12)


# --------------------------------------------------------------------------------------------------
# theory: raghu_beta, relu_growth, hardtanh_meanfield_growth


@pytest.mark.parametrize(
    "sigma_w, sigma_b, width, expected",
    [
        (4.0, 0.0, 100, 40.0 / math.sqrt(416.0)),
        (1.0, 0.0, 1, math.sqrt(0.5)),
        (3.0, 4.0, 5, 3.0 * math.sqrt(5.0) / math.sqrt(25.0 + 25.0)),
        (0.0, 1.0, 10, 0.0),
        (0.0, 0.0, 10, 0.0),  # 0 / 0 is defined as 0: no weights, no growth
        (2.0, 0.0, 10**12, math.sqrt(2.0)),  # k -> infinity: sigma_w / (sigma_w^2 + sigma_b^2)^(1/4)
        (1e300, 1e300, 10, math.sqrt(5.0)),  # sigma^2 would overflow: beta -> sqrt(k) sigma_w / s
        (1e-200, 0.0, 100, 1e-100),  # tiny sigma_w: beta ~ sqrt(sigma_w)
    ],
)
def test_raghu_beta_examples(sigma_w, sigma_b, width, expected):
    assert raghu_beta(sigma_w, sigma_b, width) == pytest.approx(expected, rel=1e-9)


@settings(derandomize=True, max_examples=80, deadline=None)
@given(st.floats(0.01, 50.0), st.floats(0.0, 10.0), st.integers(1, 10_000), st.floats(1.01, 3.0))
def test_raghu_beta_increases_with_sigma_w_and_width(sigma_w, sigma_b, width, factor):
    beta = raghu_beta(sigma_w, sigma_b, width)
    assert raghu_beta(sigma_w * factor, sigma_b, width) > beta
    assert raghu_beta(sigma_w, sigma_b, width + 1) > beta
    assert beta < sigma_w / (sigma_w**2 + sigma_b**2) ** 0.25  # the k -> infinity limit


@pytest.mark.parametrize("sigma_w, expected", [(0.0, 0.0), (2**0.5, 1.0), (2.0, 2**0.5), (4.0, 8**0.5)])
def test_relu_growth_examples(sigma_w, expected):
    assert relu_growth(sigma_w) == pytest.approx(expected, rel=1e-15)


def _meanfield_oracle(sigma_w, sigma_b, iterations=3_000):
    """sqrt(chi_1) by plain fixed-point iteration with quadrature expectations (slow but obvious)."""

    def gauss(f, q):  # E[f(sqrt(q) xi)], split at the kinks xi = +-1 / sqrt(q)
        density = lambda u: f(math.sqrt(q) * u) * math.exp(-u * u / 2) / math.sqrt(2 * math.pi)  # noqa: E731
        return integrate.quad(density, -12, 12, points=[-1 / math.sqrt(q), 1 / math.sqrt(q)])[0]

    q = 1.0
    for _ in range(iterations):
        new = sigma_w**2 * gauss(lambda z: min(max(z, -1.0), 1.0) ** 2, q) + sigma_b**2
        if abs(new - q) < 1e-15 * q:
            break
        q = new
    return math.sqrt(sigma_w**2 * gauss(lambda z: float(abs(z) < 1), q))


@pytest.mark.parametrize("sigma_w, sigma_b", [(4.0, 0.0), (2.0, 0.5), (1.5, 1.0), (0.8, 0.3), (8.0, 0.3**0.5)])
def test_hardtanh_meanfield_growth_matches_quadrature_fixed_point(sigma_w, sigma_b):
    assert hardtanh_meanfield_growth(sigma_w, sigma_b) == pytest.approx(_meanfield_oracle(sigma_w, sigma_b), rel=1e-7)


@pytest.mark.parametrize(
    "sigma_w, sigma_b, expected",
    [
        (0.0, 0.0, 0.0),
        (0.0, 2.0, 0.0),
        (0.5, 0.0, 0.5),  # sigma_b = 0, sigma_w <= 1: q* = 0, all units linear
        (1.0, 0.0, 1.0),
        (1.0 + 1e-9, 0.0, 1.0),  # continuous through the transition at sigma_w = 1
    ],
)
def test_hardtanh_meanfield_growth_degenerate_cases(sigma_w, sigma_b, expected):
    assert hardtanh_meanfield_growth(sigma_w, sigma_b) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("sigma_w, sigma_b", [(1e6, 0.0), (1e100, 0.0), (1e100, 1e100), (1e300, 3.0)])
def test_hardtanh_meanfield_growth_at_huge_scales_follows_the_saturated_limit(sigma_w, sigma_b):
    # Almost every unit saturated: q* -> sigma_w^2 + sigma_b^2 and P(|z| < 1) -> sqrt(2 / (pi q*)).
    q_star_root = math.hypot(sigma_w, sigma_b)  # sqrt(q*), not squared: 1e300^2 would overflow
    expected = sigma_w * math.sqrt(math.sqrt(2 / math.pi) / q_star_root)
    assert hardtanh_meanfield_growth(sigma_w, sigma_b) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("sigma_w, sigma_b", [(5e-324, 5e-324), (1e-108, 5e-109), (0.3, 1e-200)])
def test_hardtanh_meanfield_growth_at_tiny_scales_is_linear(sigma_w, sigma_b):
    # Regression: with q ~ 1e-217 the root finder underflowed and raised RuntimeError.
    assert hardtanh_meanfield_growth(sigma_w, sigma_b) == pytest.approx(sigma_w, rel=1e-12)


@settings(derandomize=True, max_examples=80, deadline=None)
@given(st.floats(0.0, 30.0), st.floats(0.0, 5.0), st.floats(1.01, 2.0))
def test_hardtanh_meanfield_growth_is_at_most_sigma_w_and_increases_with_it(sigma_w, sigma_b, factor):
    growth = hardtanh_meanfield_growth(sigma_w, sigma_b)
    # sqrt(chi_1) = sigma_w sqrt(P(|z| < 1)) <= sigma_w, and saturation only grows with sigma_w.
    assert 0.0 <= growth <= sigma_w
    assert hardtanh_meanfield_growth(sigma_w * factor, sigma_b) >= growth


# --------------------------------------------------------------------------------------------------
# measured growth: hard-tanh and ReLU (statistical; fixed seeds)


def _measured_growth(activation, sigma_w, width, seed, *, depth=8, in_dim=20, n_points=3_000):
    net = random_mlp(in_dim, [width] * depth, activation=activation, sigma_w=sigma_w, seed=seed)
    # Skip the input: its step also changes dimension (in_dim -> width).
    return growth_rate(layer_lengths(net, arc(in_dim, n_points, seed=100 + seed))[1:])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hardtanh_length_grows_exponentially_at_sigma_w2_16(seed):
    # Measured 1.77-1.81 per layer at width 100 (seeds 0-5); mean field 1.845, beta 1.961.
    growth = _measured_growth("hardtanh", 4.0, 100, seed)
    assert growth > 1.5
    assert growth == pytest.approx(hardtanh_meanfield_growth(4.0, 0.0), rel=0.15)
    # beta is a scaling law (simulations sit 4-8 % below it), not a per-layer inequality.
    assert growth <= 1.05 * raghu_beta(4.0, 0.0, 100)


def test_hardtanh_growth_and_beta_increase_with_sigma_w_and_width():
    def mean_growth(sigma_w, width):
        return np.mean([_measured_growth("hardtanh", sigma_w, width, seed) for seed in range(3)])

    # Means over 3 seeds, measured: sigma_w^2 = 4, 16, 64 at k = 100 -> 1.33, 1.79, 2.30;
    # k = 10, 100 at sigma_w^2 = 16 -> 1.46, 1.79 (seed spread at k = 10 is about +-0.15).
    by_sigma = [mean_growth(s, 100) for s in (2.0, 4.0, 8.0)]
    assert by_sigma[0] < by_sigma[1] < by_sigma[2]
    assert raghu_beta(2.0, 0.0, 100) < raghu_beta(4.0, 0.0, 100) < raghu_beta(8.0, 0.0, 100)
    assert mean_growth(4.0, 10) < by_sigma[1]
    assert raghu_beta(4.0, 0.0, 10) < raghu_beta(4.0, 0.0, 100)


@pytest.mark.parametrize("sigma_w2", [2.0, 4.0, 8.0])
def test_relu_growth_matches_sigma_w_over_sqrt2(sigma_w2):
    # Measured within 1 % of sigma_w / sqrt(2) at width 200 (seeds 0-2).
    sigma_w = math.sqrt(sigma_w2)
    for seed in range(2):
        assert _measured_growth("relu", sigma_w, 200, seed) == pytest.approx(relu_growth(sigma_w), rel=0.15)


def test_relu_at_he_init_does_not_grow_exponentially():
    # Hanin, Jeong & Rolnick 2022; measured 0.998-1.006 (seeds 0-2).
    for seed in range(3):
        assert _measured_growth("relu", math.sqrt(2.0), 200, seed) == pytest.approx(1.0, abs=0.1)


# --------------------------------------------------------------------------------------------------
# transitions


@pytest.mark.parametrize(
    "net, points, expected",
    [
        (TWO_KINKS, [[-1.0], [0.5], [2.0]], 2),
        (TWO_KINKS, [[-1.0], [2.0]], 1),  # two boundaries between one pair: counted once
        (TWO_KINKS, [[2.0], [3.0], [5.0]], 0),  # one region
        (HARDTANH_ONE.torch(), np.stack([np.linspace(-1, 1, 9), np.zeros(9)], axis=1), 2),
        (ZERO_NET.torch(), arc(2, 50, seed=0), 0),
        (sawtooth(3).torch(), (np.arange(16) / 16 + 1 / 32)[:, None], 7),  # two samples per region
    ],
)
def test_transitions_examples(net, points, expected):
    assert transitions(net, points) == expected


def test_transitions_grow_with_depth_and_sigma_w():
    points = arc(10, 3_000, seed=1)
    # Same seed: the deeper net's hidden layers extend the shallower one's, so counts can only grow.
    by_depth = [
        transitions(random_mlp(10, [30] * d, activation="hardtanh", sigma_w=3.0, seed=0), points) for d in (1, 3, 6)
    ]
    assert by_depth[0] < by_depth[1] < by_depth[2]
    by_sigma = [
        transitions(random_mlp(10, [30] * 4, activation="hardtanh", sigma_w=s, seed=0), points) for s in (1.0, 2.0, 4.0)
    ]
    assert by_sigma[0] < by_sigma[1] < by_sigma[2]


def test_relu_transitions_without_bias_do_not_depend_on_sigma_w():
    # Bias-free ReLU patterns are invariant to positive rescaling (same seed, same directions).
    points = arc(10, 2_000, seed=1)
    counts = {transitions(random_mlp(10, [30] * 4, sigma_w=s, seed=0), points) for s in (0.5, 1.0, 4.0)}
    assert len(counts) == 1


# --------------------------------------------------------------------------------------------------
# exact versions (exprlib.regions breakpoints)


def test_exact_transitions_arc_counts_breakpoints_and_bounds_sampling():
    from exprlib.regions import breakpoints_arc

    net = from_weights([[[1.0, -1.0]], [[1.0]]], [[0.0], [0.0]])  # relu(x - y): boundary at t = pi/4
    assert exact_transitions_arc(net, [1.0, 0.0], [0.0, 1.0]) == 1
    n_fine, resolved = 200_000, 0
    spacing = (np.pi / 2) / (n_fine - 1)
    for seed in range(6):
        activation = ("relu", "hardtanh")[seed % 2]
        net = random_mlp(3, [16, 16, 16], activation=activation, sigma_w=3.0, sigma_b=0.5, seed=seed)
        x0, x1 = arc_endpoints(3, seed=seed)
        theta = breakpoints_arc(net, x0, x1)
        exact = exact_transitions_arc(net, x0, x1)
        assert exact == len(theta) > 0
        assert transitions(net, arc(3, 2_000, seed=seed)) <= exact
        fine = transitions(net, arc(3, n_fine, seed=seed))
        assert fine <= exact
        # Boundaries further apart than the spacing fall in different sample pairs: every one is seen.
        # (Seed 3 has two boundaries 9e-7 apart, below the spacing 7.9e-6, and sampling misses 2 of 91.)
        if np.diff(np.concatenate(([0.0], theta, [np.pi / 2]))).min() > spacing:
            assert fine == exact
            resolved += 1
    assert resolved >= 4


def test_exact_layer_lengths_of_the_sawtooth_double_per_layer():
    # Layer l maps [0, 1] onto the curve (y, relu(y - 1/2)), y in [0, 1], traversed 2^(l-1) times.
    depth = 6
    net = sawtooth(depth).torch()
    one_pass = 0.5 + math.sqrt(0.5)
    expected = np.concatenate(([1.0], one_pass * 2.0 ** np.arange(depth)))
    lengths = exact_layer_lengths(net, [0.0], [1.0])
    np.testing.assert_allclose(lengths, expected, rtol=1e-12)
    assert growth_rate(lengths[1:]) == pytest.approx(2.0, rel=1e-12)
    # Dyadic samples hit every kink; others cut corners.
    np.testing.assert_allclose(layer_lengths(net, np.linspace(0, 1, 2**depth + 1)[:, None]), expected, rtol=1e-12)
    assert layer_lengths(net, np.linspace(0, 1, 100)[:, None])[-1] < expected[-1]


def test_exact_layer_lengths_example():
    np.testing.assert_allclose(exact_layer_lengths(ABS_NET, [-1.0], [2.0]), [3.0, 3.0], rtol=1e-15)


@pytest.mark.parametrize("activation", ["relu", "hardtanh"])
def test_exact_layer_lengths_bound_and_match_dense_sampling(activation):
    net = random_mlp(3, [16, 16, 16], activation=activation, sigma_w=3.0, sigma_b=0.5, seed=1)
    start, end = np.array([-1.0, 0.5, 2.0]), np.array([2.0, -1.0, 0.0])
    exact = exact_layer_lengths(net, start, end)
    assert exact[0] == pytest.approx(np.linalg.norm(end - start), rel=1e-15)
    errors = []
    for n in (100, 20_000, 200_000):
        sampled = layer_lengths(net, np.linspace(start, end, n))
        assert np.all(sampled <= exact * (1 + 1e-12))
        errors.append(np.abs(exact - sampled)[1:] / exact[1:])
    # Each kink's corner is cut by O(spacing): 10x more samples, ~10x smaller error (measured 1e-5 -> 1e-6).
    assert np.all(errors[2] < errors[1] / 5) and np.all(errors[2] < 1e-4)
    # Exact lengths are additive over a split of the segment.
    mid = 0.3 * start + 0.7 * end
    halves = exact_layer_lengths(net, start, mid) + exact_layer_lengths(net, mid, end)
    np.testing.assert_allclose(halves, exact, rtol=1e-11)


@pytest.mark.parametrize(
    "x0, x1, expected",
    [
        ([1.0, 0.0], [0.0, 1.0], [np.pi / 2, np.pi / 2]),  # quarter circle in the positive quadrant
        ([1.0, 0.0], [0.0, -1.0], [np.pi / 2, 1.0]),  # relu flattens it onto the segment (1,0)-(0,0)
        ([2.0, 0.0], [0.0, -3.0], [None, 2.0]),  # input: a quarter ellipse (checked by quadrature)
    ],
)
def test_exact_layer_lengths_arc_examples(x0, x1, expected):
    lengths = exact_layer_lengths_arc(PLANE_RELU, x0, x1)
    expected[0] = _ellipse_arc_length(np.array(x0), np.array(x1)) if expected[0] is None else expected[0]
    np.testing.assert_allclose(lengths, expected, rtol=1e-12)


def test_exact_layer_lengths_arc_of_scaled_rotations():
    # Inside the linear zone every layer maps the input ellipse arc to 0.5 x a rotated copy.
    net = _scaled_rotation_net(4, depth=4, scale=0.5, seed=1)
    x0, x1 = (0.2 * x for x in arc_endpoints(4, seed=2))
    expected = _ellipse_arc_length(x0, x1) * 0.5 ** np.arange(5)
    np.testing.assert_allclose(exact_layer_lengths_arc(net, x0, x1), expected, rtol=1e-10)


@pytest.mark.parametrize("activation", ["relu", "hardtanh"])
def test_exact_layer_lengths_arc_bound_and_match_dense_sampling(activation):
    net = random_mlp(3, [16, 16, 16], activation=activation, sigma_w=3.0, sigma_b=0.5, seed=2)
    x0, x1 = arc_endpoints(3, seed=5)
    exact = exact_layer_lengths_arc(net, x0, x1)
    assert exact[0] == pytest.approx(_ellipse_arc_length(x0, x1), rel=1e-10)
    errors = []
    for n in (100, 20_000, 200_000):
        sampled = layer_lengths(net, arc(3, n, seed=5))
        assert np.all(sampled <= exact * (1 + 1e-12))
        errors.append(np.abs(exact - sampled)[1:] / exact[1:])
    # Sampling converges to the exact value at the O(1 / n) rate of the cut corners (measured 2e-5 -> 2e-6).
    assert np.all(errors[2] < errors[1] / 5) and np.all(errors[2] < 1e-4)


def test_a_linear_model_has_only_the_input_entry():
    # No hidden layer (depth 0): one length, no pattern, no transitions.
    net = random_mlp(3, [], seed=0)
    x0, x1 = arc_endpoints(3, seed=1)
    points = arc(3, 50, seed=1)
    np.testing.assert_array_equal(layer_lengths(net, points), [length(points)])
    assert transitions(net, points) == 0 and exact_transitions_arc(net, x0, x1) == 0
    np.testing.assert_allclose(exact_layer_lengths_arc(net, x0, x1), [_ellipse_arc_length(x0, x1)], rtol=1e-10)
    np.testing.assert_allclose(exact_layer_lengths(net, x0, x1), [np.linalg.norm(x1 - x0)], rtol=1e-15)


# --------------------------------------------------------------------------------------------------
# per-layer transitions, the one-pass profile, layer images and their projections (issue 8)


def _sampled_layer_transitions(net, points):
    """Oracle: per layer, the consecutive sample pairs whose layer-l patterns differ."""
    mlp = as_numpy(net)
    counts, h = [], np.asarray(points)
    for w, b, act in zip(mlp.weights, mlp.biases, mlp.activations):
        z = h @ w.T + b
        pattern = act.pattern(z)
        counts.append(int((pattern[1:] != pattern[:-1]).any(axis=1).sum()))
        h = act(z)
    return np.array(counts)


def test_exact_layer_transitions_arc_examples():
    # relu(x - y) switches off at t = pi/4; relu(h) follows it there (the same point, two layers)
    net = from_weights([[[1.0, -1.0]], [[1.0]], [[1.0]]], [[0.0], [0.0], [0.0]])
    np.testing.assert_array_equal(exact_layer_transitions_arc(net, [1.0, 0.0], [0.0, 1.0]), [1, 1])
    assert exact_transitions_arc(net, [1.0, 0.0], [0.0, 1.0]) == 1
    # relu(2 h - 1/2) switches off earlier, where cos t - sin t = 1/4: two different points
    net = from_weights([[[1.0, -1.0]], [[2.0]], [[1.0]]], [[0.0], [-0.5], [0.0]])
    np.testing.assert_array_equal(exact_layer_transitions_arc(net, [1.0, 0.0], [0.0, 1.0]), [1, 1])
    assert exact_transitions_arc(net, [1.0, 0.0], [0.0, 1.0]) == 2
    assert exact_layer_transitions_arc(net, [1.0, 0.0], [0.0, 1.0]).dtype == np.int64


@pytest.mark.parametrize("activation, seed", [("relu", 0), ("hardtanh", 1), ("relu", 2), ("hardtanh", 3)])
def test_exact_layer_transitions_bound_and_match_dense_sampling(activation, seed):
    net = random_mlp(3, [12, 12, 12], activation=activation, sigma_w=2.5, sigma_b=0.5, seed=seed)
    x0, x1 = arc_endpoints(3, seed=seed + 10)
    exact = exact_layer_transitions_arc(net, x0, x1)
    coarse = _sampled_layer_transitions(net, arc(3, 50, seed=seed + 10))
    fine = _sampled_layer_transitions(net, arc(3, 200_000, seed=seed + 10))
    assert np.all(coarse <= fine) and np.all(fine <= exact)
    np.testing.assert_array_equal(fine, exact)  # 200 000 samples resolve every crossing of these small nets
    total = exact_transitions_arc(net, x0, x1)
    assert total <= exact.sum()
    assert total == transitions(net, arc(3, 200_000, seed=seed + 10))


def test_exact_arc_profile_equals_the_two_separate_functions():
    net = random_mlp(4, [10, 10], activation="hardtanh", sigma_w=3.0, sigma_b=0.3, seed=7)
    x0, x1 = arc_endpoints(4, seed=8)
    lengths, changes = exact_arc_profile(net, x0, x1)
    np.testing.assert_array_equal(lengths, exact_layer_lengths_arc(net, x0, x1))
    np.testing.assert_array_equal(changes, exact_layer_transitions_arc(net, x0, x1))
    assert lengths.shape == (3,) and changes.shape == (2,)


def test_exact_arc_profile_is_the_same_in_chunks(monkeypatch):
    net = random_mlp(3, [8, 8, 8], activation="hardtanh", sigma_w=3.0, sigma_b=0.5, seed=4)
    x0, x1 = arc_endpoints(3, seed=2)
    whole = exact_arc_profile(net, x0, x1)
    monkeypatch.setattr(trajectory, "_CHUNK_ENTRIES", 50)  # a few intervals per chunk
    chunked = exact_arc_profile(net, x0, x1)
    np.testing.assert_allclose(chunked[0], whole[0], rtol=1e-12)
    np.testing.assert_array_equal(chunked[1], whole[1])


def test_layer_images_are_the_post_activations_and_give_the_layer_lengths():
    net = random_mlp(3, [6, 5], activation="hardtanh", sigma_w=2.0, sigma_b=0.5, seed=1)
    points = arc(3, 300, seed=2)
    images = layer_images(net, points)
    assert [image.shape for image in images] == [(300, 3), (300, 6), (300, 5)]
    np.testing.assert_array_equal(images[0], points)
    np.testing.assert_allclose([length(image) for image in images], layer_lengths(net, points), rtol=1e-12)
    with torch.no_grad():
        hidden = net[:2](torch.from_numpy(points)).numpy()
    np.testing.assert_allclose(images[1], hidden, rtol=1e-12, atol=1e-14)


def test_project_2d_keeps_planar_points_exactly_and_is_deterministic():
    rng = np.random.default_rng(0)
    plane = np.linalg.qr(rng.standard_normal((7, 2)))[0]  # an orthonormal 2-frame in R^7
    flat = rng.standard_normal((40, 2)) * [3.0, 1.0]
    points = flat @ plane.T + rng.standard_normal(7)
    coords = project_2d(points)
    # a rigid motion of the plane: all pairwise distances survive
    d_points = np.linalg.norm(points[:, None] - points[None], axis=-1)
    d_coords = np.linalg.norm(coords[:, None] - coords[None], axis=-1)
    np.testing.assert_allclose(d_coords, d_points, atol=1e-10)
    np.testing.assert_allclose(coords.mean(axis=0), 0.0, atol=1e-12)
    assert coords[:, 0].var() >= coords[:, 1].var()  # the first axis holds the most spread
    np.testing.assert_array_equal(project_2d(points), coords)
    np.testing.assert_array_equal(project_2d(-points), project_2d(points) * [1, 1])  # signs follow the order
    order = np.arange(40) - 19.5
    assert np.all(order @ coords >= 0)


def test_project_2d_degenerate_inputs():
    np.testing.assert_array_equal(project_2d(np.ones((5, 3))), np.zeros((5, 2)))
    np.testing.assert_allclose(project_2d([[0.0], [1.0], [3.0]]), [[-4 / 3, 0.0], [-1 / 3, 0.0], [5 / 3, 0.0]])


@pytest.mark.parametrize("sigma_w, width, expected", [(1.0, 1, math.sqrt(0.5)), (2.0, 3, math.sqrt(3.0)), (0.0, 5, 0.0)])
def test_raghu_relu_bound_examples(sigma_w, width, expected):
    assert raghu_relu_bound(sigma_w, width) == pytest.approx(expected, rel=1e-15)


def test_raghu_relu_bound_exceeds_the_direct_calculation_at_he_init():
    # The quoted bound's base tends to sigma_w; the direct calculation gives sigma_w / sqrt(2).
    for width in (10, 100, 1000):
        assert raghu_relu_bound(math.sqrt(2.0), width) > 1.3 > relu_growth(math.sqrt(2.0))


def test_arc_length_experiment_is_exact_deterministic_and_uses_an_independent_arc():
    lengths, changes = arc_length_experiment(8, 3, sigma_w=2.0, sigma_b=0.5, activation="hardtanh", in_dim=4,
                                             seeds=(0, 5))
    assert lengths.shape == (2, 4) and changes.shape == (2, 3)
    for row, seed in enumerate((0, 5)):
        net = random_mlp(4, [8] * 3, activation="hardtanh", sigma_w=2.0, sigma_b=0.5, seed=seed)
        x0, x1 = arc_endpoints(4, seed=seed + ARC_SEED_OFFSET)
        expected = exact_arc_profile(net, x0, x1)
        np.testing.assert_array_equal(lengths[row], expected[0])
        np.testing.assert_array_equal(changes[row], expected[1])
    again = arc_length_experiment(8, 3, sigma_w=2.0, sigma_b=0.5, activation="hardtanh", in_dim=4, seeds=(0, 5))
    np.testing.assert_array_equal(again[0], lengths)
    # in_dim defaults to the width
    assert arc_length_experiment(5, 1, sigma_w=1.0, seeds=(1,))[0][0, 0] == pytest.approx(
        _ellipse_arc_length(*arc_endpoints(5, seed=1 + ARC_SEED_OFFSET)), rel=1e-10)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(seeds=()), ValueError, r"seeds must be a non-empty tuple"),
        (dict(seeds=3), ValueError, r"seeds must be a non-empty tuple of non-negative ints, got 3"),
        (dict(seeds=(0, -1)), ValueError, r"seed must be a non-negative int, got -1"),
        (dict(in_dim=0), ValueError, r"in_dim must be >= 1, got 0"),
        (dict(sigma_w=-1.0), ValueError, r"sigma_w must be finite and >= 0"),
        (dict(activation="tanh"), ValueError, r"activation"),
    ],
)
def test_arc_length_experiment_rejects_bad_input(kwargs, error, message):
    args = dict(sigma_w=1.0) | kwargs
    with pytest.raises(error, match=message):
        arc_length_experiment(4, 2, **args)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_perturbation_matters_more_with_more_remaining_depth_in_chaotic_hardtanh(seed):
    # sigma_w^2 = 16: every layer stretches ~1.8x, so a change at layer 1 is stretched 5 more times
    # than one at layer 6 (measured ratio 10-20 over seeds 0-2; 3 leaves a wide margin).
    net = random_mlp(50, [50] * 6, activation="hardtanh", sigma_w=4.0, seed=seed)
    change = perturbation_by_layer(net, arc(50, 300, seed=seed + ARC_SEED_OFFSET), scale=0.01, seed=seed)
    assert np.all(np.diff(change) < 0), change
    assert change[0] > 3 * change[-1]


def test_perturbation_of_a_bias_free_relu_net_is_the_same_at_every_layer():
    # A bias-free ReLU net is positively homogeneous and at He init keeps lengths: averaged over
    # seeds, relative changes stay within 15 % of each other whichever layer is perturbed (measured
    # at width 100 over seeds 0-2: within 1 %; single width-50 nets scatter by up to 50 %).
    change = np.mean([perturbation_by_layer(random_mlp(100, [100] * 6, sigma_w=math.sqrt(2.0), seed=seed),
                                            arc(100, 500, seed=seed + ARC_SEED_OFFSET), scale=0.01, seed=seed)
                      for seed in range(3)], axis=0)
    assert change.max() < 1.15 * change.min(), change


def test_perturbation_by_layer_is_linear_for_small_scales_and_seeded():
    net = random_mlp(5, [16, 16], activation="hardtanh", sigma_w=2.0, sigma_b=0.3, seed=4)
    points = arc(5, 100, seed=5)
    small, smaller = (perturbation_by_layer(net, points, scale=s, seed=7) for s in (1e-6, 1e-7))
    np.testing.assert_allclose(small, 10 * smaller, rtol=1e-3)
    np.testing.assert_array_equal(perturbation_by_layer(net, points, scale=1e-6, seed=7), small)
    assert not np.array_equal(perturbation_by_layer(net, points, scale=1e-6, seed=8), small)


# --------------------------------------------------------------------------------------------------
# errors


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: arc(0, 10, seed=0), ValueError, r"in_dim must be >= 1, got 0"),
        (lambda: arc(2.0, 10, seed=0), TypeError, r"in_dim must be an int >= 1, got 2\.0"),
        (lambda: arc(2, 1, seed=0), ValueError, r"n_points must be >= 2, got 1"),
        (lambda: arc(2, 10, seed="a"), TypeError, r"seed must be a non-negative int, got 'a'"),
        (lambda: arc_endpoints(2, seed=-1), ValueError, r"seed must be a non-negative int, got -1"),
        (lambda: length([1.0, 2.0]), ValueError, r"points must be a 2-D \(n, d\) array .* got shape \(2,\)"),
        (lambda: length([[1.0, 2.0]]), ValueError, r"points must hold at least 2 points \(rows\), got 1"),
        (lambda: length([[0.0, 0.0], [1.0, np.nan], [2.0, 2.0]]), ValueError, r"points must be finite; found 1 NaN"),
        (lambda: length([["a", "b"], ["c", "d"]]), TypeError, r"points must be an array of real numbers"),
        (lambda: layer_lengths(ABS_NET, [[0.0, 1.0], [1.0, 2.0]]), ValueError, r"points must have shape \(n, 1\) .* got \(2, 2\)"),
        (lambda: layer_lengths(ABS_NET, [[0.0], [np.inf]]), ValueError, r"points must be finite"),
        (lambda: layer_lengths("net", [[0.0], [1.0]]), TypeError, r"net must be a torch.nn.Sequential"),
        (lambda: transitions(ABS_NET, [[0.0], [1.0], [np.nan]]), ValueError, r"points must be finite"),
        (lambda: transitions(ABS_NET, [[0.0]]), ValueError, r"points must hold at least 2 points"),
        (lambda: growth_rate([1.0]), ValueError, r"lengths must be a 1-D array of at least 2 values, got shape \(1,\)"),
        (lambda: growth_rate([[1.0, 2.0]]), ValueError, r"lengths must be a 1-D array .* got shape \(1, 2\)"),
        (lambda: growth_rate([1.0, 0.0, 2.0]), ValueError, r"lengths must be positive and finite .* got \[0\.0\] at index \[1\]"),
        (lambda: growth_rate([1.0, 2.0, -3.0]), ValueError, r"lengths must be positive .* got \[-3\.0\] at index \[2\]"),
        (lambda: growth_rate([1.0, np.nan]), ValueError, r"lengths must be positive and finite .* at index \[1\]"),
        (lambda: growth_rate("ab"), TypeError, r"lengths must be an array of real numbers"),
        (lambda: raghu_beta(-1.0, 0.0, 10), ValueError, r"sigma_w must be finite and >= 0, got -1\.0"),
        (lambda: raghu_beta(1.0, np.inf, 10), ValueError, r"sigma_b must be finite and >= 0, got inf"),
        (lambda: raghu_beta(1.0, 0.0, 0), ValueError, r"width must be >= 1, got 0"),
        (lambda: raghu_beta(1.0, 0.0, 2.5), TypeError, r"width must be an int >= 1, got 2\.5"),
        (lambda: raghu_beta("1", 0.0, 10), TypeError, r"sigma_w must be a real number, got '1'"),
        (lambda: raghu_beta(True, 0.0, 10), TypeError, r"sigma_w must be a real number, got True"),
        (lambda: relu_growth(np.nan), ValueError, r"sigma_w must be finite and >= 0, got nan"),
        (lambda: relu_growth([1.0]), TypeError, r"sigma_w must be a real number"),
        (lambda: hardtanh_meanfield_growth(-0.5, 0.0), ValueError, r"sigma_w must be finite and >= 0"),
        (lambda: hardtanh_meanfield_growth(1.0, -0.1), ValueError, r"sigma_b must be finite and >= 0, got -0\.1"),
        (lambda: exact_transitions_arc(PLANE_RELU, [1.0, 0.0, 0.0], [0.0, 1.0]), ValueError, r"x0 must be a 1-D array of length 2"),
        (lambda: exact_transitions_arc(PLANE_RELU, [1.0, 0.0], [2.0, 0.0]), ValueError, r"x0 and x1 must be linearly independent"),
        (lambda: exact_layer_lengths_arc(PLANE_RELU, [1.0, 0.0], [np.nan, 1.0]), ValueError, r"x1 must be finite"),
        (lambda: exact_layer_lengths_arc(PLANE_RELU, [0.0, 0.0], [0.0, 1.0]), ValueError, r"linearly independent"),
        (lambda: exact_layer_lengths(ABS_NET, [1.0], [1.0]), ValueError, r"start and end must differ"),
        (lambda: exact_layer_lengths(ABS_NET, [[1.0]], [2.0]), ValueError, r"start must be a 1-D array of length 1"),
        (lambda: exact_arc_profile(PLANE_RELU, [1.0, 0.0], [2.0, 0.0]), ValueError, r"x0 and x1 must be linearly independent"),
        (lambda: exact_layer_transitions_arc(PLANE_RELU, [1.0, np.inf], [0.0, 1.0]), ValueError, r"x0 must be finite"),
        (lambda: layer_images(ABS_NET, [[0.0, 1.0], [1.0, 2.0]]), ValueError, r"points must have shape \(n, 1\)"),
        (lambda: project_2d([[1.0, 2.0]]), ValueError, r"points must hold at least 2 points"),
        (lambda: project_2d([[1.0, np.nan], [0.0, 0.0]]), ValueError, r"points must be finite"),
        (lambda: raghu_relu_bound(1.0, 0), ValueError, r"width must be >= 1, got 0"),
        (lambda: raghu_relu_bound(-1.0, 3), ValueError, r"sigma_w must be finite and >= 0"),
        (lambda: perturbation_by_layer(ABS_NET, [[0.0], [1.0]], scale=0.0, seed=0), ValueError, r"scale must be"),
        (lambda: perturbation_by_layer(ABS_NET, [[0.0], [1.0]], seed=-2), ValueError, r"seed must be a non-negative int"),
        (lambda: perturbation_by_layer(random_mlp(1, [], seed=0), [[0.0], [1.0]], seed=0), ValueError,
         r"net must have at least one hidden layer"),
    ],
)
def test_errors_name_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: arc(1, 2, seed=0),
        lambda: length([[0.0], [1.0]]),
        lambda: growth_rate([1.0, 1.0]),
        lambda: raghu_beta(0.0, 0.0, 1),
        lambda: relu_growth(0.0),
        lambda: hardtanh_meanfield_growth(np.float32(2.0), 0),
        lambda: transitions(ABS_NET, [[0.0], [1.0]]),
    ],
)
def test_boundary_values_are_accepted(call):
    call()
