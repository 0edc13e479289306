"""Models outside the counting contract, as plain torch modules, and the shattered-gradients metric.

The exact algorithms of :mod:`exprlib` read plain MLPs (:mod:`exprlib.nets`). The training
lessons also need nets that are not ``Sequential`` MLPs: feedforward and residual nets with
batch-norm-style centring, and CReLU nets with the looks-linear initialisation (Balduzzi et al.
2017). They are ordinary float64 ``torch.nn.Module``\\ s seeded by an explicit ``seed``; none of
them is accepted by :func:`exprlib.nets.as_numpy`.

:func:`gradient_correlation` measures how *shattered* a net's gradients are: the Pearson
correlation between df/dt at neighbouring points of a line x(t) = start + t (end - start),

    C = corr(g_i, g_{i+lag}),   g_i = df/dt(t_i),  t_i = i / (n - 1),

close to 1 for smooth (or linear) nets and near 0 when the gradient is white noise on the grid.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ._validation import as_input_vector, check_int, check_real

__all__ = ["BatchCentre", "CReLUNet", "FeedforwardNet", "ResidualNet", "gradient_correlation"]

# Added to the batch standard deviation so that a unit that is constant over the batch (a dead
# ReLU, say) is divided by something finite; 1e-5 is BatchNorm's default.
_BN_EPS = 1e-5

# Gradients whose spread along the line is below this fraction of their size are constant (a
# linear net, up to rounding); float32 nets round at ~1e-7, hence the wide margin.
_CONSTANT_RTOL = 1e-5


def _generator(seed: object) -> torch.Generator:
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {seed!r}")
    return torch.Generator().manual_seed(int(seed))


def _he_linear(fan_in: int, fan_out: int, gen: torch.Generator, bias_std: float) -> nn.Linear:
    """A float64 Linear with W ~ N(0, 2 / fan_in) and b ~ N(0, bias_std^2)."""
    layer = nn.Linear(fan_in, fan_out, dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(torch.randn(fan_out, fan_in, generator=gen, dtype=torch.float64) * (2.0 / fan_in) ** 0.5)
        layer.bias.copy_(torch.randn(fan_out, generator=gen, dtype=torch.float64) * bias_std)
    return layer


def _check_sizes(in_dim: object, width: object, depth: object, out_dim: object) -> tuple[int, int, int, int]:
    return (check_int("in_dim", in_dim), check_int("width", width), check_int("depth", depth, minimum=0),
            check_int("out_dim", out_dim))


class BatchCentre(nn.Module):
    """Batch-norm-style centring with the statistics held fixed: (x - mean) / (std + eps).

    Mean and standard deviation are taken over the batch (dim 0) and *detached*, so the
    derivative of the output with respect to one input is a true derivative of a fixed
    function (as in Balduzzi et al.'s measurements), not a mixture over the batch. No affine
    parameters.

    Examples
    --------
    >>> BatchCentre()(torch.tensor([[1.0], [3.0]], dtype=torch.float64)).squeeze(1)
    tensor([-1.0000,  1.0000], dtype=torch.float64)
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mean = x.mean(dim=0, keepdim=True).detach()
        std = x.std(dim=0, unbiased=False, keepdim=True).detach()
        return (x - mean) / (std + _BN_EPS)


class FeedforwardNet(nn.Module):
    """x -> [Linear -> (BatchCentre) -> ReLU] x depth -> Linear, He initialisation.

    Parameters
    ----------
    in_dim, width, out_dim : int
        Sizes (>= 1).
    depth : int
        Number of hidden layers (>= 0).
    batch_norm : bool, default False
        Insert :class:`BatchCentre` before every ReLU.
    first_bias_std : float, default 1.0
        Standard deviation of the first layer's biases (later biases are 0): non-zero, so that
        kinks do not all pass through the origin.
    seed : int
        Required.

    Examples
    --------
    >>> net = FeedforwardNet(1, 8, 3, seed=0)
    >>> net(torch.zeros(5, 1, dtype=torch.float64)).shape
    torch.Size([5, 1])
    """

    def __init__(self, in_dim: int, width: int, depth: int, out_dim: int = 1, *, batch_norm: bool = False,
                 first_bias_std: float = 1.0, seed: int) -> None:
        super().__init__()
        in_dim, width, depth, out_dim = _check_sizes(in_dim, width, depth, out_dim)
        first_bias_std = check_real("first_bias_std", first_bias_std, nonnegative=True)
        gen = _generator(seed)
        layers: list[nn.Module] = []
        fan_in = in_dim
        for l in range(depth):
            layers.append(_he_linear(fan_in, width, gen, first_bias_std if l == 0 else 0.0))
            if batch_norm:
                layers.append(BatchCentre())
            layers.append(nn.ReLU())
            fan_in = width
        layers.append(_he_linear(fan_in, out_dim, gen, 0.0))
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)


