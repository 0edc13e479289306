"""Region density along lines: what random ReLU nets actually do (Hanin & Rolnick 2019).

Hanin & Rolnick prove that at initialisation the expected number of region boundaries a line
segment crosses, per unit length, grows linearly in the total number of neurons N and does not
grow exponentially with depth (for trained nets this is an empirical finding). This module
measures it exactly: random segments (:func:`random_lines`), the exact counts of
:func:`exprlib.regions.count_regions_lines`, and

.. math:: \\text{density} = \\frac{\\sum_i (\\text{regions}_i - 1)}{\\sum_i \\text{length}_i},

the number of boundaries crossed per unit length (regions per unit length, up to the one
region a segment has even with no boundary). :func:`density_by_depth` spends a fixed neuron
budget N on depths 1, 2, ... (width N // depth) and averages over seeded nets.

The bias scale matters: a unit of layer l crosses zero where its pre-activation does, and
with He weights the pre-activation variance grows by sigma_b^2 per layer, so large biases thin
out deep layers' boundaries. The default sigma_b = 0.1 keeps that effect small, as in Hanin &
Rolnick's experiments.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from torch import nn

from ._validation import check_int, check_real
from .nets import as_numpy, random_mlp
from .regions import count_regions_lines

__all__ = ["density_by_depth", "random_lines", "region_density"]


def _check_seed(seed: object) -> int:
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {seed!r} of type {type(seed).__name__}")
    return int(seed)


def random_lines(in_dim: int, n_lines: int, *, length: float = 2.0, scale: float = 1.0,
                 seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random segments of a fixed length: centres ~ N(0, scale^2 I), directions uniform.

    Parameters
    ----------
    in_dim : int
        Input dimension n_0 >= 1.
    n_lines : int
        Number of segments >= 1.
    length : float, default 2.0
        Length of every segment (> 0).
    scale : float, default 1.0
        Standard deviation of the centres' coordinates (>= 0).
    seed : int
        Seed of the generator: the same seed gives the same segments.

    Returns
    -------
    starts, ends : (n_lines, in_dim) float64 ndarrays
        ``ends - starts`` has norm ``length`` in every row.

    Raises
    ------
    TypeError
        If a count or ``seed`` is not an int, or a scale is not a real number.
    ValueError
        If a count is < 1, ``length`` <= 0 or ``scale`` < 0.

    Examples
    --------
    >>> starts, ends = random_lines(3, 4, length=0.5, seed=0)
    >>> starts.shape, bool(np.allclose(np.linalg.norm(ends - starts, axis=1), 0.5))
    ((4, 3), True)
    """
    in_dim = check_int("in_dim", in_dim)
    n_lines = check_int("n_lines", n_lines)
    length = check_real("length", length, positive=True)
    scale = check_real("scale", scale, nonnegative=True)
    rng = np.random.default_rng(_check_seed(seed))
    centres = rng.normal(0.0, 1.0, size=(n_lines, in_dim)) * scale
    directions = rng.normal(size=(n_lines, in_dim))  # (n_lines, in_dim), isotropic
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    half = 0.5 * length * directions
    return centres - half, centres + half


def region_density(net: nn.Module, *, n_lines: int = 20, length: float = 2.0, scale: float = 1.0,
                   seed: int) -> float:
    """Region boundaries crossed per unit length along random segments, counted exactly.

    .. math:: \\frac{\\sum_i (R_i - 1)}{n_{\\text{lines}} \\cdot \\text{length}}

    with R_i = :func:`exprlib.regions.count_regions_lines` on the segments of
    :func:`random_lines` (same ``length``, ``scale`` and ``seed``).

    Parameters
    ----------
    net : torch.nn.Sequential
        A ReLU or hard-tanh network (see :func:`exprlib.nets.as_numpy`).
    n_lines : int, default 20
    length : float, default 2.0
    scale : float, default 1.0
        As in :func:`random_lines`.
    seed : int
        Seed of the segments.

    Returns
    -------
    float
        Boundaries per unit of input length (>= 0).

    Raises
    ------
    TypeError, ValueError
        As :func:`random_lines` and :func:`exprlib.regions.count_regions_lines`.

    References
    ----------
    B. Hanin, D. Rolnick, "Complexity of linear regions in deep networks", ICML 2019,
    arXiv:1901.09021.

    Examples
    --------
    >>> from exprlib.nets import from_weights
    >>> kinks = from_weights([[[1.0], [1.0]], [[1.0, 1.0]]], [[0.0, -0.5], [0.0]])  # kinks at 0 and 1/2
    >>> region_density(kinks, n_lines=1, length=4.0, scale=0.0, seed=0)  # [-2, 2] crosses both
    0.5
    """
    mlp = as_numpy(net)
    starts, ends = random_lines(mlp.in_dim, n_lines, length=length, scale=scale, seed=seed)
    counts = count_regions_lines(net, starts, ends)
    return float((counts - 1).sum() / (len(counts) * float(length)))


