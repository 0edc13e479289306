"""Lesson 05-depth-separation: the sawtooth and its rivals drawn exactly, the race's errors, the radial run.

Every helper labels its axes, sets a title, takes ``ax=`` to draw into an existing Axes (widgets
draw without pyplot) and returns it. Networks are drawn exactly, as polylines through their
kinks and the dyadic points j / 2^k; the measurements are made by the caller.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from torch import nn

from ._core import _new_axes

__all__ = ["plot_compositions", "plot_race_errors", "plot_radial", "plot_sawtooth_fits", "plot_shallow_units"]

_COLOURS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple")


def _exact_polyline(net: nn.Module, k: int) -> tuple[np.ndarray, np.ndarray]:
    from ..nets import as_numpy
    from ..regions import breakpoints_1d

    mlp = as_numpy(net)
    kinks = breakpoints_1d(net, [0.0], [1.0]) if mlp.depth else np.zeros(0)
    x = np.union1d(kinks, np.arange(2**k + 1) / 2**k)
    return x, mlp.forward(x[:, None])[:, 0]


def plot_compositions(max_k: int = 3, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """The tent map f and its compositions f^2 .. f^max_k on [0, 1] (exact polylines).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> [line.get_label() for line in plot_compositions(3, ax=Figure().subplots()).lines]
    ['f (k = 1)', 'f^2 (k = 2)', 'f^3 (k = 3)']
    """
    from ..race import tent_power

    ax = _new_axes(ax)
    for k in range(1, max_k + 1):
        x = np.arange(2**k + 1) / 2**k
        ax.plot(x, tent_power(x, k) + 1.5 * (max_k - k), color=_COLOURS[(k - 1) % 5], lw=1.4,
                label=("f" if k == 1 else f"f^{k}") + f" (k = {k})")
    ax.set_xlim(0, 1)
    ax.set_yticks([1.5 * j for j in range(max_k)] + [1.5 * j + 1 for j in range(max_k)], minor=False)
    ax.set_yticklabels(["0"] * max_k + ["1"] * max_k)
    ax.set_xlabel("input x")
    ax.set_ylabel("f^k(x) (curves shifted up)")
    ax.set_title(title if title is not None else "the tent map composed k times")
    ax.legend(loc="upper right", fontsize="small", ncols=max_k, bbox_to_anchor=(1.0, 1.0))
    ax.set_ylim(-0.1, 1.5 * (max_k - 1) + 1.45)
    return ax


def plot_sawtooth_fits(k: int, nets: Mapping[str, nn.Module], *, ax: Axes | None = None,
                       title: str | None = None) -> Axes:
    """The target f^k (grey) and each net's exact function on [0, 1].

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from exprlib.constructions import sawtooth
    >>> ax = plot_sawtooth_fits(3, {"deep": sawtooth(3)}, ax=Figure().subplots())
    >>> [line.get_label() for line in ax.lines]
    ['target f^3', 'deep']
    """
    from ..race import tent_power

    ax = _new_axes(ax)
    x = np.arange(2**k + 1) / 2**k
    ax.plot(x, tent_power(x, k), color="0.6", lw=3.0, label=f"target f^{k}")
    for i, (label, net) in enumerate(nets.items()):
        xs, ys = _exact_polyline(net, k)
        ax.plot(xs, ys, color=_COLOURS[i % 5], lw=1.2, label=label)
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.25, 1.45)
    ax.set_xlabel("input x")
    ax.set_ylabel("output")
    ax.set_title(title if title is not None else f"fits of the {2**k}-piece sawtooth")
    ax.legend(loc="upper center", fontsize="small", ncols=len(nets) + 1, frameon=False)
    return ax


def plot_race_errors(ks: Sequence[int], errors: Mapping[str, Sequence[float]], *, bound: Sequence[float] | None = None,
                     ax: Axes | None = None, title: str | None = None) -> Axes:
    """Exact L2 errors against f^k for each contender, with the constant 1/2 and an optional bound.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_race_errors([3, 4], {"deep": [0.01, 0.03], "shallow": [0.2, 0.27]}, ax=Figure().subplots())
    >>> [line.get_label() for line in ax.lines]
    ['deep', 'shallow', 'constant 1/2 (0.289)']
    """
    ax = _new_axes(ax)
    ks = list(ks)
    for i, (label, values) in enumerate(errors.items()):
        ax.plot(ks, values, "o-", color=_COLOURS[i % 5], markersize=4, label=label)
    ax.axhline(np.sqrt(1 / 12), color="0.4", ls=":", lw=1, label="constant 1/2 (0.289)")
    if bound is not None:
        ax.plot(ks, bound, "k--", lw=1, label="tooth bound, shallow")
    ax.set_xticks(ks)
    ax.set_ylim(0, 0.45)
    ax.set_xlabel("compositions k (the target has 2^k pieces)")
    ax.set_ylabel("exact L2 error on [0, 1]")
    ax.set_title(title if title is not None else "the budget race: error against k")
    ax.legend(loc="upper left", fontsize="small")
    return ax


def plot_radial(dims: Sequence[int], shallow: Sequence[float], deep: Sequence[float], *,
                ax: Axes | None = None, title: str | None = None) -> Axes:
    """Relative test MSE of one against two hidden layers on the radial target, against d (log y).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_radial([2, 8], [0.03, 0.4], [0.02, 0.1], ax=Figure().subplots())
    >>> ax.get_yscale()
    'log'
    """
    ax = _new_axes(ax)
    ax.plot(dims, shallow, "o-", color=_COLOURS[1], markersize=4, label="1 hidden layer")
    ax.plot(dims, deep, "s-", color=_COLOURS[0], markersize=4, label="2 hidden layers (32, 32)")
    ax.set_xscale("log", base=2)
    ax.set_xticks(list(dims), [str(d) for d in dims])
    ax.set_yscale("log")
    ax.set_xlabel("input dimension d")
    ax.set_ylabel("test MSE / Var(y)")
    ax.set_title(title if title is not None else "a radial target, same parameter count (one seed)")
    ax.legend(loc="upper left", fontsize="small")
    return ax


def plot_shallow_units(depths: Sequence[int], deep_units: Sequence[int], shallow_units: Sequence[int], *,
                       ax: Axes | None = None, title: str | None = None) -> Axes:
    """Units of a deep net against the units of its full max-of-shallow rewrite, log scale.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_shallow_units([1, 2], [4, 8], [4, 128], ax=Figure().subplots())
    >>> ax.get_yscale()
    'log'
    """
    ax = _new_axes(ax)
    ax.plot(depths, deep_units, "o-", color=_COLOURS[0], markersize=4, label="deep net")
    ax.plot(depths, shallow_units, "s-", color=_COLOURS[1], markersize=4, label="its rewrite as a max of shallow nets")
    ax.set_yscale("log")
    ax.set_xticks(list(depths))
    ax.set_xlabel("hidden layers L")
    ax.set_ylabel("hidden units")
    ax.set_title(title if title is not None else "deep to shallow: units needed")
    ax.legend(loc="upper left", fontsize="small")
    return ax
