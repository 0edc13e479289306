"""Tests for :mod:`exprlib.models`: torch modules outside the counting contract and the
gradient-correlation metric of Balduzzi et al. (2017).

Oracle tests compare ``gradient_correlation`` with finite differences of the net's values and
with numpy's ``corrcoef``; contract tests check the properties the lesson relies on (looks-
linear nets are exactly linear at initialisation, centred statistics are held fixed, seeds
reproduce, depth shatters centred feedforward gradients).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from exprlib.models import BatchCentre, CReLUNet, FeedforwardNet, ResidualNet, gradient_correlation
from exprlib.nets import as_numpy, from_weights


def _line(net, start, end, n):
    t = np.linspace(0.0, 1.0, n)
    x = torch.as_tensor(np.asarray(start) + t[:, None] * (np.asarray(end) - np.asarray(start)))
    return t, net(x).detach().numpy()[:, 0]


# ----------------------------------------------------------------------------- modules


@pytest.mark.parametrize(
    "make",
    [
        lambda seed: FeedforwardNet(2, 8, 3, seed=seed),
        lambda seed: FeedforwardNet(2, 8, 3, batch_norm=True, seed=seed),
        lambda seed: ResidualNet(2, 8, 3, batch_norm=True, branch_scale=0.5, seed=seed),
        lambda seed: CReLUNet(2, 8, 3, seed=seed),
        lambda seed: CReLUNet(2, 8, 3, looks_linear=False, seed=seed),
    ],
)
def test_models_are_seeded_float64_and_shaped(make):
    a, b, c = make(0), make(0), make(1)
    x = torch.randn(7, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    ya, yb, yc = a(x), b(x), c(x)
    assert ya.shape == (7, 1) and ya.dtype == torch.float64
    assert torch.equal(ya, yb) and not torch.equal(ya, yc)


def test_models_are_not_counting_contract_nets():
    with pytest.raises(TypeError):
        as_numpy(ResidualNet(1, 4, 2, seed=0))


def test_looks_linear_crelu_net_is_linear_at_init():
    net = CReLUNet(3, 16, 6, out_dim=2, seed=4)
    x = torch.randn(50, 3, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    y = net(x)
    w = (net(torch.eye(3, dtype=torch.float64)) - net(torch.zeros(1, 3, dtype=torch.float64)))  # (3, 2)
    predicted = net(torch.zeros(1, 3, dtype=torch.float64)) + x @ w
    torch.testing.assert_close(y, predicted, rtol=0, atol=1e-12)
    bent = CReLUNet(3, 16, 6, out_dim=2, looks_linear=False, seed=4)
    assert not torch.allclose(bent(x), bent(torch.zeros(1, 3, dtype=torch.float64))
                              + x @ (bent(torch.eye(3, dtype=torch.float64))
                                     - bent(torch.zeros(1, 3, dtype=torch.float64))), atol=1e-6)


def test_batch_centre_standardises_with_fixed_statistics():
    x = torch.tensor([[1.0, 5.0], [3.0, 5.0], [5.0, 5.0]], dtype=torch.float64, requires_grad=True)
    y = BatchCentre()(x)
    torch.testing.assert_close(y[:, 0].mean(), torch.tensor(0.0, dtype=torch.float64))
    torch.testing.assert_close(y[:, 1], torch.zeros(3, dtype=torch.float64))  # constant unit: finite
    (grad,) = torch.autograd.grad(y[0, 0], x)
    assert grad[1:].abs().sum() == 0  # statistics held fixed: row 0 depends on x_0 only


def test_residual_net_with_zero_branch_is_affine():
    net = ResidualNet(1, 8, 5, branch_scale=0.0, seed=0)
    t, y = _line(net, [-2.0], [2.0], 9)
    np.testing.assert_allclose(np.diff(y, 2), 0.0, atol=1e-12)


# ----------------------------------------------------------------------------- gradient_correlation


def test_gradient_correlation_matches_finite_differences_and_corrcoef():
    # one hidden layer of 40 kinks on [-2, 2]: the slope is piecewise constant, and finite
    # differences on a 8x finer grid recover it away from the kinks
    net = from_weights([np.linspace(-1, 1, 40)[:, None] * 3, np.cos(np.arange(40))[None, :]],
                       [np.linspace(-2, 2, 40), [0.0]])
    n = 64
    c = gradient_correlation(net, [-2.0], [2.0], n_points=n, lag=1)
    x = torch.linspace(-2.0, 2.0, n, dtype=torch.float64)[:, None].requires_grad_(True)
    (g,) = torch.autograd.grad(net(x).sum(), x)
    g = g[:, 0].numpy() * 4.0  # df/dt = 4 df/dx
    assert c == pytest.approx(np.corrcoef(g[:-1], g[1:])[0, 1], abs=1e-12)
    c3 = gradient_correlation(net, [-2.0], [2.0], n_points=n, lag=3)
    assert c3 == pytest.approx(np.corrcoef(g[:-3], g[3:])[0, 1], abs=1e-12)


def test_gradient_correlation_along_a_line_in_two_dimensions():
    net = FeedforwardNet(2, 16, 2, seed=3)
    start, end = np.array([-1.0, 0.5]), np.array([1.0, -0.5])
    t, y = _line(net, start, end, 4001)
    slopes = np.diff(y) / np.diff(t)  # df/dt between neighbours, exact on linear stretches
    c = gradient_correlation(net, start, end, n_points=4001)
    g = np.interp(np.linspace(0, 1, 4001), (t[:-1] + t[1:]) / 2, slopes)
    assert c == pytest.approx(np.corrcoef(g[:-1], g[1:])[0, 1], abs=0.05)


def test_gradient_correlation_linear_net_is_one():
    assert gradient_correlation(from_weights([[[2.0, -1.0]]], [[0.5]]), [0, 0], [1, 1]) == 1.0
    assert gradient_correlation(CReLUNet(1, 32, 16, seed=0), [-2.0], [2.0]) == 1.0


def test_gradient_correlation_shatters_with_depth_under_centring():
    """Balduzzi et al.: centred feedforward nets decorrelate with depth; averaged over nets."""
    def mean_corr(depth, batch_norm):
        return np.mean([gradient_correlation(FeedforwardNet(1, 64, depth, batch_norm=batch_norm, seed=s),
                                             [-2.0], [2.0]) for s in range(4)])
    shallow, deep = mean_corr(2, True), mean_corr(16, True)
    assert shallow > 0.8 and deep < 0.5 and deep < shallow


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        (("net", [0.0], [1.0]), {}, TypeError, "net must be a torch.nn.Module"),
        ((FeedforwardNet(1, 4, 1, seed=0), [0.0, 1.0], [1.0]), {}, ValueError, "start must be a 1-D array of length 1"),
        ((FeedforwardNet(1, 4, 1, seed=0), [0.0], [np.nan]), {}, ValueError, "end must be finite"),
        ((FeedforwardNet(1, 4, 1, seed=0), [0.0], [1.0]), {"n_points": 2}, ValueError, "n_points must be >= 3"),
        ((FeedforwardNet(1, 4, 1, seed=0), [0.0], [1.0]), {"lag": 0}, ValueError, "lag must be >= 1"),
        ((FeedforwardNet(1, 4, 1, out_dim=2, seed=0), [0.0], [1.0]), {}, ValueError, "one output"),
        ((torch.nn.ReLU(), [0.0], [1.0]), {}, ValueError, "must contain a Linear"),
    ],
)
def test_gradient_correlation_invalid(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        gradient_correlation(*args, **kwargs)


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: FeedforwardNet(0, 4, 2, seed=0), ValueError, "in_dim must be >= 1"),
        (lambda: FeedforwardNet(1, 4, -1, seed=0), ValueError, "depth must be >= 0"),
        (lambda: FeedforwardNet(1, 4, 2, seed=1.5), TypeError, "seed must be an int"),
        (lambda: ResidualNet(1, 4, 2, branch_scale=-1.0, seed=0), ValueError, "branch_scale"),
        (lambda: CReLUNet(1, 4, 0, seed=0), ValueError, "depth must be >= 1"),
        (lambda: CReLUNet(1, 4, 2, looks_linear="yes", seed=0), TypeError, "looks_linear"),
    ],
)
def test_models_invalid(make, error, match):
    with pytest.raises(error, match=match):
        make()
