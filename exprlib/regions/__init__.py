"""Linear regions: activation patterns and the exact partition of lines, arcs and planes.

A *region* is a maximal connected set of positive length (1-D) or area (2-D) on which the
activation pattern is constant. For ReLU and hard-tanh networks every pattern's set is convex
(given the earlier layers' patterns each layer is affine), so regions = distinct patterns.
A *linear piece* merges neighbouring regions whose affine maps are identical; it is counted
separately and is never larger than the region count.

Exact enumeration holds every breakpoint or polygon, and deep nets have exponentially many.
Every exact function takes ``memory_budget`` (bytes, default 2 GiB) and raises
:class:`RegionBudgetError` (a ValueError naming the estimate and what to shrink) before it
would outgrow it; ``count_regions_1d`` instead counts a long segment in pieces, and refuses
counts estimated beyond ``max_regions`` (default 10**7).
"""

from __future__ import annotations

import numpy as np
from torch import nn

from .._validation import as_float_array
from ..nets import as_numpy
from ._line import (
    breakpoints_1d,
    breakpoints_arc,
    breakpoints_polyline,
    count_pieces_1d,
    count_regions_1d,
    count_regions_arc,
    count_regions_lines,
    count_regions_polyline,
)
from ._budget import DEFAULT_MAX_REGIONS, DEFAULT_MEMORY_BUDGET, RegionBudgetError
from ._plane import Regions2D, count_regions_2d, regions_2d
from ._sampled import count_regions_sampled

__all__ = [
    "activation_pattern",
    # exact 1-D regions (_line) and the dense-sampling lower bound (_sampled)
    "breakpoints_1d",
    "breakpoints_arc",
    "breakpoints_polyline",
    "count_pieces_1d",
    "count_regions_1d",
    "count_regions_arc",
    "count_regions_lines",
    "count_regions_polyline",
    "count_regions_sampled",
    # exact 2-D regions (_plane)
    "Regions2D",
    "count_regions_2d",
    "regions_2d",
    # size budgets of the exact enumerations (_budget)
    "DEFAULT_MAX_REGIONS",
    "DEFAULT_MEMORY_BUDGET",
    "RegionBudgetError",
]


def activation_pattern(net: nn.Module, x: np.ndarray) -> np.ndarray:
    """The activation pattern of every hidden unit, layers in order, as int8.

    ReLU units give 1 if z > 0 else 0; hard-tanh units give -1 if z <= min_val,
    +1 if z >= max_val, else 0.

    Parameters
    ----------
    net : torch.nn.Sequential
        A network (see :func:`exprlib.nets.as_numpy`).
    x : (n, d) or (d,) array_like
        Input points, d = the network's input dimension.

    Returns
    -------
    (n, N) or (N,) int8 ndarray
        N = total number of hidden units.

    Examples
    --------
    >>> from exprlib.nets import from_weights
    >>> net = from_weights([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    >>> activation_pattern(net, [[2.0], [-3.0], [0.0]])
    array([[1, 0],
           [0, 1],
           [0, 0]], dtype=int8)
    >>> activation_pattern(net, [2.0])
    array([1, 0], dtype=int8)
    """
    mlp = as_numpy(net)
    points = _as_points(x, mlp.in_dim, "x")
    rows = points.reshape(-1, mlp.in_dim)
    z = mlp.preactivations(rows)
    parts = [act.pattern(zl) for act, zl in zip(mlp.activations, z)]
    pattern = np.concatenate(parts, axis=1) if parts else np.zeros((len(rows), 0), dtype=np.int8)
    return pattern[0] if points.ndim == 1 else pattern


def _as_points(x: object, dim: int, name: str) -> np.ndarray:
    """Coerce to float64 of shape (n, dim) or (dim,), with a clear error otherwise."""
    arr = as_float_array(x, name)
    if arr.ndim not in (1, 2) or arr.shape[-1] != dim:
        raise ValueError(f"{name} must have shape (n, {dim}) or ({dim},) for this network, got {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite; it contains NaN or infinite values")
    return arr
