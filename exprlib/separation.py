"""From deep to shallow: a deep ReLU network as the pointwise maximum of one-hidden-layer networks.

Write a ReLU net with hidden layers 1..L and one output as f(x) = v . relu(a_L(x)) + c. Freeze a
pattern sigma_l in {0, 1}^{n_l} for every layer l < L and run the net with those patterns:

    a~_1 = W_1 x + b_1,   a~_{l+1} = W_{l+1} (sigma_l * a~_l) + b_{l+1},

which is affine in x. Where sigma_l is x's own pattern nothing changes; elsewhere a unit is
*violated* by viol_l = relu((1 - 2 sigma_l) * a~_l) (a frozen-on unit that is negative, or a
frozen-off unit that is positive). With kappa_L = |v| and kappa_l = |W_{l+1}|^T kappa_{l+1},

    g_sigma(x) = c + v . relu(a~_L(x)) - sum_{l<L} kappa_l . viol_l(x)

is a network with one hidden layer of n_1 + ... + n_L units, and f = max_sigma g_sigma: relu is
1-Lipschitz, so |v . relu(a~_L) - v . relu(a_L)| <= sum_l kappa_l . viol_l and every g_sigma <= f,
with equality at every x whose own pattern is sigma (An et al. 2017, "identity B" of the course
notes). The full construction needs 2^(n_1 + ... + n_{L-1}) terms; on a box only the patterns
that occur there are needed, and :func:`max_of_shallow` finds them exactly with
:mod:`exprlib.regions` (pruning by sampling could miss a tiny region and is never used).
"""

from __future__ import annotations

import contextlib
import itertools
from typing import NamedTuple, Sequence

import numpy as np
from torch import nn

from ._validation import as_float_array, check_int, check_widths
from .nets import NumpyMLP, as_numpy, from_weights
from .regions import activation_pattern, breakpoints_1d, regions_2d

try:  # installed with scikit-learn; without it BLAS keeps its own thread count
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover
    threadpool_limits = None

__all__ = ["ShallowCount", "max_of_shallow", "pointwise_max", "shallow_term_count"]

# The full construction enumerates every pattern; 4096 terms of a [6, 6]-wide first part take a
# few seconds to build as torch modules. Larger requests are refused with the count, so that a
# lesson slider cannot freeze the kernel by accident.
DEFAULT_MAX_TERMS = 4096


class ShallowCount(NamedTuple):
    """Size of the full deep-to-shallow construction for hidden widths n_1..n_L.

    ``terms`` = 2^(n_1 + ... + n_{L-1}) one-hidden-layer nets, each of ``units_per_term`` =
    n_1 + ... + n_L units; ``total_units`` = terms x units_per_term (exact Python ints).
    """

    terms: int
    units_per_term: int
    total_units: int


def shallow_term_count(widths: Sequence[int]) -> ShallowCount:
    """How many one-hidden-layer nets, and units in all, the full rewrite of a deep net takes.

    .. math:: m = 2^{n_1 + \\dots + n_{L-1}}, \\qquad
              \\text{units} = m \\, (n_1 + \\dots + n_L)

    Parameters
    ----------
    widths : sequence of int
        Hidden widths n_1..n_L, each >= 1.

    Returns
    -------
    ShallowCount
        ``(terms, units_per_term, total_units)``, exact ints.

    Raises
    ------
    TypeError
        If ``widths`` is not a sequence of ints.
    ValueError
        If it is empty or holds a width < 1.

    Examples
    --------
    >>> shallow_term_count([4])  # one hidden layer: the net itself
    ShallowCount(terms=1, units_per_term=4, total_units=4)
    >>> shallow_term_count([4, 4, 4])
    ShallowCount(terms=256, units_per_term=12, total_units=3072)
    """
    widths = check_widths(widths)
    terms = 2 ** sum(widths[:-1])
    units = sum(widths)
    return ShallowCount(terms, units, terms * units)


# --------------------------------------------------------------------------------------------------
# validation


def _check_relu_scalar(net: object) -> NumpyMLP:
    mlp = as_numpy(net)  # TypeError / ValueError naming ``net`` for anything that is not an MLP
    kinds = sorted({act.kind for act in mlp.activations} - {"relu"})
    if kinds:
        raise ValueError(f"net must be a ReLU network; it has {', '.join(kinds)} layers (the rewrite needs relu)")
    if mlp.out_dim != 1:
        raise ValueError(f"net must have one output, got {mlp.out_dim} (rewrite each output separately)")
    if mlp.depth == 0:
        raise ValueError("net must have at least one hidden layer, got a linear model (Linear only)")
    return mlp


