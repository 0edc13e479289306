"""Shallow against deep at the same parameter count: Telgarsky's sawtooth and a radial target.

Telgarsky's tent map f(z) = relu(2 relu(z) - 4 relu(z - 1/2)) composed k times is a sawtooth
f^k with 2^k linear pieces and 2^(k-1) teeth on [0, 1]. A net with k hidden layers of width 2
computes it exactly (:func:`exprlib.constructions.sawtooth`, 6k + 1 parameters). A net with one
hidden layer of m units has at most m kinks, so for m < 2^(k-1) at least 2^(k-1) - m teeth
contain none; on such a tooth g is affine, and the best affine fit of a tent is the constant 1/2
(squared error 1/12 per unit length). Hence (the *tooth argument*)

    sup |g - f^k| >= 1/2,   ||g - f^k||_2 >= sqrt((1 - m / 2^(k-1)) / 12).

This module measures both sides exactly: :func:`sawtooth_errors` evaluates g - f^k at the union
of g's exact kinks and the dyadic points j / 2^k, between which both are affine, so the sup and
L2 errors and the piece count need no sampling. It also holds the small, seeded training runs of
the lesson's budget race (with the data-dependent initialisation that makes deep nets trainable
at all) and of the Eldan-Shamir-style radial experiment (an illustration, not a proof).
"""

from __future__ import annotations

import math
from typing import NamedTuple, Sequence

import numpy as np
import torch
from torch import nn

from ._validation import check_int, check_real, check_widths
from .nets import as_numpy, from_weights
from .regions import breakpoints_1d, count_pieces_1d

__all__ = [
    "SawtoothErrors",
    "ToothBound",
    "data_dependent_init",
    "deep_construction",
    "mlp_parameters",
    "radial_relmse",
    "radial_target",
    "sawtooth_errors",
    "shallow_fit",
    "shallow_units_for",
    "tent_power",
    "tooth_bound",
    "train_sawtooth",
]

# The lesson's race stays a few seconds long: k up to 8 keeps 2^k dyadic knots tiny, and more
# compositions than float64 resolves (about 50) are meaningless anyway.
_MAX_K = 30


class SawtoothErrors(NamedTuple):
    """Exact errors of a 1-input net g against f^k on [0, 1], and g's linear pieces there."""

    sup: float
    l2: float
    pieces: int


class ToothBound(NamedTuple):
    """Lower bounds on the sup and L2 errors of every one-hidden-layer net with m units."""

    sup: float
    l2: float


def _check_k(k: object) -> int:
    k = check_int("k", k)
    if k > _MAX_K:
        raise ValueError(f"k must be at most {_MAX_K} (2^k pieces), got {k}")
    return k


def tent_power(x: np.ndarray, k: int) -> np.ndarray:
    """The sawtooth f^k(x): the tent map f(z) = 1 - |2z - 1| applied k times, for x in [0, 1].

    Parameters
    ----------
    x : array_like of floats in [0, 1]
    k : int
        Number of compositions, >= 0 (k = 0 is the identity).

    Returns
    -------
    float64 ndarray, the shape of x

    Raises
    ------
    ValueError
        If k < 0 or an x lies outside [0, 1].

    Examples
    --------
    >>> tent_power([0.0, 0.125, 0.25, 0.5], 2).tolist()
    [0.0, 0.5, 1.0, 0.0]
    """
    k = check_int("k", k, minimum=0)
    z = np.asarray(x, dtype=np.float64)
    if not ((z >= 0) & (z <= 1)).all():
        raise ValueError("x must lie in [0, 1] (the sawtooth is defined there)")
    for _ in range(k):
        z = 1.0 - np.abs(2.0 * z - 1.0)  # exact for dyadic z: one doubling per composition
    return z


def _forward(net: nn.Module, x: np.ndarray) -> np.ndarray:
    return as_numpy(net).forward(x[:, None])[:, 0]


