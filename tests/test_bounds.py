"""Tests for exprlib.bounds: the papers' values, hand cases, a brute-force oracle for Serra's
sum over J, the order between the bounds, contracts on exact region counts, and errors."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exprlib.bounds import (
    montufar_lower,
    raghu_patterns,
    serra_1d_max,
    serra_upper,
    trivial_upper,
    zaslavsky,
)
from exprlib.nets import as_numpy, load_npz, random_mlp

# ----------------------------------------------------------------------------- independent oracles


def serra_upper_brute(n_in: int, widths: list[int]) -> int:
    """Serra et al.'s sum, enumerating J literally (exponential; small cases only)."""
    total = 0
    for js in itertools.product(*(range(min(n_in, n) + 1) for n in widths)):
        cap, ok = n_in, True
        for j, n in zip(js, widths):
            if j > min(cap, n):
                ok = False
                break
            cap = min(cap, n - j)
        if ok:
            total += math.prod(math.comb(n, j) for j, n in zip(js, widths))
    return total


def montufar_2017_upper(n_in: int, widths: list[int]) -> int:
    """Montufar 2017: prod_l sum_{j <= d_l} C(n_l, j), d_l = min(n_0, n_1, ..., n_l)."""
    total, d = 1, n_in
    for n in widths:
        d = min(d, n)
        total *= sum(math.comb(n, j) for j in range(d + 1))
    return total


