"""Tests for :mod:`exprlib.separation`: a deep ReLU net as the pointwise max of shallow nets.

Contract tests check the identity itself on data: max_i g_i(x) equals the net at dense random
points (everywhere for the full construction, on the box for the pruned one), every g_i stays
<= the net at every point tested, and region by region (at the centroid of every exact 2-D
region, at the midpoint of every exact 1-D interval) the term frozen at that region's own
pattern equals the net. Nets come from hypothesis (derandomized) in three weight styles:
normal draws, a degenerate grid (zeros, duplicated and touching units) and sparse rows (units
with all-zero incoming weights).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common import sawtooth
from exprlib.nets import as_numpy, from_weights, random_mlp
from exprlib.regions import breakpoints_1d, regions_2d
from exprlib.separation import ShallowCount, max_of_shallow, pointwise_max, shallow_term_count

PROPERTY = settings(
    derandomize=True,
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Each g_sigma is the net's own arithmetic regrouped (products of at most 4 small matrices), so
# it differs from the forward pass by float64 rounding of the terms' absolute sizes: ~n eps of
# |v|^T |W_L| ... |W_1| |x| + the biases' share. 1e-12 of that size is ~5000 eps: far above
# rounding, far below any error of a wrong construction (a missing violation term is O(1)).
REL_TOL = 1e-12

GRID = (1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 0.0)
BOXES_2D = ((-1.0, 1.0, -1.0, 1.0), (0.0, 1.0, 0.0, 1.0), (-0.5, 0.5, -2.0, 1.0), (-3.0, 3.0, -3.0, 3.0))


# ----------------------------------------------------------------------------- helpers


def _raw_net(in_dim: int, widths: list[int], style: str, bias: bool, seed: int) -> tuple[list, list]:
    rng = np.random.default_rng(seed)
    sizes = [in_dim, *widths, 1]
    weights, biases = [], []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        if style == "normal":
            w = rng.normal(0.0, 1.0, (fan_out, fan_in))
            b = rng.normal(0.0, 1.0, fan_out)
        elif style == "grid":  # touching units, coincident lines, duplicated rows, zeros
            w = rng.choice(GRID, (fan_out, fan_in))
            b = rng.choice(GRID, fan_out)
        else:  # "sparse": whole rows of zero incoming weights
            w = rng.normal(0.0, 1.0, (fan_out, fan_in)) * (rng.random((fan_out, 1)) < 0.6)
            b = rng.normal(0.0, 1.0, fan_out)
        weights.append(w)
        biases.append(b if bias else None)
    return weights, biases


@st.composite
def nets(draw, in_dims=(1, 2, 3), max_frozen: int = 7) -> torch.nn.Sequential:
    in_dim = draw(st.sampled_from(in_dims))
    depth = draw(st.integers(1, 3))
    widths, left = [], max_frozen
    for _ in range(depth - 1):
        n = draw(st.integers(1, max(1, min(4, left - (depth - 2)))))
        widths.append(n)
        left -= n
    widths.append(draw(st.integers(1, 4)))
    style = draw(st.sampled_from(("normal", "grid", "sparse")))
    bias = draw(st.booleans())
    seed = draw(st.integers(0, 2**32 - 1))
    return from_weights(*_raw_net(in_dim, widths, style, bias, seed))


def _scale(net: torch.nn.Sequential, x: np.ndarray) -> np.ndarray:
    """|v|^T |W_L| ... |W_1| |x| + the biases' share: the size of the terms summed into f(x)."""
    mlp = as_numpy(net)
    h = np.abs(x)
    for w, b in zip(mlp.weights, mlp.biases):
        h = h @ np.abs(w).T + np.abs(b)
    return h[:, 0] + 1e-300


def _check_max(net: torch.nn.Sequential, terms: list, x: np.ndarray) -> None:
    f = as_numpy(net).forward(x)[:, 0]
    tol = REL_TOL * _scale(net, x)
    each = np.stack([as_numpy(g).forward(x)[:, 0] for g in terms])  # (m, n)
    assert (each <= f + tol).all(), f"a term exceeds the net by {np.max(each - f):.3g}"
    np.testing.assert_array_less(np.abs(each.max(axis=0) - f), tol + 1e-300)
    np.testing.assert_array_less(np.abs(pointwise_max(terms, x) - each.max(axis=0)), tol + 1e-300)


