"""Tests for exprlib.nets: the one definition of a network."""

import numpy as np
import pytest
import torch
from torch import nn

from exprlib.nets import Activation, as_numpy, from_weights, load_npz, random_mlp


def test_random_mlp_is_deterministic_per_seed():
    a, b, c = (random_mlp(3, [5, 4], seed=s) for s in (7, 7, 8))
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not torch.equal(a[0].weight, c[0].weight)


@pytest.mark.parametrize("sigma_w, sigma_b", [(2**0.5, 0.0), (4.0, 0.5)])
def test_random_mlp_weight_scales_follow_fan_in(sigma_w, sigma_b):
    mlp = as_numpy(random_mlp(400, [400], out_dim=400, sigma_w=sigma_w, sigma_b=sigma_b, seed=0))
    # W ~ N(0, sigma_w^2 / fan_in): the sample std of 160 000 entries is within 1 %.
    assert np.std(mlp.weights[1]) * np.sqrt(400) == pytest.approx(sigma_w, rel=0.01)
    assert np.std(mlp.biases[0]) == pytest.approx(sigma_b, abs=0.1 * sigma_b + 1e-12)


def test_random_mlp_structure_and_dtype():
    net = random_mlp(2, [3, 4], out_dim=2, activation="hardtanh", seed=0)
    kinds = [type(m) for m in net]
    assert kinds == [nn.Linear, nn.Hardtanh, nn.Linear, nn.Hardtanh, nn.Linear]
    assert net[0].weight.dtype == torch.float64
    assert as_numpy(net).widths == (3, 4) and as_numpy(net).out_dim == 2


def test_forward_matches_torch():
    net = random_mlp(3, [6, 6], out_dim=2, activation="hardtanh", sigma_w=3.0, sigma_b=0.5, seed=1)
    x = np.random.default_rng(0).normal(size=(50, 3))
    expected = net(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(as_numpy(net).forward(x), expected, rtol=1e-12, atol=1e-12)


def test_float32_nets_and_bias_free_layers_are_accepted():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(2, 4, bias=False), nn.ReLU(), nn.Linear(4, 1))
    mlp = as_numpy(net)
    assert mlp.weights[0].dtype == np.float64
    np.testing.assert_array_equal(mlp.biases[0], np.zeros(4))


def test_hardtanh_keeps_its_own_limits():
    net = nn.Sequential(nn.Linear(1, 2), nn.Hardtanh(-0.5, 2.0), nn.Linear(2, 1))
    act = as_numpy(net).activations[0]
    assert (act.lo, act.hi) == (-0.5, 2.0)
    np.testing.assert_array_equal(act.pattern(np.array([-0.5, 0.0, 2.0, 3.0])), [-1, 0, 1, 1])


def test_relu_pattern_is_strict():
    np.testing.assert_array_equal(Activation("relu").pattern(np.array([-1.0, 0.0, 1e-300])), [0, 0, 1])


@pytest.mark.parametrize(
    "net, error, message",
    [
        (nn.Linear(2, 1), TypeError, "Sequential"),
        (nn.Sequential(), ValueError, "at least one Linear"),
        (nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1)), TypeError, "Sigmoid"),
        (nn.Sequential(nn.Linear(2, 3), nn.ReLU()), ValueError, "trailing activation"),
        (nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1)), ValueError, "Linear right after"),
        (nn.Sequential(nn.ReLU(), nn.Linear(3, 1)), ValueError, "activation first"),
        (nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.ReLU(), nn.Linear(3, 1)), ValueError, "after another"),
        (nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(4, 1)), ValueError, "expects 4 inputs"),
        (nn.Sequential(nn.Conv1d(1, 1, 1)), TypeError, "Conv1d"),
    ],
)
def test_as_numpy_rejects_unsupported_nets(net, error, message):
    with pytest.raises(error, match=message):
        as_numpy(net)


def test_as_numpy_rejects_nan_weights():
    net = random_mlp(2, [3], seed=0)
    with torch.no_grad():
        net[2].weight[0, 1] = float("nan")
    with pytest.raises(ValueError, match=r"net\[2\].weight must be finite"):
        as_numpy(net)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(in_dim=0, hidden=[3]), ValueError, "in_dim must be >= 1"),
        (dict(in_dim=2.0, hidden=[3]), TypeError, "in_dim must be a positive int"),
        (dict(in_dim=2, hidden=3), TypeError, "hidden must be a sequence"),
        (dict(in_dim=2, hidden=[3, 0]), ValueError, r"hidden\[1\] must be >= 1"),
        (dict(in_dim=2, hidden=[3], sigma_w=-1.0), ValueError, "sigma_w must be finite and >= 0"),
        (dict(in_dim=2, hidden=[3], sigma_b=float("nan")), ValueError, "sigma_b must be finite"),
        (dict(in_dim=2, hidden=[3], activation="tanh"), ValueError, "activation must be one of"),
        (dict(in_dim=2, hidden=[3], seed=1.5), TypeError, "seed must be an int"),
    ],
)
def test_random_mlp_rejects_bad_arguments(kwargs, error, message):
    kwargs.setdefault("seed", 0)
    with pytest.raises(error, match=message):
        random_mlp(**kwargs)


def test_random_mlp_requires_a_seed():
    with pytest.raises(TypeError, match="seed"):
        random_mlp(2, [3])


@pytest.mark.parametrize(
    "weights, biases, message",
    [
        ([np.ones((2, 1)), np.ones((1, 3))], [None, None], "expects 3 inputs"),
        ([np.ones(3)], [None], r"weights\[0\] must be a 2-D"),
        ([np.ones((1, 2))], [np.ones(2)], r"biases\[0\] must have shape \(1,\)"),
        ([np.array([[1.0, np.nan]])], [None], r"weights\[0\] must be finite"),
        ([np.ones((1, 1))], [np.array([np.nan])], r"biases\[0\] must be finite"),
        ([np.ones((1, 1))], [], "same length"),
    ],
)
def test_from_weights_rejects_bad_arrays(weights, biases, message):
    with pytest.raises(ValueError, match=message):
        from_weights(weights, biases)


def test_load_npz_round_trip(tmp_path):
    net = random_mlp(2, [4, 3], activation="hardtanh", sigma_b=0.3, seed=3)
    mlp = as_numpy(net)
    arrays = {f"W{i}": w for i, w in enumerate(mlp.weights)} | {f"b{i}": b for i, b in enumerate(mlp.biases)}
    np.savez(tmp_path / "net.npz", **arrays)
    again = as_numpy(load_npz(tmp_path / "net.npz", "hardtanh"))
    assert all(np.array_equal(p, q) for p, q in zip(mlp.weights + mlp.biases, again.weights + again.biases))
    np.savez(tmp_path / "bad.npz", W0=np.eye(2))
    with pytest.raises(ValueError, match="missing"):
        load_npz(tmp_path / "bad.npz")