def density_by_depth(n_neurons: int | Sequence[int], depths: Sequence[int] = (1, 2, 3, 4), *, in_dim: int = 2,
                     sigma_b: float = 0.1, n_nets: int = 4, n_lines: int = 20, seed: int = 0) -> np.ndarray:
    """Mean region density of random He-initialised ReLU nets at equal neuron budgets.

    For each budget N and depth L the nets are ``random_mlp(in_dim, [N // L] * L,
    sigma_b=sigma_b, seed=seed + i)`` for i = 0..n_nets-1, each measured by
    :func:`region_density` with ``n_lines`` segments and the same seed ``seed + i``.

    Parameters
    ----------
    n_neurons : int or sequence of int
        Neuron budgets N (each >= every depth, so every layer has a unit).
    depths : sequence of int, default (1, 2, 3, 4)
    in_dim : int, default 2
    sigma_b : float, default 0.1
        Bias scale of the random nets (>= 0).
    n_nets, n_lines : int
        Nets per (N, L) and segments per net.
    seed : int, default 0

    Returns
    -------
    (len(n_neurons), len(depths)) float64 ndarray
        Boundaries per unit length; one row per budget (a 1-D array for a single int budget).

    Raises
    ------
    TypeError
        If a count or the seed is not an int.
    ValueError
        If a count is < 1, or a budget is smaller than a depth.

    Examples
    --------
    >>> d = density_by_depth([8, 16], depths=(1, 2), n_nets=2, n_lines=5)
    >>> d.shape, bool((d[1] > d[0]).all())  # twice the neurons, more boundaries per unit length
    ((2, 2), True)
    """
    single = isinstance(n_neurons, (int, np.integer)) and not isinstance(n_neurons, (bool, np.bool_))
    budgets = [check_int("n_neurons", n_neurons)] if single else [
        check_int(f"n_neurons[{i}]", n) for i, n in enumerate(_as_list(n_neurons, "n_neurons"))]
    depths = [check_int(f"depths[{i}]", d) for i, d in enumerate(_as_list(depths, "depths"))]
    in_dim = check_int("in_dim", in_dim)
    sigma_b = check_real("sigma_b", sigma_b, nonnegative=True)
    n_nets = check_int("n_nets", n_nets)
    n_lines = check_int("n_lines", n_lines)
    seed = _check_seed(seed)
    for n in budgets:
        if n < max(depths):
            raise ValueError(f"n_neurons must be >= every depth (at least one unit per layer), got {n} for depths {depths}")
    out = np.empty((len(budgets), len(depths)))
    for row, n in enumerate(budgets):
        for col, depth in enumerate(depths):
            out[row, col] = np.mean([
                region_density(random_mlp(in_dim, [n // depth] * depth, sigma_b=sigma_b, seed=seed + i),
                               n_lines=n_lines, seed=seed + i)
                for i in range(n_nets)])
    return out[0] if single else out


def _as_list(values: object, name: str) -> list:
    if isinstance(values, np.ndarray):
        values = values.tolist()
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a sequence of ints, got {values!r}")
    if len(values) == 0:
        raise ValueError(f"{name} must hold at least one value, got an empty sequence")
    return list(values)
