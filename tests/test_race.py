"""exprlib.race: exact sawtooth errors vs brute force, the tooth bound as a contract, the race's trends."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from exprlib.constructions import sawtooth
from exprlib.nets import as_numpy, from_weights, random_mlp
from exprlib.race import (
    data_dependent_init,
    deep_construction,
    mlp_parameters,
    radial_relmse,
    sawtooth_errors,
    shallow_fit,
    shallow_units_for,
    tent_power,
    tooth_bound,
    train_sawtooth,
)
from exprlib.regions import count_pieces_1d


def _dense_errors(net, k, n=200_001):
    x = np.linspace(0.0, 1.0, n)
    d = as_numpy(net).forward(x[:, None])[:, 0] - tent_power(x, k)
    return np.abs(d).max(), math.sqrt(np.trapezoid(d**2, x))


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_tent_power_is_the_sawtooth_net_on_the_unit_interval(k):
    x = np.linspace(0, 1, 1001)
    assert np.allclose(tent_power(x, k), as_numpy(sawtooth(k)).forward(x[:, None])[:, 0], atol=1e-12)
    dyadic = np.arange(2**k + 1) / 2**k
    assert tent_power(dyadic, k).tolist() == [float(j % 2) for j in range(2**k + 1)]


@pytest.mark.parametrize("seed", range(6))
def test_sawtooth_errors_are_exact_against_dense_sampling(seed):
    k = 1 + seed % 4
    net = random_mlp(1, [5, 4][: 1 + seed % 2], sigma_b=0.5, seed=seed)
    exact = sawtooth_errors(net, k)
    sup, l2 = _dense_errors(net, k)
    assert exact.sup >= sup - 1e-12 and exact.sup == pytest.approx(sup, abs=1e-4)
    assert exact.l2 == pytest.approx(l2, rel=1e-4, abs=1e-6)
    assert exact.pieces == count_pieces_1d(net, [0.0], [1.0])


def test_the_constant_half_has_the_errors_of_the_tooth_argument():
    half = from_weights([np.zeros((1, 1))], [[0.5]])
    for k in (1, 4, 7):
        e = sawtooth_errors(half, k)
        assert e.sup == 0.5 and e.l2 == pytest.approx(math.sqrt(1 / 12), rel=1e-12) and e.pieces == 1


@pytest.mark.parametrize("k, m", [(3, 0), (3, 3), (5, 6), (6, 10), (6, 31), (7, 14)])
def test_no_shallow_net_beats_the_tooth_bound(k, m):
    bound = tooth_bound(k, m)
    nets = [random_mlp(1, [m], sigma_b=1.0, seed=s) for s in range(5)] if m else []
    nets += [shallow_fit(k, m)] if m else [from_weights([np.zeros((1, 1))], [[0.5]])]
    for net in nets:
        e = sawtooth_errors(net, k)
        assert e.sup >= bound.sup - 1e-12 and e.l2 >= bound.l2 - 1e-12


def test_tooth_bound_vanishes_once_every_tooth_can_hold_a_kink():
    assert tooth_bound(4, 8) == (0.0, 0.0) and tooth_bound(4, 7).sup == 0.5
    assert tooth_bound(5, 0).l2 == pytest.approx(math.sqrt(1 / 12))
    with pytest.raises(ValueError, match="m"):
        tooth_bound(4, -1)
    with pytest.raises(TypeError, match="k"):
        tooth_bound(4.0, 3)


def test_the_construction_budget_leaves_the_shallow_net_above_the_bound():
    # P = 6k + 1 buys m = 2k units: the notes' 0.177 / 0.228 / 0.255 at k = 5 / 6 / 7
    for k, expected in ((5, 0.177), (6, 0.228), (7, 0.255)):
        m = shallow_units_for(mlp_parameters([2] * k))
        assert m == 2 * k and round(tooth_bound(k, m).l2, 3) == expected
        assert sawtooth_errors(shallow_fit(k, m), k).l2 >= tooth_bound(k, m).l2


@pytest.mark.parametrize("widths", [[1], [3], [2, 2], [12, 12, 12]])
def test_mlp_parameters_counts_torch_parameters(widths):
    net = random_mlp(1, widths, seed=0)
    assert mlp_parameters(widths) == sum(p.numel() for p in net.parameters())
    assert mlp_parameters(widths, in_dim=3) == sum(p.numel() for p in random_mlp(3, widths, seed=0).parameters())
    assert mlp_parameters([shallow_units_for(mlp_parameters(widths))]) <= mlp_parameters(widths)


@pytest.mark.parametrize("k, depth, width", [(3, 3, 2), (4, 2, 4), (5, 3, 4), (6, 2, 8), (4, 6, 3)])
def test_deep_construction_is_exact_with_enough_compositions(k, depth, width):
    net = deep_construction(k, depth, width)
    assert as_numpy(net).widths == (width,) * depth
    assert sawtooth_errors(net, k) == (0.0, 0.0, 2**k)


def test_deep_construction_short_of_compositions_builds_fewer_teeth():
    e = sawtooth_errors(deep_construction(5, 2, 4), 5)  # f^4 instead of f^5
    assert e.pieces == 16 and e.sup == 1.0
    with pytest.raises(ValueError, match="width"):
        deep_construction(3, 3, 1)


def test_shallow_fit_is_exact_with_a_unit_per_piece():
    assert sawtooth_errors(shallow_fit(4, 16), 4) == (0.0, 0.0, 16)
    assert sawtooth_errors(shallow_fit(4, 15), 4).l2 > 0.01


def test_data_dependent_init_puts_every_kink_on_the_data():
    x = torch.linspace(0, 1, 100, dtype=torch.float64)[:, None]
    net = data_dependent_init(random_mlp(1, [8, 8], seed=0), x, seed=3)
    pre = net[0](x)
    kinks = -net[0].bias / net[0].weight[:, 0]
    assert torch.allclose(pre.std(0), torch.ones(8, dtype=torch.float64))
    assert ((kinks >= 0) & (kinks <= 1)).all()
    again = data_dependent_init(random_mlp(1, [8, 8], seed=1), x, seed=3)
    assert all(torch.equal(a, b) for a, b in zip(net.parameters(), again.parameters()))  # seeded


def test_training_is_seeded():
    a, b = train_sawtooth(2, [4, 4], steps=30, seed=5), train_sawtooth(2, [4, 4], steps=30, seed=5)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert torch.get_num_threads() >= 1


def test_the_race_depth_wins_but_never_finds_the_sawtooth():
    # the lesson's settings: k = 4, deep width 12 x depth 2k, shallow at the same count, 200 steps
    k, widths = 4, [12] * 8
    m = shallow_units_for(mlp_parameters(widths))
    deep, shallow = train_sawtooth(k, widths, steps=200, seed=0), train_sawtooth(k, [m], steps=200, seed=0)
    d, s = sawtooth_errors(deep, k), sawtooth_errors(shallow, k)
    assert tooth_bound(k, m) == (0.0, 0.0)  # an exact shallow fit exists at this budget ...
    assert s.l2 > 0.2  # ... yet training ends near the constant 1/2 (L2 0.289)
    assert d.l2 < s.l2 / 3  # depth wins, for optimisation reasons
    assert d.pieces > 4 * 2**k  # and never with the 2^k-piece solution


def test_radial_illustration_separates_only_in_high_dimension():
    ratios = {}
    for d in (2, 16):
        m = shallow_units_for(mlp_parameters([32, 32], d), d)
        ratios[d] = radial_relmse(d, [m], steps=600, lr=1e-2, seed=0) / radial_relmse(d, [32, 32], steps=600, lr=1e-2, seed=0)
    assert ratios[2] < 2.0 and ratios[16] > 3.0


def test_bad_arguments_name_the_parameter():
    with pytest.raises(ValueError, match="x must lie in"):
        tent_power([0.5, 1.5], 2)
    with pytest.raises(ValueError, match="one input"):
        sawtooth_errors(random_mlp(2, [3], seed=0), 2)
    with pytest.raises(ValueError, match="k must be at most"):
        sawtooth_errors(sawtooth(2), 31)
    with pytest.raises(ValueError, match="steps"):
        train_sawtooth(2, [3], steps=0, seed=0)