def _frozen_units(net: torch.nn.Sequential) -> int:
    return sum(as_numpy(net).widths[:-1])


# ----------------------------------------------------------------------------- shallow_term_count


@pytest.mark.parametrize(
    ("widths", "expected"),
    [
        ([1], (1, 1, 1)),
        ([5], (1, 5, 5)),
        ([2, 3], (4, 5, 20)),
        ((4, 4, 4), (256, 12, 3072)),
        (np.array([6, 4, 4]), (2**10, 14, 14 * 2**10)),
        ([32] * 4, (2**96, 128, 128 * 2**96)),  # exact ints, no overflow
    ],
)
def test_shallow_term_count_examples(widths, expected):
    assert shallow_term_count(widths) == ShallowCount(*expected)


def test_shallow_term_count_grows_exponentially_with_depth():
    terms = [shallow_term_count([4] * depth).terms for depth in range(1, 6)]
    assert terms == [1, 16, 256, 4096, 65536]


def test_shallow_term_count_matches_max_of_shallow():
    net = random_mlp(2, [3, 2, 2], seed=3)
    terms = max_of_shallow(net)
    count = shallow_term_count([3, 2, 2])
    assert len(terms) == count.terms
    assert {as_numpy(g).widths for g in terms} == {(count.units_per_term,)}


@pytest.mark.parametrize(
    ("widths", "error", "match"),
    [([], ValueError, "at least one"), ([3, 0], ValueError, r"widths\[1\]"), (4, TypeError, "widths"),
     ([2, 1.5], TypeError, r"widths\[1\]"), ([True], TypeError, r"widths\[0\]")],
)
def test_shallow_term_count_invalid(widths, error, match):
    with pytest.raises(error, match=match):
        shallow_term_count(widths)


# ----------------------------------------------------------------------------- the identity


@PROPERTY
@given(net=nets())
def test_max_of_shallow_equals_net_everywhere(net):
    """Full construction: max_i g_i = f at dense random points far beyond any region scale."""
    terms = max_of_shallow(net)
    assert len(terms) == 2 ** _frozen_units(net)
    d = as_numpy(net).in_dim
    x = np.random.default_rng(0).uniform(-4.0, 4.0, (2000, d))
    _check_max(net, terms, x)
    for g in terms:  # real exprlib nets with one hidden layer
        mlp = as_numpy(g)
        assert mlp.depth == 1 and mlp.out_dim == 1 and mlp.in_dim == d


@PROPERTY
@given(net=nets(in_dims=(2,)), box=st.sampled_from(BOXES_2D))
def test_max_of_shallow_on_box_equals_net_region_by_region(net, box):
    """Pruned to a 2-D box: equal at dense points of the box and at the centroid of every exact
    region, where the term frozen at the region's own pattern is the one that attains f."""
    terms, patterns = max_of_shallow(net, box=box, return_patterns=True)
    _, all_patterns = max_of_shallow(net, return_patterns=True)
    assert {tuple(p) for p in patterns} <= {tuple(p) for p in all_patterns}
    xmin, xmax, ymin, ymax = box
    rng = np.random.default_rng(1)
    x = np.column_stack([rng.uniform(xmin, xmax, 2000), rng.uniform(ymin, ymax, 2000)])
    _check_max(net, terms, x)
    regions = regions_2d(net, box)
    n_frozen = _frozen_units(net)
    _check_max(net, terms, regions.centroids)
    index = {tuple(p): i for i, p in enumerate(patterns)}
    f = as_numpy(net).forward(regions.centroids)[:, 0]
    tol = REL_TOL * _scale(net, regions.centroids)
    for k, (centroid, pattern) in enumerate(zip(regions.centroids, regions.patterns)):
        own = terms[index[tuple(pattern[:n_frozen])]]  # every region's pattern was kept
        assert abs(as_numpy(own).forward(centroid[None])[0, 0] - f[k]) <= tol[k]


@PROPERTY
@given(net=nets(in_dims=(1,)), box=st.sampled_from(((-1.0, 1.0), (0.0, 0.5), (-3.0, 2.0))))
def test_max_of_shallow_on_interval_equals_net_interval_by_interval(net, box):
    terms, patterns = max_of_shallow(net, box=box, return_patterns=True)
    lo, hi = box
    t = np.concatenate([[0.0], breakpoints_1d(net, [lo], [hi]), [1.0]])
    mids = lo + 0.5 * (t[:-1] + t[1:]) * (hi - lo)  # one point inside every exact interval
    dense = np.linspace(lo, hi, 2003)
    _check_max(net, terms, np.concatenate([mids, dense, t * (hi - lo) + lo])[:, None])