def sawtooth_errors(net: nn.Module, k: int) -> SawtoothErrors:
    """Exact sup and L2 errors of a 1-input net against f^k on [0, 1], and its piece count.

    Both g and f^k are affine between consecutive points of the union of g's exact kinks
    (:func:`exprlib.regions.breakpoints_1d`) and {j / 2^k}; with d = g - f^k at those knots,

    .. math:: \\|g - f^k\\|_\\infty = \\max_i |d_i|, \\qquad
              \\|g - f^k\\|_2^2 = \\sum_i (t_{i+1} - t_i)\\,(d_i^2 + d_i d_{i+1} + d_{i+1}^2)/3.

    Parameters
    ----------
    net : torch.nn.Sequential
        A network with one input and one output.
    k : int
        Compositions of the target, >= 1.

    Returns
    -------
    SawtoothErrors
        ``(sup, l2, pieces)``; pieces from :func:`exprlib.regions.count_pieces_1d` on [0, 1].

    Raises
    ------
    ValueError
        If the net has not one input and one output, or k is out of range.

    Examples
    --------
    >>> from exprlib.constructions import sawtooth
    >>> sawtooth_errors(sawtooth(3), 3)
    SawtoothErrors(sup=0.0, l2=0.0, pieces=8)
    >>> e = sawtooth_errors(from_weights([np.zeros((1, 1))], [[0.5]]), 3)  # the constant 1/2
    >>> round(e.sup, 4), round(e.l2, 4), e.pieces
    (0.5, 0.2887, 1)
    """
    k = _check_k(k)
    mlp = as_numpy(net)
    if mlp.in_dim != 1 or mlp.out_dim != 1:
        raise ValueError(f"net must have one input and one output, got {mlp.in_dim} and {mlp.out_dim}")
    kinks = breakpoints_1d(net, [0.0], [1.0]) if mlp.depth else np.zeros(0)
    knots = np.union1d(kinks, np.arange(2**k + 1) / 2**k)
    d = mlp.forward(knots[:, None])[:, 0] - tent_power(knots, k)
    sq = np.diff(knots) * (d[:-1] ** 2 + d[:-1] * d[1:] + d[1:] ** 2) / 3.0
    pieces = count_pieces_1d(net, [0.0], [1.0]) if mlp.depth else 1
    return SawtoothErrors(float(np.abs(d).max()), float(math.sqrt(max(sq.sum(), 0.0))), int(pieces))


def tooth_bound(k: int, m: int) -> ToothBound:
    """Telgarsky's tooth argument: error lower bounds for one hidden layer of m units against f^k.

    .. math:: m < 2^{k-1}: \\quad \\sup \\ge 1/2, \\qquad
              \\|g - f^k\\|_2 \\ge \\sqrt{(1 - m / 2^{k-1}) / 12};

    for m >= 2^(k-1) every tooth can hold a kink and the argument gives nothing (0, 0).

    Parameters
    ----------
    k : int
        Compositions, >= 1.
    m : int
        Hidden units, >= 0.

    Returns
    -------
    ToothBound

    Examples
    --------
    >>> b = tooth_bound(5, 10)  # 16 teeth, at most 10 hold a kink
    >>> b.sup, round(b.l2, 4)
    (0.5, 0.1768)
    >>> tooth_bound(3, 4)  # as many kinks as teeth: no bound
    ToothBound(sup=0.0, l2=0.0)
    """
    k = _check_k(k)
    m = check_int("m", m, minimum=0)
    teeth = 2 ** (k - 1)
    if m >= teeth:
        return ToothBound(0.0, 0.0)
    return ToothBound(0.5, math.sqrt((1.0 - m / teeth) / 12.0))


