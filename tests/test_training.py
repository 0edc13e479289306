"""exprlib.training: data, one-layer training, lengths during training, l1 training, checkpointed runs.

The lesson's effects are asserted as seeded trends at small sizes (first vs last layer, shorter
vs longer), never as the lesson's exact numbers.
"""

import numpy as np
import pytest
import torch

from exprlib.compression import stable_units
from exprlib.nets import random_mlp
from exprlib.training import (accuracy, arc_between, hidden_length, load_digits_split, remaining_depth, train_layer,
                              train_relu_l1, train_tracking_length, training_run)


@pytest.fixture(scope="module")
def unit():
    return load_digits_split()


@pytest.fixture(scope="module")
def standard():
    return load_digits_split(scale="standardise")


def test_load_digits_split_is_stratified_and_deterministic(unit, standard):
    X_train, X_test, y_train, y_test = unit
    assert X_train.shape == (1257, 64) and X_test.shape == (540, 64)
    assert 0.0 <= X_train.min() and X_train.max() <= 1.0
    assert np.bincount(y_test).min() >= 50  # every class held out (stratified)
    assert np.array_equal(load_digits_split()[0], X_train)
    assert abs(standard[0].mean()) < 1e-12
    assert not np.array_equal(load_digits_split(seed=1)[3], y_test)


@pytest.mark.parametrize("kwargs, match", [({"scale": "pixels"}, "scale"), ({"test_fraction": 1.5}, "test_fraction"),
                                           ({"seed": 1.0}, "seed")])
def test_load_digits_split_invalid(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        load_digits_split(**kwargs)


def test_train_layer_trains_one_layer_only(standard):
    X_train, _, y_train, _ = standard
    net = random_mlp(64, [16, 16, 16], 10, activation="hardtanh", sigma_w=2**0.5, seed=0)
    before = [p.detach().clone() for p in net.parameters()]
    trained = train_layer(net, 2, X_train, y_train, steps=15)
    assert all(torch.equal(a, b) for a, b in zip(before, net.parameters()))  # the original is untouched
    changed = [not torch.equal(a, b) for a, b in zip(net.parameters(), trained.parameters())]
    assert changed == [False, False, True, True, False, False, False, False]
    assert accuracy(trained, X_train, y_train) > accuracy(net, X_train, y_train)
    with_readout = train_layer(net, 1, X_train, y_train, steps=5, train_readout=True)
    assert not torch.equal(with_readout[-1].weight, net[-1].weight)


@pytest.mark.parametrize("layer", [0, 4])
def test_train_layer_invalid_layer(standard, layer):
    net = random_mlp(64, [8, 8, 8], 10, activation="hardtanh", seed=0)
    with pytest.raises(ValueError, match="layer"):
        train_layer(net, layer, standard[0], standard[2], steps=1)


def test_train_layer_invalid_labels(standard):
    net = random_mlp(64, [8], 10, seed=0)
    with pytest.raises(ValueError, match="y"):
        train_layer(net, 1, standard[0], standard[2][:-1].astype(float), steps=1)


def test_remaining_depth_lower_layers_matter_more(standard):
    """Raghu et al.: training a lower layer alone reaches a higher test accuracy (seeded trend)."""
    acc = remaining_depth(standard, depth=6, width=64, steps=60, seed=0)
    assert acc.shape == (6,)
    assert acc[:2].mean() > acc[-2:].mean() + 0.04
    assert np.array_equal(acc, remaining_depth(standard, depth=6, width=64, steps=60, seed=0))


def test_arc_between_and_hidden_length():
    arc = arc_between(np.array([1.0, 0.0]), np.array([0.0, 1.0]), 1001)
    assert np.allclose(np.linalg.norm(arc, axis=1), 1.0)
    identityish = random_mlp(2, [2], 1, sigma_w=0.0, seed=0)
    assert hidden_length(identityish, arc[None]) == 0.0
    with pytest.raises(ValueError, match="arcs"):
        hidden_length(identityish, arc)


def test_trajectory_length_during_training_trends(unit):
    """From sigma_w^2 = 16 training shortens the trajectory; from sigma_w^2 = 1 it lengthens it."""
    kw = dict(depth=6, width=64, steps=60, every=30, n_arcs=2, n_points=3000, seed=0)
    large = train_tracking_length(unit, sigma_w2=16.0, **kw)
    small = train_tracking_length(unit, sigma_w2=1.0, **kw)
    assert large["step"].tolist() == [0, 30, 60]
    assert large["length"][-1] < 0.5 * large["length"][0]
    assert small["length"][-1] > 1.5 * small["length"][0]
    assert large["loss"][-1] < large["loss"][0] and small["test_accuracy"] > 0.8


def test_train_tracking_length_invalid(unit):
    with pytest.raises(ValueError, match="regulariser"):
        train_tracking_length(unit, regulariser=-1.0)
    with pytest.raises(TypeError, match="data"):
        train_tracking_length(unit[:2])


def test_l1_makes_units_stable(unit):
    """Serra et al.: with an l1 penalty many more units are provably stable on [0, 1]^64 (bounds alone)."""
    plain = train_relu_l1(unit, (16, 16), l1=0.0, steps=150)
    sparse = train_relu_l1(unit, (16, 16), l1=1e-3, steps=150)
    count = lambda net: sum(c["active"] + c["inactive"] for c in stable_units(net, (0.0, 1.0), exact=False).counts())
    assert count(sparse) >= count(plain) + 3
    assert accuracy(sparse, unit[1], unit[3]) > 0.8


def test_training_run_checkpoints_are_cached_and_exact():
    run = training_run(depth=2, width=8, steps=10, every=5)
    assert run["step"].tolist() == [0, 5, 10]
    assert run["regions"].dtype.kind == "i" and (run["regions"] >= 1).all()
    assert training_run(depth=2, width=8, steps=10, every=5) is run
    with pytest.raises(ValueError):
        run["loss"][0] = 1.0
    with pytest.raises(ValueError, match="sigma_w2"):
        training_run(sigma_w2=-1.0)


def test_train_tracking_length_is_seeded(unit):
    kw = dict(depth=2, width=8, steps=5, every=5, n_arcs=1, n_points=300)
    a, b = train_tracking_length(unit, seed=3, **kw), train_tracking_length(unit, seed=3, **kw)
    c = train_tracking_length(unit, seed=4, **kw)
    assert np.array_equal(a["length"], b["length"]) and np.array_equal(a["loss"], b["loss"])
    assert not np.array_equal(a["length"], c["length"])