def pascanu_lower(n_in: int, widths: list[int]) -> int:
    """Pascanu et al. 2013: (prod_{i<L} floor(n_i/n_0)) * sum_{j<=n_0} C(n_L, j) (exponent 1)."""
    return math.prod(n // n_in for n in widths[:-1]) * sum(math.comb(widths[-1], j) for j in range(n_in + 1))


def serra_lower(n_in: int, widths: list[int]) -> int:
    """Serra et al. 2018 (n_l >= 3 n_0): prod_{l<L} (floor(n_l/n_0) + 1)^n_0 * sum C(n_L, j)."""
    folds = math.prod((n // n_in + 1) ** n_in for n in widths[:-1])
    return folds * sum(math.comb(widths[-1], j) for j in range(n_in + 1))


# ----------------------------------------------------------------------------- the papers' values


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (lambda: zaslavsky(2, 5), 16),  # Pascanu et al. 2013 / Zaslavsky: 5 lines in the plane
        (lambda: montufar_lower(2, [4, 4, 4]), 176),  # Montufar et al. 2014: (2^2)^2 * 11
        (lambda: serra_upper(2, [3, 3]), 40),  # Serra et al. 2018: 1*7 + 3*7 + 3*4
    ],
    ids=["zaslavsky", "montufar_lower", "serra_upper"],
)
def test_papers_values(value, expected):
    assert value() == expected


# ----------------------------------------------------------------------------- hand cases


@pytest.mark.parametrize(
    ("n_in", "n_units", "expected"),
    [
        (1, 1, 2),  # one point splits the line
        (1, 7, 8),  # n points: n + 1 intervals
        (2, 1, 2),
        (2, 2, 4),  # n_units <= n_in: all 2^n orthants
        (3, 2, 4),
        (2, 3, 7),  # three lines in general position
        (3, 4, 15),  # 1 + 4 + 6 + 4
        (2, 100, 5051),
        (np.int64(2), np.int32(5), 16),  # numpy ints are accepted
    ],
)
def test_zaslavsky_examples(n_in, n_units, expected):
    result = zaslavsky(n_in, n_units)
    assert result == expected and type(result) is int


@pytest.mark.parametrize(
    ("n_in", "widths", "expected"),
    [
        (1, [1], 2),  # degenerate: one unit, one fold-free layer
        (1, [3, 3, 3], 36),  # 3 * 3 * 4
        (2, [3, 5], 16),  # floor(3/2) = 1: no replication, Zaslavsky of the last layer
        (2, [5, 5], 64),  # floor(5/2)^2 = 4 times 16 (leftover units do not count)
        (2, [2], 4),  # L = 1: exactly zaslavsky
        (3, [3], 8),
        (2, (6, 6, 4), 891),  # 9 * 9 * 11, a tuple
        (2, np.array([4, 4, 4]), 176),  # an integer array
    ],
)
def test_montufar_lower_examples(n_in, widths, expected):
    result = montufar_lower(n_in, widths)
    assert result == expected and type(result) is int


@pytest.mark.parametrize(
    ("n_in", "widths", "expected"),
    [
        (1, [1], 2),
        (1, [3, 3], 16),  # 1-D: prod (n_l + 1)
        (2, [2, 2], 11),  # 1*4 + 2*3 + 1*1
        (2, [5], 16),  # L = 1: Zaslavsky
        (2, [1, 100], 102),  # bottleneck: 101 + 1
        (3, [1, 1, 1], 4),
        (2, np.array([3, 3]), 40),
    ],
)
def test_serra_upper_examples(n_in, widths, expected):
    result = serra_upper(n_in, widths)
    assert result == expected and type(result) is int


@pytest.mark.parametrize(
    ("widths", "expected"),
    [([3], 4), ([3, 3], 16), ([4, 5, 3], 120), ([10, 10, 10], 1331), ((np.int64(3),), 4)],
)
def test_serra_1d_max_examples(widths, expected):
    assert serra_1d_max(widths) == expected


@pytest.mark.parametrize(
    ("widths", "activation", "expected"),
    [([1], "relu", 2), ([3, 3], "relu", 64), ([1], "hardtanh", 3), ([2, 1], "hardtanh", 27), ([100], "relu", 2**100)],
)
def test_trivial_upper_examples(widths, activation, expected):
    assert trivial_upper(widths, activation=activation) == expected


def test_trivial_upper_default_is_relu():
    assert trivial_upper([4, 2]) == trivial_upper([4, 2], activation="relu") == 64


@pytest.mark.parametrize(
    ("n_in", "width", "depth", "activation", "expected"),
    [
        (1, 1, 1, "relu", 1),
        (2, 4, 3, "relu", 4**6),
        (1, 3, 2, "hardtanh", 6**2),
        (3, 100, 2, "relu", 100**6),
        (2, 5, 1, "hardtanh", 10**2),
    ],
)
def test_raghu_patterns_examples(n_in, width, depth, activation, expected):
    assert raghu_patterns(n_in, width, depth, activation=activation) == expected


def test_raghu_patterns_grows_exponentially_in_depth_polynomially_in_width():
    # one more layer multiplies by k^m; doubling the width only multiplies by 2^(mn)
    assert raghu_patterns(2, 8, 4) == raghu_patterns(2, 8, 3) * 8**2
    assert raghu_patterns(2, 16, 3) == raghu_patterns(2, 8, 3) * 2 ** (2 * 3)
    assert raghu_patterns(2, 8, 3, activation="hardtanh") == raghu_patterns(2, 8, 3) * 2 ** (2 * 3)


# ----------------------------------------------------------------------------- serra_upper vs brute force


@pytest.mark.parametrize(
    ("n_in", "widths"),
    [
        (1, [1]),
        (1, [2, 1, 3]),
        (2, [3, 3]),
        (2, [1, 4, 4]),
        (3, [2, 5, 1, 4]),
        (3, [6, 6, 6]),
        (4, [3, 7, 2]),
        (5, [5, 5]),
    ],
)
def test_serra_upper_matches_brute_force_enumeration(n_in, widths):
    assert serra_upper(n_in, widths) == serra_upper_brute(n_in, widths)


@settings(derandomize=True, max_examples=150, deadline=None)
@given(n_in=st.integers(1, 5), widths=st.lists(st.integers(1, 8), min_size=1, max_size=4))
def test_serra_upper_matches_brute_force_property(n_in, widths):
    assert serra_upper(n_in, widths) == serra_upper_brute(n_in, widths)


# ----------------------------------------------------------------------------- order between the bounds


@pytest.mark.parametrize("n_in", [1, 2, 3, 5])
@pytest.mark.parametrize("n_units", [1, 2, 5, 17])
def test_serra_upper_is_tight_for_one_layer(n_in, n_units):
    assert serra_upper(n_in, [n_units]) == zaslavsky(n_in, n_units)


@pytest.mark.parametrize("widths", [[3], [3, 3], [4, 5, 3], [7, 3, 9, 4], [2, 2, 2]])
def test_serra_upper_in_one_dimension_is_prod_of_width_plus_one(widths):
    assert serra_upper(1, widths) == math.prod(n + 1 for n in widths)
    if min(widths) >= 3:
        assert serra_upper(1, widths) == serra_1d_max(widths)


@settings(derandomize=True, max_examples=200, deadline=None)
@given(n_in=st.integers(1, 4), extra=st.lists(st.integers(0, 12), min_size=1, max_size=5))
def test_serra_upper_dominates_every_lower_bound(n_in, extra):
    widths = [n_in + e for e in extra]  # every width >= n_in, where the lower bounds hold
    upper = serra_upper(n_in, widths)
    assert montufar_lower(n_in, widths) <= upper
    assert pascanu_lower(n_in, widths) <= montufar_lower(n_in, widths)
    assert zaslavsky(n_in, widths[0]) <= upper  # a deep net can do what its first layer does
    if all(n >= 3 * n_in for n in widths):
        assert serra_lower(n_in, widths) <= upper
    if n_in == 1 and min(widths) >= 3:
        assert serra_1d_max(widths) == upper


@pytest.mark.parametrize(
    ("n_in", "widths"),
    [(2, [4, 4, 4]), (2, [6, 6, 6, 6]), (3, [9, 9, 9]), (1, [3, 3, 3]), (2, [32, 32, 32]), (4, [12, 12])],
)
def test_serra_upper_dominates_lower_bounds_examples(n_in, widths):
    upper = serra_upper(n_in, widths)
    assert pascanu_lower(n_in, widths) <= montufar_lower(n_in, widths) <= upper
    if all(n >= 3 * n_in for n in widths):
        assert montufar_lower(n_in, widths) <= serra_lower(n_in, widths) <= upper


@settings(derandomize=True, max_examples=200, deadline=None)
@given(n_in=st.integers(1, 6), widths=st.lists(st.integers(1, 12), min_size=1, max_size=5))
def test_serra_upper_implies_montufar_2017_and_trivial(n_in, widths):
    upper = serra_upper(n_in, widths)
    assert upper <= montufar_2017_upper(n_in, widths) <= trivial_upper(widths)


def test_serra_upper_is_strictly_below_montufar_2017_when_layers_interact():
    # With two layers the running cap n_1 - j_1 bites: 40 < 7 * 7
    assert serra_upper(2, [3, 3]) == 40 < montufar_2017_upper(2, [3, 3]) == 49


@pytest.mark.parametrize("n_in", [2, 3, 5])
@pytest.mark.parametrize("rest", [[50], [8, 8], [20, 3, 20]])
def test_serra_upper_bottleneck_first_layer_caps_everything(n_in, rest):
    # A width-1 first layer leaves a 1-D image: the rest behaves as a 1-D net, whatever n_in.
    narrow_first = serra_upper(n_in, [1, *rest])
    assert narrow_first == serra_upper(1, [1, *rest]) == math.prod(n + 1 for n in rest) + 1
    # The same layers with the narrow one last allow more regions.
    assert narrow_first < serra_upper(n_in, [*rest, 1])


def test_serra_upper_bottleneck_example():
    assert serra_upper(2, [1, 100]) == 102
    # narrow layer last: every choice of j_1 <= 2 keeps cap 2, and the last unit doubles it
    assert serra_upper(2, [100, 1]) == 2 * zaslavsky(2, 100) == 10102


def test_serra_upper_is_fast_for_deep_wide_nets():
    # 100 layers of 1000 units: the DP has at most n_in + 1 caps per layer (milliseconds);
    # enumerating J would need 11^100 tuples.
    upper = serra_upper(10, [1000] * 100)
    assert montufar_lower(10, [1000] * 100) <= upper <= montufar_2017_upper(10, [1000] * 100)


# ----------------------------------------------------------------------------- contracts on exact counts


# Exact counts from benchmarks/nets/README.md (agreed by several exact methods).
BENCHMARK_COUNTS = [
    ("relu_2in_32x32x32_seed0.npz", 1180),
    ("relu_2in_64x64x64x64x64x64_seed0.npz", 8392),
    ("relu_2in_128x128x128x128_seed0.npz", 29584),
]


@pytest.mark.parametrize(("name", "regions"), BENCHMARK_COUNTS)
def test_benchmark_counts_are_within_the_bounds(benchmark_dir, name, regions):
    mlp = as_numpy(load_npz(benchmark_dir / name))
    widths = list(mlp.widths)
    assert regions <= serra_upper(mlp.in_dim, widths) <= trivial_upper(widths)


@pytest.mark.parametrize("seed", range(6))
def test_exact_counts_of_random_nets_never_exceed_serra_upper(seed):
    from brute import split_2d, walk_1d  # exact rational oracle (tests/brute.py)

    rng = np.random.default_rng(seed)
    widths = [int(n) for n in rng.integers(1, 5, size=int(rng.integers(1, 4)))]
    net = random_mlp(2, widths, sigma_b=1.0, seed=seed)
    mlp = as_numpy(net)
    regions_2d = split_2d(list(mlp.weights), list(mlp.biases), "relu", (-3, 3, -3, 3)).count
    assert 1 <= regions_2d <= serra_upper(2, widths)
    net_1d = random_mlp(1, widths, sigma_b=1.0, seed=seed)
    mlp_1d = as_numpy(net_1d)
    regions_1d = walk_1d(list(mlp_1d.weights), list(mlp_1d.biases), "relu", [-3.0], [3.0]).count
    assert 1 <= regions_1d <= serra_upper(1, widths)


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: zaslavsky(True, 3), TypeError, r"n_in must be an int >= 1, got True of type bool"),
        (lambda: zaslavsky(2, 3.0), TypeError, r"n_units must be an int >= 1, got 3.0 of type float"),
        (lambda: zaslavsky("2", 3), TypeError, r"n_in must be an int >= 1, got '2'"),
        (lambda: zaslavsky(0, 3), ValueError, r"n_in must be >= 1, got 0"),
        (lambda: zaslavsky(2, -1), ValueError, r"n_units must be >= 1, got -1"),
        (lambda: montufar_lower(2, [1, 4]), ValueError,
         r"montufar_lower needs every width >= n_in \(Montúfar et al\. 2014\); got widths=\[1, 4\] for n_in=2"),
        (lambda: montufar_lower(3, np.array([3, 3, 2])), ValueError,
         r"montufar_lower needs every width >= n_in .*got widths=\[3, 3, 2\] for n_in=3"),
        (lambda: montufar_lower(2, []), ValueError, r"widths must hold at least one hidden width, got an empty"),
        (lambda: montufar_lower(2, 4), TypeError, r"widths must be a sequence of ints such as \[4, 4\], got 4"),
        (lambda: serra_upper(2, [3, 0, 3]), ValueError, r"widths\[1\] must be >= 1, got 0"),
        (lambda: serra_upper(2, np.array([3, 3, -2])), ValueError, r"widths\[2\] must be >= 1, got -2"),
        (lambda: serra_upper(2, [3, True]), TypeError, r"widths\[1\] must be an int >= 1, got True"),
        (lambda: serra_upper(2, [3, 2.5]), TypeError, r"widths\[1\] must be an int >= 1, got 2.5"),
        (lambda: serra_upper(2, np.array([3.0, 3.0])), TypeError, r"widths\[0\] must be an int >= 1, got 3.0"),
        (lambda: serra_upper(2, "33"), TypeError, r"widths must be a sequence of ints .*got '33'"),
        (lambda: serra_upper(2, np.ones((2, 2), dtype=int)), TypeError, r"widths must be a 1-D .*shape \(2, 2\)"),
        (lambda: serra_upper(0, [3]), ValueError, r"n_in must be >= 1, got 0"),
        (lambda: serra_1d_max([3, 2, 4]), ValueError,
         r"serra_1d_max needs every width >= 3 \(Serra et al\. 2018, 1-D input\); got widths=\[3, 2, 4\]"),
        (lambda: serra_1d_max([]), ValueError, r"widths must hold at least one hidden width"),
        (lambda: trivial_upper([3], activation="tanh"), ValueError,
         r"activation must be one of \('relu', 'hardtanh'\), got 'tanh'"),
        (lambda: trivial_upper([3], activation=None), TypeError, r"activation must be a str.*got None"),
        (lambda: trivial_upper([3, 0]), ValueError, r"widths\[1\] must be >= 1, got 0"),
        (lambda: raghu_patterns(2, 0, 3), ValueError, r"width must be >= 1, got 0"),
        (lambda: raghu_patterns(2, 4, False), TypeError, r"depth must be an int >= 1, got False"),
        (lambda: raghu_patterns(2, 4, 3, activation="sigmoid"), ValueError, r"activation must be one of"),
    ],
)
def test_bounds_invalid(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_bounds_valid_twins_of_the_invalid_calls():
    # the same calls with the offending value fixed
    assert zaslavsky(1, 3) == 4
    assert montufar_lower(2, [2, 4]) == 11
    assert serra_upper(2, [3, 1, 3]) == serra_upper_brute(2, [3, 1, 3])
    assert serra_1d_max([3, 3, 4]) == 80
    assert trivial_upper([3], activation="hardtanh") == 27
    assert raghu_patterns(2, 1, 3) == 1


def test_activation_may_be_passed_positionally():
    # The API contract spells these calls positionally: trivial_upper(widths, activation) etc.
    assert trivial_upper([3], "hardtanh") == trivial_upper([3], activation="hardtanh") == 27
    assert raghu_patterns(2, 4, 3, "hardtanh") == raghu_patterns(2, 4, 3, activation="hardtanh")