def _check_box(box: object, in_dim: int) -> tuple[float, ...]:
    if in_dim not in (1, 2):
        raise ValueError(
            f"box is supported for nets with 1 or 2 inputs (exact regions), but net has {in_dim}; "
            "pass box=None for the full construction"
        )
    shape = "(xmin, xmax)" if in_dim == 1 else "(xmin, xmax, ymin, ymax)"
    arr = as_float_array(box, "box", expected=f"a tuple {shape} of numbers")
    if arr.shape != (2 * in_dim,):
        raise ValueError(f"box must be {shape} for a net with {in_dim} input(s), got {box!r}")
    if not np.isfinite(arr).all() or not (arr[0::2] < arr[1::2]).all():
        raise ValueError(f"box must be {shape}, finite, with each min < max, got {box!r}")
    return tuple(float(x) for x in arr)


# --------------------------------------------------------------------------------------------------
# the construction


def _all_patterns(mlp: NumpyMLP) -> np.ndarray:
    n_frozen = sum(mlp.widths[:-1])
    rows = list(itertools.product((0, 1), repeat=n_frozen))  # [()] for one hidden layer
    return np.array(rows, dtype=np.int8).reshape(len(rows), n_frozen)


def _box_patterns(mlp: NumpyMLP, box: tuple[float, ...]) -> np.ndarray:
    """Distinct patterns of layers 1..L-1 over the box, from the exact regions of the net cut
    after layer L (its pre-activations a_L become the readout, so layer L does not split)."""
    n_frozen = sum(mlp.widths[:-1])
    if n_frozen == 0:
        return np.zeros((1, 0), dtype=np.int8)
    depth = mlp.depth
    truncated = from_weights(list(mlp.weights[:depth]), list(mlp.biases[:depth]))
    if mlp.in_dim == 2:
        patterns = regions_2d(truncated, box).patterns
    else:
        lo, hi = box
        t = np.concatenate([[0.0], breakpoints_1d(truncated, [lo], [hi]), [1.0]])
        mids = lo + 0.5 * (t[:-1] + t[1:]) * (hi - lo)  # one interior point per exact region
        patterns = activation_pattern(truncated, mids[:, None])
    return np.unique(patterns, axis=0)


def _terms(mlp: NumpyMLP, patterns: np.ndarray) -> list[nn.Sequential]:
    """g_sigma for every row sigma of ``patterns`` (P, n_1 + ... + n_{L-1})."""
    depth, widths = mlp.depth, mlp.widths
    v, c = mlp.weights[-1][0], mlp.biases[-1]
    n_patterns = len(patterns)
    # kappa_l = |W_{l+1}|^T kappa_{l+1}, kappa_L = |v|: how far a violation can move the output
    kappas = [np.abs(v)]
    for l in range(depth - 1, 0, -1):
        kappas.insert(0, np.abs(mlp.weights[l]).T @ kappas[0])
    # frozen pre-activations a~_l = slopes_l x + offsets_l, per pattern: (P, n_l, d) and (P, n_l)
    slopes = np.broadcast_to(mlp.weights[0], (n_patterns, *mlp.weights[0].shape))
    offsets = np.broadcast_to(mlp.biases[0], (n_patterns, widths[0]))
    hidden_w, hidden_b, out_w = [], [], []
    start = 0
    for l in range(depth - 1):
        sigma = patterns[:, start : start + widths[l]].astype(np.float64)  # (P, n_l)
        start += widths[l]
        signs = 1.0 - 2.0 * sigma  # viol_l = relu(signs * a~_l)
        hidden_w.append(signs[:, :, None] * slopes)
        hidden_b.append(signs * offsets)
        out_w.append(np.broadcast_to(-kappas[l], (n_patterns, widths[l])))
        w_next, b_next = mlp.weights[l + 1], mlp.biases[l + 1]
        slopes = np.einsum("ij,pjk->pik", w_next, sigma[:, :, None] * slopes)
        offsets = (sigma * offsets) @ w_next.T + b_next
    hidden_w.append(slopes)
    hidden_b.append(offsets)
    out_w.append(np.broadcast_to(v, (n_patterns, widths[-1])))
    hidden_w = np.concatenate(hidden_w, axis=1)  # (P, N, d)
    hidden_b = np.concatenate(hidden_b, axis=1)  # (P, N)
    out_w = np.concatenate(out_w, axis=1)  # (P, N)
    return [from_weights([hidden_w[p], out_w[p][None, :]], [hidden_b[p], c]) for p in range(n_patterns)]