class ResidualNet(nn.Module):
    """h_0 = W_in x + b; h_{l+1} = h_l + s * W_l relu(centre(h_l)); out = W_out h_L + b_out.

    Parameters
    ----------
    in_dim, width, out_dim : int
        Sizes (>= 1).
    depth : int
        Number of residual blocks (>= 0).
    batch_norm : bool, default False
        centre = :class:`BatchCentre` (else the identity).
    branch_scale : float, default 1.0
        s; 1 / sqrt(depth) keeps the sum's variance bounded with depth.
    first_bias_std : float, default 1.0
        Standard deviation of the input layer's biases.
    seed : int
        Required.

    Examples
    --------
    >>> net = ResidualNet(1, 8, 4, seed=0)
    >>> [type(m).__name__ for m in net.blocks][:2], net(torch.zeros(3, 1, dtype=torch.float64)).shape
    (['Linear', 'Linear'], torch.Size([3, 1]))
    """

    def __init__(self, in_dim: int, width: int, depth: int, out_dim: int = 1, *, batch_norm: bool = False,
                 branch_scale: float = 1.0, first_bias_std: float = 1.0, seed: int) -> None:
        super().__init__()
        in_dim, width, depth, out_dim = _check_sizes(in_dim, width, depth, out_dim)
        self.branch_scale = check_real("branch_scale", branch_scale, nonnegative=True)
        first_bias_std = check_real("first_bias_std", first_bias_std, nonnegative=True)
        gen = _generator(seed)
        self.inp = _he_linear(in_dim, width, gen, first_bias_std)
        self.blocks = nn.ModuleList([_he_linear(width, width, gen, 0.0) for _ in range(depth)])
        self.centre = BatchCentre() if batch_norm else nn.Identity()
        self.out = _he_linear(width, out_dim, gen, 0.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.inp(x)
        for block in self.blocks:
            h = h + self.branch_scale * block(torch.relu(self.centre(h)))
        return self.out(h)


class CReLUNet(nn.Module):
    """A CReLU net, optionally with the looks-linear initialisation (Balduzzi et al. 2017).

    CReLU(z) = [relu(z), relu(-z)] doubles the width. Every later Linear maps 2 * width to
    width; with ``looks_linear`` its weight is the mirrored pair [W, -W], so that
    [W, -W] CReLU(z) = W relu(z) - W relu(-z) = W z and the whole net is *linear* at
    initialisation (its gradient is the same everywhere: correlation exactly 1), yet every
    unit is a ReLU that training can bend. W ~ N(0, 1 / width) keeps the linear map's scale
    (each mirrored pair passes z on once).

    Parameters
    ----------
    in_dim, width, out_dim : int
        Sizes (>= 1).
    depth : int
        Number of CReLU layers (>= 1).
    looks_linear : bool, default True
        Mirrored weights [W, -W]; False: independent He weights for both halves.
    first_bias_std : float, default 0.0
        Standard deviation of the first layer's biases (harmless for the linear start).
    seed : int
        Required.

    Examples
    --------
    >>> net = CReLUNet(1, 8, 4, seed=0)
    >>> x = torch.linspace(-2, 2, 5, dtype=torch.float64)[:, None]
    >>> y = net(x).detach().squeeze(1)
    >>> bool(torch.allclose(y[2:] - y[1:-1], y[1:-1] - y[:-2]))  # linear at initialisation
    True
    """

    def __init__(self, in_dim: int, width: int, depth: int, out_dim: int = 1, *, looks_linear: bool = True,
                 first_bias_std: float = 0.0, seed: int) -> None:
        super().__init__()
        in_dim, width, depth, out_dim = _check_sizes(in_dim, width, depth, out_dim)
        if depth == 0:
            raise ValueError("depth must be >= 1 for a CReLU net (depth 0 would be a linear model)")
        if not isinstance(looks_linear, (bool, np.bool_)):
            raise TypeError(f"looks_linear must be True or False, got {looks_linear!r}")
        first_bias_std = check_real("first_bias_std", first_bias_std, nonnegative=True)
        gen = _generator(seed)
        self.inp = _he_linear(in_dim, width, gen, first_bias_std)
        self.layers = nn.ModuleList([self._mirrored(width, width, gen, looks_linear) for _ in range(depth - 1)])
        self.out = self._mirrored(width, out_dim, gen, looks_linear)

    @staticmethod
    def _mirrored(width: int, fan_out: int, gen: torch.Generator, looks_linear: bool) -> nn.Linear:
        layer = nn.Linear(2 * width, fan_out, dtype=torch.float64)
        with torch.no_grad():
            if looks_linear:
                w = torch.randn(fan_out, width, generator=gen, dtype=torch.float64) / width**0.5
                layer.weight.copy_(torch.cat([w, -w], dim=1))
            else:
                layer.weight.copy_(torch.randn(fan_out, 2 * width, generator=gen, dtype=torch.float64)
                                   / width**0.5)
            layer.bias.zero_()
        return layer

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.inp(x)
        for layer in self.layers:
            z = layer(torch.cat([torch.relu(z), torch.relu(-z)], dim=1))
        return self.out(torch.cat([torch.relu(z), torch.relu(-z)], dim=1))


def gradient_correlation(
    net: nn.Module,
    start: np.ndarray,
    end: np.ndarray,
    *,
    n_points: int = 256,
    lag: int = 1,
) -> float:
    """Correlation of a net's gradients at neighbouring points of a line (shattered gradients).

    With t_i = i / (n - 1), x_i = start + t_i (end - start) and g_i = df/dt(t_i) (the gradient
    along the line, by autograd in one batch),

    .. math:: C = \\frac{\\sum_i (g_i - \\bar g)(g_{i+k} - \\bar g')}
                       {\\sqrt{\\sum_i (g_i - \\bar g)^2 \\sum_i (g_{i+k} - \\bar g')^2}},

    the Pearson correlation of the pairs (g_i, g_{i+lag}). A net that is linear along the line
    has a constant gradient (spread below 1e-5 of its size, to allow for rounding); C is then
    defined as 1 (perfectly correlated). Nets with
    :class:`BatchCentre` see the whole line as their batch.

    Parameters
    ----------
    net : torch.nn.Module
        A module with one output, float64 or float32.
    start, end : (d,) array_like
        End points of the line, d = the net's input dimension.
    n_points : int, default 256
        Grid points (>= lag + 2).
    lag : int, default 1

    Returns
    -------
    float
        In [-1, 1].

    Raises
    ------
    TypeError
        If ``net`` is not a torch module or an argument has the wrong type.
    ValueError
        If the end points are not finite or have the wrong shape, ``n_points`` is too small, or
        the net has more than one output.

    References
    ----------
    D. Balduzzi, M. Frean, L. Leary, J. P. Lewis, K. W.-D. Ma, B. McWilliams, "The shattered
    gradients problem: if resnets are the answer, then what is the question?", ICML 2017.

    Examples
    --------
    >>> gradient_correlation(CReLUNet(1, 16, 8, seed=0), [-2.0], [2.0])  # linear at init
    1.0
    >>> c = gradient_correlation(FeedforwardNet(1, 16, 8, seed=0), [-2.0], [2.0])
    >>> 0.0 < c < 1.0
    True
    """
    if not isinstance(net, nn.Module):
        raise TypeError(f"net must be a torch.nn.Module, got {type(net).__name__}")
    lag = check_int("lag", lag)
    n_points = check_int("n_points", n_points, minimum=lag + 2)
    param = next(iter(net.parameters()), None)
    dtype = param.dtype if param is not None else torch.float64
    d = _input_dim(net)
    start = as_input_vector(start, d, "start")
    end = as_input_vector(end, d, "end")
    for name, value in (("start", start), ("end", end)):
        if not np.isfinite(value).all():
            raise ValueError(f"{name} must be finite, got {value.tolist()}")
    t = torch.linspace(0.0, 1.0, n_points, dtype=dtype, requires_grad=True)
    x = torch.as_tensor(start, dtype=dtype) + t[:, None] * torch.as_tensor(end - start, dtype=dtype)
    y = net(x)
    if y.ndim != 2 or y.shape[1] != 1:
        raise ValueError(f"net must have one output, got output shape {tuple(y.shape)}")
    (grad,) = torch.autograd.grad(y.sum(), t)  # row i of y depends on t_i only (held-fixed stats)
    g = grad.detach().double().numpy()
    # A linear net's gradient is constant up to the rounding of a depth-L product (~1e-13
    # relative in float64); it has no variance to correlate and counts as perfectly correlated.
    # Any real kink changes the slope by far more than this relative spread.
    if np.ptp(g) <= _CONSTANT_RTOL * np.abs(g).max():
        return 1.0
    a, b = g[:-lag] - g[:-lag].mean(), g[lag:] - g[lag:].mean()
    return float(np.clip((a @ b) / np.sqrt((a @ a) * (b @ b)), -1.0, 1.0))


def _input_dim(net: nn.Module) -> int:
    for module in net.modules():
        if isinstance(module, nn.Linear):
            return module.in_features
    raise ValueError("net must contain a Linear layer, to know its input dimension")
