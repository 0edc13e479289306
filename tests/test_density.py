"""exprlib.density: random lines, exact region density, and Hanin & Rolnick's claim as a trend.

The claim (a theorem at initialisation, Hanin & Rolnick 2019): boundaries per unit length along
a line grow with the number of neurons, not exponentially with depth. Tested on seeded nets,
averaged over several nets and lines, as trends with generous margins, never as exact floats.
"""

import numpy as np
import pytest

from exprlib.density import density_by_depth, random_lines, region_density
from exprlib.nets import from_weights, random_mlp
from exprlib.regions import count_regions_1d


def test_random_lines_have_the_length_asked_and_depend_only_on_the_seed():
    starts, ends = random_lines(3, 50, length=0.7, scale=2.0, seed=5)
    assert starts.shape == ends.shape == (50, 3)
    np.testing.assert_allclose(np.linalg.norm(ends - starts, axis=1), 0.7, rtol=1e-12)
    again = random_lines(3, 50, length=0.7, scale=2.0, seed=5)
    assert np.array_equal(again[0], starts) and np.array_equal(again[1], ends)
    assert not np.array_equal(random_lines(3, 50, length=0.7, scale=2.0, seed=6)[0], starts)


def test_random_lines_with_scale_zero_are_centred_at_the_origin():
    starts, ends = random_lines(2, 10, scale=0.0, seed=0)
    np.testing.assert_allclose(starts + ends, 0.0, atol=1e-15)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(in_dim=0, n_lines=3, seed=0), ValueError, "in_dim must be >= 1"),
        (dict(in_dim=2, n_lines=2.5, seed=0), TypeError, "n_lines must be an int"),
        (dict(in_dim=2, n_lines=3, length=0.0, seed=0), ValueError, "length must be finite and > 0"),
        (dict(in_dim=2, n_lines=3, scale=-1.0, seed=0), ValueError, "scale must be finite and >= 0"),
        (dict(in_dim=2, n_lines=3, seed=1.0), TypeError, "seed must be an int"),
    ],
)
def test_random_lines_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        random_lines(**kwargs)


def test_region_density_is_the_exact_count_per_unit_length():
    net = random_mlp(1, [6, 6], sigma_b=0.5, seed=3)
    starts, ends = random_lines(1, 7, length=3.0, seed=11)
    counts = [count_regions_1d(net, a, b) for a, b in zip(starts, ends)]
    assert region_density(net, n_lines=7, length=3.0, seed=11) == pytest.approx((sum(counts) - 7) / 21.0, rel=1e-15)


def test_region_density_of_a_known_net():
    kinks = from_weights([[[1.0], [1.0]], [[1.0, 1.0]]], [[0.0, -0.5], [0.0]])  # kinks at 0 and 1/2
    assert region_density(kinks, n_lines=1, length=4.0, scale=0.0, seed=0) == 0.5
    assert region_density(kinks, n_lines=1, length=0.5, scale=0.0, seed=0) == 2.0  # [-1/4, 1/4] holds the kink at 0


def test_region_density_rejects_a_non_network():
    with pytest.raises(TypeError):
        region_density("net", seed=0)


def test_density_is_reproducible_and_shaped_by_budget_and_depth():
    a = density_by_depth([8, 16], (1, 2), n_nets=2, n_lines=5, seed=3)
    assert a.shape == (2, 2)
    assert np.array_equal(a, density_by_depth([8, 16], (1, 2), n_nets=2, n_lines=5, seed=3))
    assert density_by_depth(8, (1, 2), n_nets=2, n_lines=5, seed=3).shape == (2,)


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        (([4],), dict(depths=(1, 8)), ValueError, "n_neurons must be >= every depth"),
        (([],), {}, ValueError, "n_neurons must hold at least one value"),
        (("16",), {}, TypeError, "n_neurons must be a sequence of ints"),
        (([16],), dict(depths=(1, 0)), ValueError, r"depths\[1\] must be >= 1"),
        (([16],), dict(sigma_b=-0.1), ValueError, "sigma_b must be finite and >= 0"),
    ],
)
def test_density_by_depth_rejects_bad_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        density_by_depth(*args, **kwargs)


# ---------------------------------------------------------------------------------------------
# The lesson's claim (Hanin & Rolnick), as trends
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lesson_table():
    """The lesson's experiment: budgets 24, 48, 96 over depths 1-4, 4 nets x 20 lines each."""
    return density_by_depth([24, 48, 96], (1, 2, 3, 4), n_nets=4, n_lines=20, seed=0)


def test_density_changes_by_less_than_30_percent_across_depths_1_to_4(lesson_table):
    for row in lesson_table:
        assert (row.max() - row.min()) / row.max() < 0.30, row


def test_density_grows_about_linearly_with_the_number_of_neurons(lesson_table):
    ratios = lesson_table[1:] / lesson_table[:-1]  # doubling N
    assert ((ratios > 1.6) & (ratios < 2.5)).all(), ratios


def test_density_is_far_from_exponential_in_depth(lesson_table):
    # Montufar's construction multiplies its count by (N/L/n0)^n0 per layer; random nets do not
    # gain even a factor 1.5 from depth 1 to depth 4 at an equal budget.
    assert (lesson_table[:, -1] < 1.5 * lesson_table[:, 0]).all()


@pytest.mark.parametrize("in_dim", [1, 4])
def test_the_depth_trend_holds_in_other_input_dimensions(in_dim):
    row = density_by_depth(48, (1, 2, 3, 4), in_dim=in_dim, n_nets=4, n_lines=20, seed=7)
    assert (row.max() - row.min()) / row.max() < 0.30, row