def max_of_shallow(
    net: nn.Module,
    *,
    box: Sequence[float] | None = None,
    max_terms: int = DEFAULT_MAX_TERMS,
    return_patterns: bool = False,
) -> list[nn.Sequential] | tuple[list[nn.Sequential], np.ndarray]:
    """Rewrite a deep ReLU net as the pointwise maximum of one-hidden-layer ReLU nets.

    For every frozen pattern sigma of layers 1..L-1 (see the module notes)

    .. math:: g_\\sigma(x) = c + v \\cdot \\mathrm{relu}(\\tilde a_L(x))
              - \\sum_{l<L} \\kappa_l \\cdot \\mathrm{relu}((1 - 2\\sigma_l) \\odot \\tilde a_l(x)),

    a net with one hidden layer of n_1 + ... + n_L units; g_sigma <= f everywhere and
    f(x) = g_sigma(x) when sigma is x's pattern, so f = max_sigma g_sigma.

    Parameters
    ----------
    net : torch.nn.Sequential
        A ReLU network with at least one hidden layer and one output
        (see :func:`exprlib.nets.as_numpy`).
    box : (xmin, xmax) or (xmin, xmax, ymin, ymax), optional
        For a net with 1 or 2 inputs: keep only the patterns that occur in this interval or
        rectangle, found exactly from its linear regions. The maximum then equals the net on the
        box (and stays <= the net everywhere). None: all 2^(n_1 + ... + n_{L-1}) patterns, exact
        everywhere.
    max_terms : int, default 4096
        Refuse (ValueError, with the count) to build more terms than this.
    return_patterns : bool, default False
        Also return the frozen patterns, one row per term, layers 1..L-1 in order (ReLU
        convention of :func:`exprlib.regions.activation_pattern`).

    Returns
    -------
    list of torch.nn.Sequential
        The nets g_1..g_m, each ``Linear(d, N), ReLU, Linear(N, 1)`` in float64; with
        ``return_patterns`` also an (m, n_1 + ... + n_{L-1}) int8 array.

    Raises
    ------
    TypeError
        If ``net`` is not a supported network, or ``box`` / ``max_terms`` has the wrong type.
    ValueError
        If ``net`` is not ReLU, has several outputs or no hidden layer; if ``box`` does not fit
        the input dimension (or the net has more than 2 inputs), is empty or not finite; or if
        more than ``max_terms`` terms are needed.

    See Also
    --------
    shallow_term_count : the full construction's size for given widths.
    pointwise_max : evaluate max_i g_i at points.

    References
    ----------
    S. An, M. Bennamoun, F. Boussaid, "On the compressive power of deep rectifier networks for
    high resolution representation of class boundaries", arXiv:1708.07244 (2017). The pure-max
    form used here is the course notes' identity B.

    Examples
    --------
    >>> net = from_weights([[[1.0], [-1.0]], [[1.0, 1.0]], [[-1.0]]], [[0.0, 0.0], [-1.0], [2.0]])
    >>> terms = max_of_shallow(net)  # 2 units in layer 1: 4 patterns
    >>> x = np.array([[-3.0], [0.0], [0.5], [3.0]])
    >>> len(terms), pointwise_max(terms, x).tolist(), as_numpy(net).forward(x)[:, 0].tolist()
    (4, [0.0, 2.0, 2.0, 0.0], [0.0, 2.0, 2.0, 0.0])
    >>> len(max_of_shallow(net, box=(0.5, 3.0)))  # only the pattern (1, 0) occurs there
    1
    """
    mlp = _check_relu_scalar(net)
    max_terms = check_int("max_terms", max_terms)
    if box is None:
        needed = shallow_term_count(mlp.widths).terms
        if needed > max_terms:
            raise ValueError(
                f"the full construction for widths {list(mlp.widths)} needs {needed} terms "
                f"(2^{sum(mlp.widths[:-1])}), more than max_terms={max_terms}; pass a box to keep only "
                "the patterns that occur there, or raise max_terms"
            )
        patterns = _all_patterns(mlp)
    else:
        patterns = _box_patterns(mlp, _check_box(box, mlp.in_dim))
        if len(patterns) > max_terms:
            raise ValueError(
                f"{len(patterns)} patterns occur in box {tuple(box)!r}, more than max_terms={max_terms}; "
                "shrink the box or raise max_terms"
            )
    terms = _terms(mlp, patterns)
    return (terms, patterns) if return_patterns else terms


