"""Tests for :mod:`exprlib.compression`: stable units on a box and lossless compression.

Contract tests check the guarantees on data: a unit called always (never) active has z >= 0
(z <= 0) at dense random points and corners of the box; every witness point is in the box and
switches its unit as claimed; a compressed net equals the original at dense points of the box.
The exact classification is checked against an independent oracle on tiny 2-input nets: the
exact 2-D regions of :mod:`exprlib.regions`, where a unit seen on in one region and off in
another is undecided, and a unit in one state in every region is stable. Nets come from
hypothesis (derandomized), including large biases that make many units dead or always on.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exprlib.compression import ACTIVE, INACTIVE, UNDECIDED, StableUnits, compress, interval_bounds, stable_units
from exprlib.nets import as_numpy, from_weights, random_mlp
from exprlib.regions import regions_2d

PROPERTY = settings(
    derandomize=True,
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Compression regroups the net's own sums (products of at most 4 small matrices, one least-
# squares solve per mixed layer on well-conditioned rows chosen by pivoted QR), so outputs
# differ by float64 rounding of the terms' absolute sizes; 1e-11 of that size is ~5e4 eps.
REL_TOL = 1e-11
# A stable unit's pre-activation may sit on the wrong side of 0 only by the rounding of its sum.
SIGN_TOL = 1e-12

GRID = (1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 0.0)
BOXES = (((-1.0, -1.0), (1.0, 1.0)), ((0.0, 0.0), (1.0, 1.0)), ((-0.5, -2.0), (0.5, 1.0)))


# ----------------------------------------------------------------------------- helpers


def _raw_net(in_dim, widths, out_dim, style, bias_scale, seed):
    rng = np.random.default_rng(seed)
    sizes = [in_dim, *widths, out_dim]
    weights, biases = [], []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        if style == "grid":  # zero rows, duplicated units, units touching 0 on box edges
            weights.append(rng.choice(GRID, (fan_out, fan_in)))
            biases.append(rng.choice(GRID, fan_out) * bias_scale)
        else:
            weights.append(rng.normal(0.0, 1.0, (fan_out, fan_in)) / np.sqrt(fan_in))
            biases.append(rng.normal(0.0, bias_scale, fan_out))
    return weights, biases


@st.composite
def nets(draw, in_dims=(1, 2, 3, 4), styles=("normal", "grid"), max_width=5, max_out=2):
    in_dim = draw(st.sampled_from(in_dims))
    widths = draw(st.lists(st.integers(1, max_width), min_size=1, max_size=3))
    out_dim = draw(st.integers(1, max_out))
    style = draw(st.sampled_from(styles))
    bias_scale = draw(st.sampled_from((1.0, 0.0, 3.0)))  # 3: many dead or always-on units
    seed = draw(st.integers(0, 2**32 - 1))
    return from_weights(*_raw_net(in_dim, widths, out_dim, style, bias_scale, seed))


@st.composite
def boxes(draw, dim):
    lows = np.array(draw(st.lists(st.sampled_from((-1.0, -0.5, 0.0, 0.25)), min_size=dim, max_size=dim)))
    sizes = np.array(draw(st.lists(st.sampled_from((0.5, 1.0, 2.0)), min_size=dim, max_size=dim)))
    return lows, lows + sizes


def _box_points(lows, highs, n=3000, seed=0):
    rng = np.random.default_rng(seed)
    inside = lows + rng.random((n, len(lows))) * (highs - lows)
    corners = np.array(list(itertools.product(*zip(lows, highs))))[:64]
    return np.vstack([inside, corners, (lows + highs)[None] / 2])


def _scale(mlp, x):
    """The size of the terms summed into each output: the net with |W|, |b| at |x|."""
    h = np.abs(x)
    for w, b in zip(mlp.weights, mlp.biases):
        h = h @ np.abs(w).T + np.abs(b)
    return h


def _region_oracle(net, box):
    """Each unit's class from its sign at an interior point of every exact region of the box.

    Inside a region every pre-activation is affine with a constant sign (> 0, < 0 or ≡ 0), and
    the regions cover the box: z > 0 in some region and z < 0 in another means the unit
    switches; otherwise z >= 0 (or <= 0) on the whole box. (Patterns alone cannot tell z ≡ 0
    on a region from z < 0, hence the signs at centroids.)
    """
    mlp = as_numpy(net)
    centroids = regions_2d(net, box).centroids
    z = np.concatenate(mlp.preactivations(centroids), axis=1)
    size = np.concatenate(
        [_scale(as_numpy(from_weights(mlp.weights[: l + 1], mlp.biases[: l + 1])), centroids)
         for l in range(mlp.depth)], axis=1)
    pos, neg = (z > SIGN_TOL * size).any(axis=0), (z < -SIGN_TOL * size).any(axis=0)
    return np.where(pos & neg, UNDECIDED, np.where(pos, ACTIVE, INACTIVE))


def _check_sound(net, units, lows, highs):
    mlp = as_numpy(net)
    x = _box_points(lows, highs)
    for l, z in enumerate(mlp.preactivations(x)):
        size = _scale(as_numpy(from_weights(mlp.weights[: l + 1], mlp.biases[: l + 1])), x)
        state = units.states[l]
        assert (z[:, state == ACTIVE] >= -SIGN_TOL * size[:, state == ACTIVE]).all()
        assert (z[:, state == INACTIVE] <= SIGN_TOL * size[:, state == INACTIVE]).all()
        assert (z >= units.lower[l] - SIGN_TOL * size).all() and (z <= units.upper[l] + SIGN_TOL * size).all()
        for points, sign in ((units.on_points[l], 1), (units.off_points[l], -1)):
            known = ~np.isnan(points).any(axis=1)
            assert ((points[known] >= lows) & (points[known] <= highs)).all()
            z_at = mlp.preactivations(points[known])[l] if known.any() else np.zeros((0, len(state)))
            assert (sign * z_at[np.arange(known.sum()), np.flatnonzero(known)] > 0).all()
        witnessed = units.decided_by[l] == "witness"
        assert (state[witnessed] == UNDECIDED).all()
        assert not np.isnan(units.on_points[l][witnessed]).any()
        assert not np.isnan(units.off_points[l][witnessed]).any()


def _check_equal(net, small, lows, highs):
    big, little = as_numpy(net), as_numpy(small)
    x = _box_points(lows, highs, seed=1)
    diff = np.abs(little.forward(x) - big.forward(x))
    assert (diff <= REL_TOL * _scale(big, x) + 1e-300).all(), f"max difference {diff.max():.3g}"


# ----------------------------------------------------------------------------- interval bounds


def test_interval_bounds_example():
    net = from_weights([[[1.0, -2.0], [0.0, 0.0]], [[1.0, 1.0]], [[1.0]]], [[0.5, -1.0], [-1.0], [0.0]])
    (lo1, hi1), (lo2, hi2) = interval_bounds(net, ([0.0, 0.0], [1.0, 1.0]))
    np.testing.assert_array_equal(lo1, [-1.5, -1.0])
    np.testing.assert_array_equal(hi1, [1.5, -1.0])
    np.testing.assert_array_equal(lo2, [-1.0])
    np.testing.assert_array_equal(hi2, [0.5])


@PROPERTY
@given(data=st.data())
def test_interval_bounds_contain_every_value_and_are_exact_in_layer_one(data):
    net = data.draw(nets())
    mlp = as_numpy(net)
    lows, highs = data.draw(boxes(mlp.in_dim))
    bounds = interval_bounds(net, (lows, highs))
    x = _box_points(lows, highs)
    for (lo, hi), z in zip(bounds, mlp.preactivations(x)):
        assert (z >= lo - 1e-12).all() and (z <= hi + 1e-12).all()
    corners = np.array(list(itertools.product(*zip(lows, highs))))
    z1 = mlp.preactivations(corners)[0]
    np.testing.assert_allclose(z1.min(axis=0), bounds[0][0], atol=1e-12)
    np.testing.assert_allclose(z1.max(axis=0), bounds[0][1], atol=1e-12)


# ----------------------------------------------------------------------------- stable_units


@PROPERTY
@given(data=st.data())
def test_stable_units_are_stable_on_dense_points(data):
    net = data.draw(nets())
    mlp = as_numpy(net)
    lows, highs = data.draw(boxes(mlp.in_dim))
    units = stable_units(net, (lows, highs), tighten=data.draw(st.booleans()))
    _check_sound(net, units, lows, highs)
    loose = stable_units(net, (lows, highs), exact=False)
    _check_sound(net, loose, lows, highs)
    for exact_state, bound_state, by in zip(units.states, loose.states, loose.decided_by):
        decided = bound_state != UNDECIDED  # bounds decide a subset, the same way
        np.testing.assert_array_equal(exact_state[decided], bound_state[decided])
        assert set(by[decided]) <= {"bounds"}


@PROPERTY
@given(net=nets(in_dims=(2,)), box=st.sampled_from(BOXES))
def test_stable_units_agree_with_exact_regions(net, box):
    """Oracle: the exact 2-D regions. z > 0 inside some region and z < 0 inside another:
    undecided; otherwise stable. Only units left "open" (extreme within tolerance of 0, as for
    units that touch 0 on grid nets) may be undecided where the regions say stable."""
    (x0, y0), (x1, y1) = box
    oracle = _region_oracle(net, (x0, x1, y0, y1))
    units = stable_units(net, (np.array(box[0]), np.array(box[1])))
    ours, by = np.concatenate(units.states), np.concatenate(units.decided_by)
    switching = oracle == UNDECIDED
    assert (ours[switching] == UNDECIDED).all(), "a unit that switches in the box was called stable"
    assert (by[switching] == "witness").all()  # and witnesses prove it
    stable = ~switching
    mismatch = stable & (ours != oracle)
    # a unit with z >= 0 that touches 0 is "all off" when z = 0 on a whole region (a zero row)
    assert ((ours[mismatch] == UNDECIDED) & (by[mismatch] == "open")).all() or not mismatch.any()


def test_stable_units_agree_with_exact_regions_on_normal_nets():
    """On generic weights nothing is left open: the MILP decides exactly what the regions show."""
    decided_by_milp = 0
    for seed in range(6):
        net = random_mlp(2, [5, 5, 4], seed=seed, sigma_b=1.5)
        oracle = _region_oracle(net, (-1, 1, -1, 1))
        units = stable_units(net, (-1.0, 1.0))
        np.testing.assert_array_equal(np.concatenate(units.states), oracle)
        decided_by_milp += int((np.concatenate(units.decided_by) == "milp").sum())
    assert decided_by_milp > 0  # the MILP path was exercised, not only interval bounds


def test_stable_units_tighten_decides_the_same_or_more_soundly():
    net = random_mlp(2, [6, 6, 6], seed=3, sigma_b=1.5)
    plain = stable_units(net, (-1.0, 1.0))
    tight = stable_units(net, (-1.0, 1.0), tighten=True)
    _check_sound(net, tight, np.full(2, -1.0), np.full(2, 1.0))
    for a, b, lo_a, lo_b, hi_a, hi_b in zip(plain.states, tight.states, plain.lower, tight.lower, plain.upper,
                                            tight.upper):
        decided = a != UNDECIDED
        np.testing.assert_array_equal(a[decided], b[decided])
        assert (lo_b >= lo_a - 1e-9).all() and (hi_b <= hi_a + 1e-9).all()  # never looser
    np.testing.assert_array_equal(np.concatenate(tight.states), _region_oracle(net, (-1, 1, -1, 1)))


def test_stable_units_milp_beats_interval_bounds():
    net = random_mlp(3, [8, 8, 8], seed=5, sigma_b=2.0)
    exact = stable_units(net, (-1.0, 1.0))
    loose = stable_units(net, (-1.0, 1.0), exact=False)
    n_exact = sum((s != UNDECIDED).sum() for s in exact.states)
    n_loose = sum((s != UNDECIDED).sum() for s in loose.states)
    assert n_exact > n_loose and exact.milp_solves > 0 and loose.milp_solves == 0


def test_stable_units_at_exactly_zero_counts_as_inactive():
    # z1 = 0 (zero row, zero bias): both >= 0 and <= 0, called never active; z2 = x >= 0 on [0, 1]
    net = from_weights([[[0.0], [1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    units = stable_units(net, (0.0, 1.0))
    np.testing.assert_array_equal(units.states[0], [INACTIVE, ACTIVE])
    assert units.counts() == [{"active": 1, "inactive": 1, "undecided": 0}]
    assert "1/1/0" in repr(units)
    assert [a.tolist() for a in units.active] == [[1]] and [a.tolist() for a in units.inactive] == [[0]]


def test_stable_units_degenerate_box_is_a_point():
    net = random_mlp(3, [6, 6], seed=2, sigma_b=1.0)
    x = np.array([0.3, -0.2, 0.1])
    units = stable_units(net, (x, x))
    z = [zl[0] for zl in as_numpy(net).preactivations(x[None])]
    for state, zl in zip(units.states, z):
        np.testing.assert_array_equal(state, np.where(zl > 0, ACTIVE, INACTIVE))


def test_stable_units_never_fires_on_data_is_not_provably_dead():
    """A unit off at every sample can still switch on in the box: the MILP finds where."""
    # z2 = relu(x1 - 0.99) + relu(x2 - 0.99) - 0.015 > 0 only in a corner of [0, 1]^2 of area ~1e-5
    net = from_weights([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]], [[1.0]]], [[-0.99, -0.99], [-0.015], [0.0]])
    samples = np.random.default_rng(0).random((2000, 2))
    assert (as_numpy(net).preactivations(samples)[1] <= 0).all()
    units = stable_units(net, (0.0, 1.0), probes=0)
    assert units.states[1][0] == UNDECIDED and units.decided_by[1][0] == "witness"
    on = units.on_points[1][0]
    assert as_numpy(net).preactivations(on[None])[1][0, 0] > 0


def test_stable_units_milp_finds_a_switch_the_relaxation_misses():
    """z2 = 10 relu(x) - 10 relu(x) + 3 tent(x) - 0.02 > 0 only for |x - 1/2| < 1/300. The LP
    relaxation's optimum sits at x = 0 (its gap on the cancelling pair is 5 there), the box
    centre and corners miss the bump: only the exact MILP finds the switch."""
    net = from_weights([[[1.0]] * 5, [[10.0, -10.0, 3.0, -6.0, 3.0]], [[1.0]]],
                       [[0.0, 0.0, -0.49, -0.5, -0.51], [-0.02], [0.0]])
    units = stable_units(net, (-1.0, 1.0), probes=0)
    assert units.states[1][0] == UNDECIDED and units.decided_by[1][0] == "witness"
    (on,) = units.on_points[1]
    assert abs(on[0] - 0.5) < 1 / 300
    assert as_numpy(compress(net, (-1.0, 1.0), units=units)).widths == (5, 1)


# ----------------------------------------------------------------------------- compress


@PROPERTY
@given(data=st.data())
def test_compress_equals_net_on_the_box(data):
    net = data.draw(nets())
    mlp = as_numpy(net)
    lows, highs = data.draw(boxes(mlp.in_dim))
    units = stable_units(net, (lows, highs))
    small = compress(net, (lows, highs), units=units)
    _check_equal(net, small, lows, highs)
    little = as_numpy(small)
    # never removes an undecided unit: kept layers are exactly those with undecided units, each
    # with all of them plus at most its active ones (a basis of them)
    kept = [c for c in units.counts() if c["undecided"]]
    assert len(little.widths) == len(kept)
    for width, c in zip(little.widths, kept):
        assert c["undecided"] <= width <= c["undecided"] + c["active"]
    assert little.out_dim == mlp.out_dim and little.in_dim == mlp.in_dim


def test_compress_removes_and_folds_many_stable_units():
    net = random_mlp(4, [32, 32, 32], out_dim=3, seed=1, sigma_b=3.0)
    box = (-0.5, 0.5)
    units = stable_units(net, box)
    small = compress(net, box, units=units)
    lows, highs = np.full(4, -0.5), np.full(4, 0.5)
    _check_equal(net, small, lows, highs)
    assert sum(as_numpy(small).widths) < sum(c["undecided"] + c["active"] for c in units.counts())
    assert sum(as_numpy(small).widths) < 96


def test_compress_keeps_a_basis_of_active_units():
    # 2 inputs, 4 always-active units in a layer that also keeps an undecided unit: only
    # rank 2 of the active ones survive; the others are folded into the readout
    w1 = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, -1.0], [1.0, -1.0]])
    b1 = np.array([5.0, 5.0, 10.0, 10.0, 0.0])
    net = from_weights([w1, np.array([[1.0, -2.0, 3.0, 0.5, 1.0]])], [b1, [0.25]])
    small = compress(net, (-1.0, 1.0))
    assert as_numpy(small).widths == (3,)
    _check_equal(net, small, np.full(2, -1.0), np.full(2, 1.0))


def test_compress_fully_stable_net_becomes_linear():
    net = from_weights([[[1.0], [-1.0]], [[1.0, 1.0], [1.0, -1.0]], [[2.0, 1.0]]], [[3.0, -3.0], [0.0, 0.0], [1.0]])
    small = compress(net, (0.0, 1.0))  # layer 1: on, off; layer 2: on, on
    assert [type(m).__name__ for m in small] == ["Linear"]
    x = np.linspace(0.0, 1.0, 11)[:, None]
    np.testing.assert_allclose(as_numpy(small).forward(x), as_numpy(net).forward(x), rtol=0, atol=1e-14)


def test_compress_all_dead_layer_gives_a_constant():
    net = from_weights([np.ones((3, 2)), np.ones((2, 3)), np.ones((1, 2))], [np.full(3, -5.0), [1.0, -1.0], [0.5]])
    small = compress(net, (-1.0, 1.0))
    mlp = as_numpy(small)
    assert mlp.widths == () and (mlp.weights[0] == 0).all()
    np.testing.assert_array_equal(mlp.forward(np.zeros((1, 2))), [[1.5]])


def test_compress_nothing_stable_keeps_the_net():
    net = random_mlp(2, [6], seed=0)  # bias-free: every unit's line crosses the origin
    assert stable_units(net, (-1.0, 1.0)).counts() == [{"active": 0, "inactive": 0, "undecided": 6}]
    small = compress(net, (-1.0, 1.0))
    for a, b in zip(as_numpy(small).weights, as_numpy(net).weights):
        np.testing.assert_array_equal(a, b)


def test_compress_differs_off_the_box():
    net = from_weights([[[1.0]], [[1.0]]], [[0.0], [0.0]])  # relu(x), always on in [0, 1]
    small = compress(net, (0.0, 1.0))
    assert as_numpy(small).forward(np.array([[-2.0]]))[0, 0] == -2.0
    assert as_numpy(net).forward(np.array([[-2.0]]))[0, 0] == 0.0


# ----------------------------------------------------------------------------- errors


def test_valid_box_forms():
    net = random_mlp(3, [4], seed=0)
    a = stable_units(net, (0.0, 1.0))
    b = stable_units(net, (np.zeros(3), [1, 1, 1]))
    assert all(np.array_equal(x, y) for x, y in zip(a.states, b.states))
    assert isinstance(a, StableUnits) and a.widths == (4,)


@pytest.mark.parametrize(
    ("net", "box", "kwargs", "error", "match"),
    [
        (torch.nn.Linear(2, 1), (0, 1), {}, TypeError, "net must be a torch.nn.Sequential"),
        (random_mlp(2, [3], activation="hardtanh", seed=0), (0, 1), {}, ValueError, "ReLU network.*hardtanh"),
        (random_mlp(2, [3], seed=0), 1.0, {}, TypeError, r"box must be a pair \(lows, highs\)"),
        (random_mlp(2, [3], seed=0), (0, 1, 2), {}, TypeError, "box must be a pair"),
        (random_mlp(2, [3], seed=0), "ab", {}, TypeError, "box must be a pair"),
        (random_mlp(2, [3], seed=0), ([0, 0, 0], [1, 1, 1]), {}, ValueError, r"lows have shape \(3,\).*2 inputs"),
        (random_mlp(2, [3], seed=0), ([0, 0], [1, np.nan]), {}, ValueError, r"box highs must be finite; entries \[1\]"),
        (random_mlp(2, [3], seed=0), ([0, 2], [1, 1]), {}, ValueError, r"lows <= highs; inputs \[1\]"),
        (random_mlp(2, [3], seed=0), (["a", "b"], [1, 1]), {}, TypeError, "box lows must be"),
        (random_mlp(2, [3], seed=0), (0, 1), {"exact": 1}, TypeError, "exact must be True or False"),
        (random_mlp(2, [3], seed=0), (0, 1), {"tighten": "yes"}, TypeError, "tighten must be True or False"),
        (random_mlp(2, [3], seed=0), (0, 1), {"probes": -1}, ValueError, "probes must be >= 0"),
        (random_mlp(2, [3], seed=0), (0, 1), {"probes": 2.5}, TypeError, "probes"),
        (random_mlp(2, [3], seed=0), (0, 1), {"time_limit": 0}, ValueError, "time_limit must be finite and > 0"),
    ],
)
def test_stable_units_invalid(net, box, kwargs, error, match):
    with pytest.raises(error, match=match):
        stable_units(net, box, **kwargs)


def test_interval_bounds_invalid():
    with pytest.raises(ValueError, match="ReLU network"):
        interval_bounds(random_mlp(1, [2], activation="hardtanh", seed=0), (0, 1))
    with pytest.raises(ValueError, match="lows <= highs"):
        interval_bounds(random_mlp(1, [2], seed=0), (1, 0))


def test_compress_invalid_units():
    net = random_mlp(2, [3, 3], seed=0)
    units = stable_units(net, (0.0, 1.0))
    with pytest.raises(TypeError, match="units must be a StableUnits"):
        compress(net, (0.0, 1.0), units="all")
    with pytest.raises(ValueError, match=r"units must classify this net: it has widths \(3, 3\), the net \(4,\)"):
        compress(random_mlp(2, [4], seed=0), (0.0, 1.0), units=units)
    with pytest.raises(ValueError, match="same box"):
        compress(net, (0.0, 2.0), units=units)
    with pytest.raises(ValueError, match="ReLU network"):
        compress(random_mlp(2, [3], activation="hardtanh", seed=0), (0.0, 1.0))