def test_max_of_shallow_keeps_a_region_too_small_to_sample():
    """Layer-1 pattern (1, 0) holds only on (0, 1e-9]: found exactly, never by sampling."""
    net = from_weights([[[1.0], [1.0]], [[1.0, -1.0]], [[1.0]]], [[0.0, -1e-9], [0.0], [0.0]])
    _, patterns = max_of_shallow(net, box=(-1.0, 1.0), return_patterns=True)
    assert sorted(map(tuple, patterns.tolist())) == [(0, 0), (1, 0), (1, 1)]
    sampled = np.unique((np.linspace(-1, 1, 10001)[:, None] > [0.0, 1e-9]).astype(int), axis=0)
    assert len(sampled) == 2  # a dense grid misses it


def test_max_of_shallow_sawtooth_on_unit_interval():
    raw = sawtooth(3)
    net = raw.torch()
    full = max_of_shallow(net)
    pruned = max_of_shallow(net, box=(0.0, 1.0))
    assert len(full) == 2**4 and len(pruned) < len(full)
    x = np.linspace(0.0, 1.0, 4097)[:, None]  # every dyadic j / 4096, the kinks among them
    _check_max(net, pruned, x)
    _check_max(net, full, np.linspace(-2.0, 3.0, 5001)[:, None])
    np.testing.assert_allclose(pointwise_max(pruned, np.array([[0.0], [0.125], [0.0625]])), [0.0, 1.0, 0.5])


def test_pointwise_max_blocked_product_matches_one_net_at_a_time(monkeypatch):
    """Equal-width shallow terms go through one blocked product; other lists net by net."""
    import exprlib.separation as separation

    terms = max_of_shallow(random_mlp(3, [3, 2, 2], seed=4, sigma_b=1.0))
    x = np.random.default_rng(5).normal(size=(1000, 3))
    one_by_one = np.max([as_numpy(g).forward(x)[:, 0] for g in terms], axis=0)
    np.testing.assert_allclose(pointwise_max(terms, x), one_by_one, rtol=1e-13, atol=1e-13)
    mixed = [*terms, random_mlp(3, [2, 2], seed=0)]  # not all one hidden layer: the loop
    expected = np.maximum(one_by_one, as_numpy(mixed[-1]).forward(x)[:, 0])
    np.testing.assert_allclose(pointwise_max(mixed, x), expected, rtol=1e-13, atol=1e-13)
    monkeypatch.setattr(separation, "_BLOCK_FLOATS", 7 * len(terms) * 7)  # 7-point blocks, last one short
    np.testing.assert_allclose(pointwise_max(terms, x), one_by_one, rtol=1e-13, atol=1e-13)


# ----------------------------------------------------------------------------- degenerate nets


def test_max_of_shallow_depth_one_is_the_net_itself():
    net = random_mlp(3, [5], seed=7, sigma_b=1.0)
    (term,) = max_of_shallow(net)
    ours, theirs = as_numpy(term), as_numpy(net)
    for a, b in zip(ours.weights + ours.biases, theirs.weights + theirs.biases):
        np.testing.assert_array_equal(a, b)
    (boxed,) = max_of_shallow(random_mlp(2, [4], seed=1), box=(-1, 1, -1, 1))
    assert as_numpy(boxed).widths == (4,)


def test_max_of_shallow_zero_net():
    net = from_weights([np.zeros((2, 2)), np.zeros((3, 2)), np.zeros((1, 3))], [None, None, None])
    terms = max_of_shallow(net)
    assert len(terms) == 4
    x = np.random.default_rng(0).normal(size=(50, 2))
    assert (pointwise_max(terms, x) == 0.0).all()
    assert len(max_of_shallow(net, box=(-1, 1, -1, 1))) == 1  # one region: everything off


def test_max_of_shallow_dead_unit_and_bias_free():
    weights = [np.array([[1.0, -1.0], [0.0, 0.0], [0.5, 2.0]]), np.array([[1.0, 1.0, -1.0], [-2.0, 0.0, 1.0]]),
               np.array([[1.0, -3.0]])]
    for biases in ([np.array([0.3, 0.7, -0.2]), np.array([0.1, -0.4]), np.array([0.5])], [None, None, None]):
        net = from_weights(weights, biases)
        x = np.random.default_rng(2).uniform(-3, 3, (3000, 2))
        _check_max(net, max_of_shallow(net), x)
        _check_max(net, max_of_shallow(net, box=(-3, 3, -3, 3)), x)