def pointwise_max(nets: Sequence[nn.Module], x: np.ndarray) -> np.ndarray:
    """max_i g_i(x) at the rows of x, for nets with one output each (float64).

    Parameters
    ----------
    nets : non-empty sequence of torch.nn.Sequential
        Networks with the same input dimension d and one output.
    x : (n, d) array_like

    Returns
    -------
    (n,) float64 ndarray

    Raises
    ------
    TypeError
        If ``nets`` is not a sequence of networks or ``x`` is not numeric.
    ValueError
        If ``nets`` is empty, a net has several outputs or another input dimension, or ``x``
        has the wrong shape or non-finite entries.

    Examples
    --------
    >>> nets = [from_weights([[[1.0]]], [[0.0]]), from_weights([[[-1.0]]], [[0.0]])]
    >>> pointwise_max(nets, [[-2.0], [0.0], [3.0]]).tolist()  # max(x, -x) = |x|
    [2.0, 0.0, 3.0]
    """
    if isinstance(nets, nn.Module) or not isinstance(nets, Sequence):
        raise TypeError(f"nets must be a sequence (list) of networks, got {type(nets).__name__}")
    if len(nets) == 0:
        raise ValueError("nets must hold at least one network, got an empty sequence")
    mlps = [as_numpy(g) for g in nets]
    dims = {(g.in_dim, g.out_dim) for g in mlps}
    if len(dims) != 1 or next(iter(dims))[1] != 1:
        raise ValueError(f"nets must share one input dimension and have one output each, got (in, out) {sorted(dims)}")
    d = mlps[0].in_dim
    points = as_float_array(x, "x")
    if points.ndim != 2 or points.shape[1] != d:
        raise ValueError(f"x must have shape (n, {d}), got {points.shape}")
    if not np.isfinite(points).all():
        raise ValueError("x must be finite; it contains NaN or infinite values")
    out = np.full(len(points), -np.inf)
    # Many thin products: a second BLAS thread only spin-waits (one thread was 5x faster for
    # 1024 terms on a busy 2-core machine).
    with threadpool_limits(1, user_api="blas") if threadpool_limits else contextlib.nullcontext():
        if len({g.widths for g in mlps}) == 1 and mlps[0].depth == 1:
            _shallow_max(mlps, points, out)
        else:
            for g in mlps:
                np.maximum(out, g.forward(points)[:, 0], out=out)
    return out


# Points per block when all terms are evaluated in one product: the block's pre-activations
# (block x m N floats) stay near 32 MiB whatever the number of terms.
_BLOCK_FLOATS = 2**22


def _shallow_max(mlps: list[NumpyMLP], points: np.ndarray, out: np.ndarray) -> None:
    """max_i g_i for one-hidden-layer nets of equal width: one product per block of points."""
    n_terms, width = len(mlps), mlps[0].widths[0]
    hidden_w = np.concatenate([g.weights[0] for g in mlps])  # (m N, d)
    hidden_b = np.concatenate([g.biases[0] for g in mlps])  # (m N,)
    out_w = np.stack([g.weights[1][0] for g in mlps])  # (m, N)
    out_b = np.array([g.biases[1][0] for g in mlps])  # (m,)
    block = max(1, _BLOCK_FLOATS // (n_terms * width))
    for start in range(0, len(points), block):
        pre = points[start : start + block] @ hidden_w.T + hidden_b  # (block, m N)
        act = np.maximum(pre, 0.0, out=pre).reshape(-1, n_terms, width)
        values = np.einsum("pmn,mn->pm", act, out_w) + out_b  # (block, m)
        out[start : start + block] = values.max(axis=1)