def mlp_parameters(widths: Sequence[int], in_dim: int = 1) -> int:
    """Weights and biases of a net with these hidden widths, in_dim inputs and one output.

    Examples
    --------
    >>> mlp_parameters([2, 2, 2])  # the sawtooth net for k = 3: 6k + 1
    19
    >>> mlp_parameters([10])
    31
    """
    widths = check_widths(widths)
    in_dim = check_int("in_dim", in_dim)
    sizes = [in_dim, *widths, 1]
    return sum(n_out * (n_in + 1) for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def shallow_units_for(parameters: int, in_dim: int = 1) -> int:
    """The most units m of one hidden layer within a parameter budget: (in_dim + 2) m + 1 <= P.

    Examples
    --------
    >>> shallow_units_for(mlp_parameters([2, 2, 2]))
    6
    """
    parameters = check_int("parameters", parameters)
    in_dim = check_int("in_dim", in_dim)
    return max((parameters - 1) // (in_dim + 2), 1)


# --------------------------------------------------------------------------------------------------
# constructions for the widget's race (no training)


def _tent_layer(j: int, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Units relu(z - i / 2^j), i < 2^j (padded with unused units to ``width``), and the mix that
    makes them f^j on [0, 1]: slopes alternate +-2^j, so each unit turns the slope by -+2^(j+1)."""
    n = 2**j
    unit_w = np.zeros((width, 1))
    unit_b = np.zeros(width)
    mix = np.zeros((1, width))
    unit_w[:n, 0] = 1.0
    unit_b[:n] = -np.arange(n) / n
    mix[0, :n] = np.where(np.arange(n) == 0, float(n), 2.0 * n * (-1.0) ** np.arange(n))
    return unit_w, unit_b, mix


def deep_construction(k: int, depth: int, width: int) -> nn.Sequential:
    """The best sawtooth a depth x width ReLU net builds by composing tents: f^(min(k, k')) exactly.

    A layer of w units realises f^j on [0, 1] with j = floor(log2 w) (units at i / 2^j); stacking
    ``depth`` such layers gives f^k' with k' = depth * j. Layers beyond k compositions use one unit
    as the identity relu(z) (z >= 0 there). Every layer has exactly ``width`` units (unused ones
    have zero weights), so the parameter count is that of the full architecture.

    Examples
    --------
    >>> sawtooth_errors(deep_construction(4, 2, 4), 4)  # two layers of f^2
    SawtoothErrors(sup=0.0, l2=0.0, pieces=16)
    >>> deep_construction(4, 2, 2).__len__()  # 2 hidden layers: Linear, ReLU, Linear, ReLU, Linear
    5
    """
    k = _check_k(k)
    depth = check_int("depth", depth)
    width = check_int("width", width)
    if width < 2:
        raise ValueError(f"width must be >= 2 (a tent needs two hinges), got {width}")
    per_layer = int(math.floor(math.log2(width)))
    weights, biases = [], []
    mix_prev, left = None, k
    for _ in range(depth):
        j = min(per_layer, left)
        left -= j
        if j == 0:  # identity on [0, 1]
            unit_w, unit_b, mix = np.zeros((width, 1)), np.zeros(width), np.zeros((1, width))
            unit_w[0, 0], mix[0, 0] = 1.0, 1.0
        else:
            unit_w, unit_b, mix = _tent_layer(j, width)
        if mix_prev is None:
            weights.append(unit_w)
        else:
            weights.append(unit_w @ mix_prev)  # layer l + 1 reads the previous layer's f^j
        biases.append(unit_b)
        mix_prev = mix
    weights.append(mix_prev)
    biases.append(np.zeros(1))
    return from_weights(weights, biases)


def shallow_fit(k: int, units: int) -> nn.Sequential:
    """The best one-hidden-layer fit of f^k (in L2) with ``units`` ReLUs at evenly spaced kinks.

    With units >= 2^k the units sit at the kinks j / 2^k and interpolate f^k exactly. Otherwise the
    kinks sit at i / units: the net is then any continuous linear spline on that uniform mesh, and
    the fit is the exact L2 projection of f^k onto those splines (hat basis, tridiagonal Gram
    matrix; the right-hand side by Simpson's rule, exact for these piecewise quadratics), rewritten
    as y_0 + s_0 relu(x) + sum_i (s_i - s_(i-1)) relu(x - i / units). No training, a few ms.

    Examples
    --------
    >>> sawtooth_errors(shallow_fit(3, 8), 3).l2
    0.0
    >>> round(sawtooth_errors(shallow_fit(5, 6), 5).l2, 2)  # >= the tooth bound 0.23
    0.29
    """
    from scipy.linalg import solve_banded

    k = _check_k(k)
    units = check_int("units", units)
    pieces = 2**k
    if units >= pieces:
        unit_w = np.zeros((units, 1))
        unit_b = np.zeros(units)
        mix = np.zeros((1, units))
        tent = _tent_layer(k, pieces)
        unit_w[:pieces], unit_b[:pieces], mix[:, :pieces] = tent[0], tent[1], tent[2]
        return from_weights([unit_w, mix], [unit_b, np.zeros(1)])
    h = 1.0 / units
    mesh = np.arange(units + 1) * h
    t = np.union1d(mesh, np.arange(pieces + 1) / pieces)
    a, b = t[:-1], t[1:]
    cell = np.minimum(np.floor((a + b) / 2 / h).astype(int), units - 1)
    rhs = np.zeros(units + 1)
    for side, idx in ((0, cell), (1, cell + 1)):
        def weighted(x: np.ndarray) -> np.ndarray:
            u = (x - mesh[cell]) / h  # hat functions on this mesh cell: 1 - u (left), u (right)
            return tent_power(np.clip(x, 0.0, 1.0), k) * (u if side else 1.0 - u)

        np.add.at(rhs, idx, (b - a) / 6.0 * (weighted(a) + 4.0 * weighted((a + b) / 2) + weighted(b)))
    gram = np.zeros((3, units + 1))  # banded storage: upper, diagonal, lower
    gram[0, 1:] = gram[2, :-1] = h / 6.0
    gram[1, :] = 2.0 * h / 3.0
    gram[1, [0, -1]] = h / 3.0
    nodal = solve_banded((1, 1), gram, rhs)
    slopes = np.diff(nodal) / h
    mix = np.concatenate([slopes[:1], np.diff(slopes)])[None, :]
    return from_weights([np.ones((units, 1)), mix], [-mesh[:-1], nodal[:1]])


# --------------------------------------------------------------------------------------------------
# training


class _one_thread:
    """Run tiny training loops on one torch thread (restored after): for nets this small, thread
    synchronisation costs more than it saves (measured ~3x slower CPU time on 2 threads)."""

    def __enter__(self) -> None:
        self._threads = torch.get_num_threads()
        torch.set_num_threads(1)

    def __exit__(self, *exc: object) -> None:
        torch.set_num_threads(self._threads)


def data_dependent_init(net: nn.Module, x: torch.Tensor, *, seed: int) -> nn.Module:
    """Initialise a ReLU MLP from data: each hidden unit gets unit pre-activation std on ``x``
    and its kink at a random training point; the readout starts small (std 0.1 / sqrt(width)).

    Without it (PyTorch's default or He init with zero biases) the deep sawtooth nets of the
    race collapse to constants: most units are dead or never kink inside [0, 1].

    Parameters
    ----------
    net : torch.nn.Sequential
        ``Linear`` layers with ``ReLU`` between them; changed in place and returned.
    x : (n, d) torch.Tensor
        The training inputs (in the net's dtype).
    seed : int

    Examples
    --------
    >>> net = from_weights([np.ones((4, 1)), np.ones((1, 4))], [np.zeros(4), np.zeros(1)])
    >>> x = torch.linspace(0, 1, 50, dtype=torch.float64)[:, None]
    >>> pre = data_dependent_init(net, x, seed=0)[0](x)
    >>> pre.std(0).detach().numpy().round(6).tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    seed = check_int("seed", seed, minimum=0)
    gen = torch.Generator().manual_seed(seed)
    linears = [m for m in net if isinstance(m, nn.Linear)]
    h = x
    with torch.no_grad():
        for lin in linears[:-1]:
            lin.weight.copy_(torch.randn(lin.weight.shape, generator=gen, dtype=lin.weight.dtype))
            z = h @ lin.weight.T
            scale = z.std(0).clamp_min(1e-12)
            lin.weight.div_(scale[:, None])
            z = z / scale
            rows = torch.randint(0, len(x), (z.shape[1],), generator=gen)
            lin.bias.copy_(-z[rows, torch.arange(z.shape[1])])  # kink at a training point
            h = torch.relu(z + lin.bias)
        out = linears[-1]
        out.weight.copy_(0.1 * torch.randn(out.weight.shape, generator=gen, dtype=out.weight.dtype)
                         / math.sqrt(out.weight.shape[1]))
        out.bias.zero_()
    return net


def train_sawtooth(k: int, widths: Sequence[int], *, steps: int = 400, lr: float | None = None,
                   n_grid: int = 500, seed: int) -> nn.Sequential:
    """Train a 1-input ReLU net with these hidden widths on f^k: full batch, Adam, cosine lr.

    The settings of the course notes' race: ``n_grid`` evenly spaced points in [0, 1], mean
    squared error, data-dependent initialisation (:func:`data_dependent_init`); lr defaults to
    5e-3 for deep nets and 1e-2 for one hidden layer. float64 throughout, seeded.

    Returns
    -------
    torch.nn.Sequential
        The trained net (float64), ready for :func:`sawtooth_errors`.

    Examples
    --------
    >>> net = train_sawtooth(2, [6, 6], steps=200, seed=0)
    >>> sawtooth_errors(net, 2).l2 < 0.05
    True
    """
    k = _check_k(k)
    widths = check_widths(widths)
    steps = check_int("steps", steps)
    n_grid = check_int("n_grid", n_grid, minimum=2)
    seed = check_int("seed", seed, minimum=0)
    lr = check_real("lr", lr if lr is not None else (1e-2 if len(widths) == 1 else 5e-3), positive=True)
    sizes = [1, *widths, 1]
    net = from_weights([np.zeros((b, a)) for a, b in zip(sizes[:-1], sizes[1:])], [np.zeros(b) for b in sizes[1:]])
    x = torch.linspace(0.0, 1.0, n_grid, dtype=torch.float64)[:, None]
    y = torch.from_numpy(tent_power(x[:, 0].numpy(), k))[:, None]
    data_dependent_init(net, x, seed=seed)
    with torch.no_grad():
        net[-1].bias.fill_(float(y.mean()))
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
    with _one_thread():
        for _ in range(steps):
            opt.zero_grad()
            loss = torch.mean((net(x) - y) ** 2)
            loss.backward()
            opt.step()
            sched.step()
    return net


# --------------------------------------------------------------------------------------------------
# Eldan-Shamir-style radial target


def radial_target(x: torch.Tensor, *, omega: float = math.pi / 2) -> torch.Tensor:
    """y = cos(omega (|x| - E|x|)) for x ~ N(0, I_d); centring the radius gives every d one profile.

    E|x| = sqrt(2) Gamma((d + 1) / 2) / Gamma(d / 2) (the chi distribution's mean).

    Examples
    --------
    >>> x = torch.zeros(1, 4, dtype=torch.float64)
    >>> round(float(radial_target(x)[0]), 4)  # |x| = 0 lies E|x| = 1.88 below the mean radius
    -0.9823
    """
    d = x.shape[1]
    mean_radius = math.sqrt(2.0) * math.exp(math.lgamma((d + 1) / 2) - math.lgamma(d / 2))
    return torch.cos(omega * (x.norm(dim=1) - mean_radius))


def radial_relmse(d: int, widths: Sequence[int], *, steps: int = 300, batch: int = 512, lr: float = 3e-3,
                  n_test: int = 4000, seed: int) -> float:
    """Train a ReLU net (PyTorch default init) on the radial target in R^d; relative test MSE.

    Fresh minibatches of ``batch`` Gaussian points per step, Adam with a cosine lr; returns
    MSE / Var(y) on ``n_test`` fresh points (float32 for speed: this is a measurement, not an
    exact computation). An illustration consistent with Eldan & Shamir (2016), not a proof.

    Examples
    --------
    >>> r = radial_relmse(2, [16, 16], steps=50, seed=0)
    >>> 0.0 < r < 2.0
    True
    """
    d = check_int("d", d)
    widths = check_widths(widths)
    steps = check_int("steps", steps)
    batch = check_int("batch", batch)
    n_test = check_int("n_test", n_test, minimum=2)
    seed = check_int("seed", seed, minimum=0)
    torch.manual_seed(seed)
    sizes = [d, *widths, 1]
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        if i:
            layers.append(nn.ReLU())
        layers.append(nn.Linear(a, b))
    net = nn.Sequential(*layers)
    gen = torch.Generator().manual_seed(seed + 1)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
    with _one_thread():
        for _ in range(steps):
            x = torch.randn(batch, d, generator=gen)
            loss = torch.mean((net(x)[:, 0] - radial_target(x)) ** 2)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    with torch.no_grad():
        x = torch.randn(n_test, d, generator=gen)
        y = radial_target(x)
        return float(torch.mean((net(x)[:, 0] - y) ** 2) / y.var())