def test_max_of_shallow_terms_below_net_outside_the_box():
    """The pruned max may fall below f outside the box, but never exceeds it."""
    net = random_mlp(2, [4, 4], seed=11, sigma_b=0.5)
    terms = max_of_shallow(net, box=(0.0, 0.2, 0.0, 0.2))
    x = np.random.default_rng(3).uniform(-5, 5, (3000, 2))
    f = as_numpy(net).forward(x)[:, 0]
    assert (pointwise_max(terms, x) <= f + REL_TOL * _scale(net, x)).all()


# ----------------------------------------------------------------------------- errors


def test_max_of_shallow_valid_call_returns_float64_nets():
    terms = max_of_shallow(random_mlp(2, [2, 2], seed=0))
    assert all(isinstance(g, torch.nn.Sequential) and g[0].weight.dtype == torch.float64 for g in terms)


@pytest.mark.parametrize(
    ("net", "kwargs", "error", "match"),
    [
        (torch.nn.Linear(2, 1), {}, TypeError, "net must be a torch.nn.Sequential"),
        (random_mlp(2, [3], activation="hardtanh", seed=0), {}, ValueError, "net must be a ReLU network.*hardtanh"),
        (random_mlp(2, [3], out_dim=2, seed=0), {}, ValueError, "net must have one output, got 2"),
        (from_weights([np.ones((1, 2))], [None]), {}, ValueError, "at least one hidden layer"),
        (random_mlp(2, [7, 7, 1], seed=0), {}, ValueError, r"needs 16384 terms \(2\^14\).*max_terms=4096"),
        (random_mlp(2, [3, 3], seed=0), {"max_terms": 4}, ValueError, "needs 8 terms"),
        (random_mlp(2, [3, 3], seed=0), {"max_terms": True}, TypeError, "max_terms"),
        (random_mlp(2, [3, 3], seed=0), {"max_terms": 0}, ValueError, "max_terms must be >= 1"),
        (random_mlp(2, [3, 3], seed=0), {"box": (0, 1)}, ValueError, r"box must be \(xmin, xmax, ymin, ymax\)"),
        (random_mlp(1, [3, 3], seed=0), {"box": (0, 1, 0, 1)}, ValueError, r"box must be \(xmin, xmax\)"),
        (random_mlp(1, [3, 3], seed=0), {"box": (1, 0)}, ValueError, "each min < max"),
        (random_mlp(2, [3, 3], seed=0), {"box": (0, 1, 0, np.nan)}, ValueError, "finite"),
        (random_mlp(2, [3, 3], seed=0), {"box": "abcd"}, TypeError, "box must be"),
        (random_mlp(3, [3, 3], seed=0), {"box": (0, 1, 0, 1)}, ValueError, "1 or 2 inputs.*net has 3"),
        (random_mlp(2, [6, 6], seed=0, sigma_b=1.0), {"box": (-9, 9, -9, 9), "max_terms": 2}, ValueError,
         "patterns occur in box"),
    ],
)
def test_max_of_shallow_invalid(net, kwargs, error, match):
    with pytest.raises(error, match=match):
        max_of_shallow(net, **kwargs)


@pytest.mark.parametrize(
    ("nets_", "x", "error", "match"),
    [
        (random_mlp(1, [2], seed=0), [[0.0]], TypeError, "nets must be a sequence"),
        ([], [[0.0]], ValueError, "at least one network"),
        ([random_mlp(1, [2], seed=0), random_mlp(2, [2], seed=0)], [[0.0]], ValueError, "one input dimension"),
        ([random_mlp(1, [2], out_dim=2, seed=0)], [[0.0]], ValueError, "one output each"),
        ([random_mlp(1, [2], seed=0)], [0.0, 1.0], ValueError, r"x must have shape \(n, 1\)"),
        ([random_mlp(1, [2], seed=0)], [[0.0], [np.inf]], ValueError, "finite"),
        ([random_mlp(1, [2], seed=0)], [["a"]], TypeError, "x must be"),
    ],
)
def test_pointwise_max_invalid(nets_, x, error, match):
    with pytest.raises(error, match=match):
        pointwise_max(nets_, x)
